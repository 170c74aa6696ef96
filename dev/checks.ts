// `npm test`: the toolchain, then formatting, typecheck and lint beside the vitest suite; it fails if any of them fails.
// Its last line is always the summary `tests: N passed, N failed, N skipped`: the suite's, or one
// failure when a check failed or the suite ended badly without counting a failure.
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

/** A command of `npm test`, run in the repository with its binaries from node_modules. */
export interface Step {
  label: string;
  bin: string;
  args: string[];
}

/** Formatting, types and lint: 5 to 20 s of one core each. */
const staticChecks: Step[] = [
  // `npm run format` fixes what this finds.
  { label: 'format', bin: 'prettier', args: ['--check', '.'] },
  { label: 'typecheck', bin: 'tsc', args: ['--noEmit'] },
  { label: 'lint', bin: 'eslint', args: ['.'] },
];

async function runSteps(vitestArgs: string[], summaryFile: string): Promise<number> {
  await ensureToolchain({ cacheDir: defaultCacheDir(), components: [...components, ...testComponents] });
  // The API fuzz and OpenAPI tests run schemathesis; a missing Python fails here, not mid-suite.
  const schemathesis = await ensureSchemathesis({ cacheDir: defaultCacheDir() });
  const env = { [schemathesisEnvVar]: schemathesis, STOREFLEET_TEST_SUMMARY_FILE: summaryFile };
  return runBesideSuite(staticChecks, { label: 'tests', bin: 'vitest', args: ['run', ...vitestArgs] }, env);
}

/**
 * Runs the checks beside the suite, not before it: the suite's first minute mostly waits for processes
 * to start, and the checks' half minute of CPU fits in there (run first, they added it to the wall
 * time). They run at a lower CPU priority (nice 10), so they take what the suite leaves. Their output
 * is held back, so it does not break into the suite's, and shown after the suite when they failed.
 * The exit code is the first failure's, in the order given, else 0.
 */
export async function runBesideSuite(checks: Step[], suite: Step, env: Record<string, string>): Promise<number> {
  const niced = ({ label, bin, args }: Step): Step => ({ label, bin: 'nice', args: ['-n', '10', bin, ...args] });
  const results = await Promise.all([
    ...checks.map((check) => runStep(niced(check), env, 'pipe')),
    runStep(suite, env, 'inherit'),
  ]);
  for (const { label, output } of results.filter((result) => result.exitCode !== 0 && result.output)) {
    say(`[test] ${label} said:`);
    say(output!.trimEnd());
  }
  return results.find((result) => result.exitCode !== 0)?.exitCode ?? 0;
}

async function runStep(
  { label, bin, args }: Step,
  env: Record<string, string>,
  output: 'pipe' | 'inherit',
): Promise<{ label: string; exitCode: number; output?: string }> {
  const began = Date.now();
  say(`[test] ${label}: ${bin} ${args.join(' ')}`);
  const result = await execa(bin, args, {
    cwd: repoRoot,
    preferLocal: true,
    reject: false,
    env,
    ...(output === 'pipe' ? { all: true, stdin: 'ignore' } : { stdio: 'inherit' }),
  });
  const exitCode = result.exitCode ?? 1;
  const took = formatDuration(Date.now() - began);
  say(exitCode === 0 ? `[test] ${label} passed in ${took}` : `[test] ${label} failed (exit ${exitCode}) after ${took}`);
  return { label, exitCode, ...(typeof result.all === 'string' ? { output: result.all } : {}) };
}

function readSummary(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The suite's own summary; a failed run that counted no failure (a failed check, a broken global setup) shows one. */
export function finalSummary(exitCode: number, suiteSummary: string | undefined): string {
  const counts = /^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(suiteSummary ?? '');
  const [passed, failed, skipped] = counts ? counts.slice(1).map(Number) : [0, 0, 0];
  return `tests: ${passed} passed, ${exitCode !== 0 && failed === 0 ? 1 : failed} failed, ${skipped} skipped`;
}
