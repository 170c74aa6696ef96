// `npm test`: the toolchain, then formatting, typecheck, lint and the vitest suite, stopping at the first failure.
// Its last line is always the summary `tests: N passed, N failed, N skipped`: the suite's, or one
// failure when a step before it failed or the suite ended badly without counting a failure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultCacheDir, repoRoot } from './config.js';
import { formatDuration, say } from './output.js';
import { ensureSchemathesis, schemathesisEnvVar } from './python-tools.js';
import { components } from './toolchain/components.js';
import { ensureToolchain } from './toolchain/ensure.js';
import { testComponents } from './toolchain/test-components.js';

export async function runChecks(vitestArgs: string[]): Promise<number> {
  const summaryDir = mkdtempSync(join(tmpdir(), 'storefleet-test-summary-'));
  const summaryFile = join(summaryDir, 'summary');
  let exitCode: number;
  try {
    exitCode = await runSteps(vitestArgs, summaryFile);
  } catch (error) {
    // Said here rather than by the caller, so the summary stays the last line.
    say(`[test] could not run: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
  }
  say(finalSummary(exitCode, readSummary(summaryFile)));
  rmSync(summaryDir, { recursive: true, force: true });
  return exitCode;
}

async function runSteps(vitestArgs: string[], summaryFile: string): Promise<number> {
  await ensureToolchain({ cacheDir: defaultCacheDir(), components: [...components, ...testComponents] });
  // The API fuzz and OpenAPI tests run schemathesis; a missing Python fails here, not mid-suite.
  const schemathesis = await ensureSchemathesis({ cacheDir: defaultCacheDir() });
  const steps: Array<[string, string, string[]]> = [
    // `npm run format` fixes what this finds.
    ['format', 'prettier', ['--check', '.']],
    ['typecheck', 'tsc', ['--noEmit']],
    ['lint', 'eslint', ['.']],
    ['tests', 'vitest', ['run', ...vitestArgs]],
  ];
  for (const [label, bin, args] of steps) {
    const began = Date.now();
    say(`[test] ${label}: ${bin} ${args.join(' ')}`);
    const env = { [schemathesisEnvVar]: schemathesis, STOREFLEET_TEST_SUMMARY_FILE: summaryFile };
    const result = await execa(bin, args, { cwd: repoRoot, preferLocal: true, stdio: 'inherit', reject: false, env });
    if (result.exitCode !== 0) {
      say(`[test] ${label} failed (exit ${result.exitCode}) after ${formatDuration(Date.now() - began)}`);
      return result.exitCode ?? 1;
    }
    say(`[test] ${label} passed in ${formatDuration(Date.now() - began)}`);
  }
  return 0;
}

function readSummary(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The suite's own summary; a failed run that counted no failure (a step before, a broken global setup) shows one. */
export function finalSummary(exitCode: number, suiteSummary: string | undefined): string {
  const counts = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(suiteSummary ?? '');
  const [passed, failed, skipped] = counts ? counts.slice(1).map(Number) : [0, 0, 0];
  return `tests: ${passed} passed, ${exitCode !== 0 && failed === 0 ? 1 : failed} failed, ${skipped} skipped`;
}
