// Python tools the tests run: schemathesis (the API fuzzer) comes only from PyPI, so it lives in a
// venv of its own in the cache, made once and then reused.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultCacheDir } from './config.js';
import { formatDuration, say } from './output.js';
import { ToolchainError } from './toolchain/ensure.js';

export const schemathesisVersion = '4.32.5';
/** How `npm test` tells vitest where the `st` executable is. */
export const schemathesisEnvVar = 'STOREFLEET_SCHEMATHESIS_BIN';

const pythonPackages = 'Debian/Ubuntu: apt-get install python3 python3-venv; macOS: brew install python';

export function schemathesisVenv(cacheDir: string): string {
  return join(cacheDir, 'python', `schemathesis-${schemathesisVersion}`);
}

/** The path of the pinned `st` executable, creating its venv when it is missing or broken. */
export async function ensureSchemathesis(options: { cacheDir: string }): Promise<string> {
  const venv = schemathesisVenv(options.cacheDir);
  const st = join(venv, 'bin', 'st');
  if (await isPinned(st)) return st;

  const python = await execa('python3', ['-c', 'import sys; assert sys.version_info >= (3, 9), sys.version'], {
    reject: false,
    all: true,
  });
  if (python.exitCode !== 0) {
    throw new ToolchainError(
      'schemathesis',
      `needs Python >= 3.9 as \`python3\` on PATH (${python.all || python.message}). Install it (${pythonPackages}).`,
    );
  }
  say(
    `[toolchain] schemathesis ${schemathesisVersion}: creating a Python venv in ${venv} and installing from PyPI (about 1 min)`,
  );
  const started = Date.now();
  // A venv left half-made by an interrupted run would fail the same way again.
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  const created = await execa('python3', ['-m', 'venv', venv], { reject: false, all: true });
  if (created.exitCode !== 0) {
    throw new ToolchainError(
      'schemathesis',
      `\`python3 -m venv\` failed (on Debian the venv module is a package of its own: ${pythonPackages}):\n${created.all}`,
    );
  }
  const pip = await execa(
    join(venv, 'bin', 'python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `schemathesis==${schemathesisVersion}`],
    {
      reject: false,
      all: true,
      timeout: 15 * 60_000,
    },
  );
  if (pip.exitCode !== 0 || !(await isPinned(st))) {
    throw new ToolchainError(
      'schemathesis',
      `pip install schemathesis==${schemathesisVersion} failed (exit ${pip.exitCode}); it needs PyPI:\n${pip.all.split('\n').slice(-20).join('\n')}`,
    );
  }
  say(`[toolchain] schemathesis ${schemathesisVersion}: installed in ${formatDuration(Date.now() - started)}`);
  return st;
}

/** For tests: the path `npm test` passed down, else the venv (made now when `vitest` runs alone). */
export async function schemathesisBin(): Promise<string> {
  return process.env[schemathesisEnvVar] || (await ensureSchemathesis({ cacheDir: defaultCacheDir() }));
}

async function isPinned(st: string): Promise<boolean> {
  if (!existsSync(st)) return false;
  const result = await execa(st, ['--version'], { reject: false, all: true, timeout: 60_000 });
  return result.exitCode === 0 && result.all.includes(schemathesisVersion);
}
