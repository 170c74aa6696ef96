// `npm test`: the toolchain, then typecheck, lint and the vitest suite, stopping at the first failure.
import { execa } from 'execa';
import { defaultCacheDir, repoRoot } from './config.js';
import { formatDuration, say } from './output.js';
import { ensureSchemathesis, schemathesisEnvVar } from './python-tools.js';
import { ensureToolchain } from './toolchain/ensure.js';

export async function runChecks(vitestArgs: string[]): Promise<number> {
  await ensureToolchain({ cacheDir: defaultCacheDir() });
  // The API fuzz and OpenAPI tests run schemathesis; a missing Python fails here, not mid-suite.
  const schemathesis = await ensureSchemathesis({ cacheDir: defaultCacheDir() });
  const steps: Array<[string, string, string[]]> = [
    ['typecheck', 'tsc', ['--noEmit']],
    ['lint', 'eslint', ['.']],
    ['tests', 'vitest', ['run', ...vitestArgs]],
  ];
  for (const [label, bin, args] of steps) {
    const began = Date.now();
    say(`[test] ${label}: ${bin} ${args.join(' ')}`);
    const result = await execa(bin, args, { cwd: repoRoot, preferLocal: true, stdio: 'inherit', reject: false, env: { [schemathesisEnvVar]: schemathesis } });
    if (result.exitCode !== 0) {
      say(`[test] ${label} failed (exit ${result.exitCode}) after ${formatDuration(Date.now() - began)}`);
      return result.exitCode ?? 1;
    }
    say(`[test] ${label} passed in ${formatDuration(Date.now() - began)}`);
  }
  return 0;
}
