// One real node per machine: it owns the host's bridge, chains and /var/lib/kubelet. The real-node
// test files run in parallel with the rest of the suite, so they take turns through a lock file.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const lockPath = '/run/storefleet-real-node-test.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until no other test process holds the node; returns the release. A dead holder's lock is taken over. */
export async function takeNodeTurn(): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      // An empty file is a lock being written this moment.
      if (holder && !alive(holder)) rmSync(lockPath, { force: true });
      else await sleep(1000);
    }
  }
}
