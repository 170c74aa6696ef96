// Entry point of `npm start`, `npm test`, `npm run toolchain` and `npm run bench`.
// Uses nothing but Node itself, because on a fresh clone node_modules does not exist yet:
// it checks Node, installs the npm dependencies when they are missing or stale, then runs dev/cli.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`storefleet needs Node >= 20.19; this is ${process.version}. Install a newer Node and run again.`);
  process.exit(1);
}

function dependenciesAreStale() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

if (dependenciesAreStale()) {
  console.log('[storefleet] installing npm dependencies (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[storefleet] npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'dev', 'cli.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to this pid alone must be passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
