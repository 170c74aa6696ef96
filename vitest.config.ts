import { configDefaults, defineConfig } from 'vitest/config';
import RealNodeFirstSequencer from './test/harness/sequencer.js';

/** Test files that use the run's Temporal server and cluster (inject()); every other test file is pure. */
const platformFiles = ['test/**/*.test.ts', 'controller/leader-lease.test.ts', 'dev/cluster/local-platform.test.ts'];
const excluded = [...configDefaults.exclude, '.storefleet/**', '.scratch/**'];

export default defineConfig({
  test: {
    pool: 'forks',
    // Five files at a time: most of a file's time is spent waiting for Temporal, helm, the cluster and the
    // real node, so they overlap well even on two cores. Clean-clone CI runs, vitest's duration: with four,
    // 724 s (91885a0), 657 s and 663 s (8eee941, 02f400d), 621 s (a1eeec9); with five, 625 s and 667 s
    // (8eee941, 4269921: no clear gain while the real-node file, ~600 s then, was the longest path) and
    // 571 s (a1eeec9, after that file was shortened and the static checks moved beside the suite).
    // Load-sensitive failures seen earlier had causes of their own, since fixed (Chromium losing queued
    // requests to the real node's pod addresses, waits timed with work on a busy machine). Back to four
    // on a machine about half as fast (1177 s with five at 19d299c, the real-node file alone 1142 s):
    // there, five files at once left a simulated store Provisioning for over 120 s.
    maxWorkers: 4,
    // The files of a worker share its process and loaded modules instead of a fresh process each: loading
    // the SDKs and clients again for each of ~135 files made vitest's import time 133 s in a full run (30 s
    // shared) and its processes' CPU 383 s (308 s shared), on two cores busy the whole run. So a file must
    // leave nothing running: it stops its workers, servers and browsers in afterAll (test/harness/clients.ts
    // closes the file's Temporal connections there, and the next file connects anew).
    isolate: false,
    sequence: { sequencer: RealNodeFirstSequencer },
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'platform',
          include: platformFiles,
          exclude: excluded,
          // One Temporal dev server and one simulated cluster for the whole run (test/harness/global-setup.ts).
          globalSetup: ['test/harness/global-setup.ts'],
          // Store tests wait for provisioning; on a busy 2-core machine that can take a while.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...excluded, ...platformFiles],
          // Some unit tests start a node process or a compiler; beside the platform files on a busy 2-core
          // machine that took more than vitest's default 5 s (dev/checks.test.ts). A hang still fails.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
