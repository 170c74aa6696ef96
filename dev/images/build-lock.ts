// One build at a time per cache: buildah's storage copes with two, but the clean-up of mounts a
// killed build left behind must never touch a build still running. The lock is a file holding the
// builder's pid; a lock whose process is gone is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../process.js';

export async function withBuildLock<T>(
  imagesCacheDir: string,
  say: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  mkdirSync(imagesCacheDir, { recursive: true });
  const lock = join(imagesCacheDir, 'build.lock');
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (!holder) {
        // Created an instant ago, its pid not written yet.
        await sleep(100);
        continue;
      }
      if (!isAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) say(`[images] waiting for another image build (pid ${holder}) to finish...`);
      announced = true;
      await sleep(2000);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}
