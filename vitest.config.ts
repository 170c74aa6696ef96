import { defineConfig } from 'vitest/config';
import RealNodeFirstSequencer from './test/harness/sequencer.js';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.storefleet/**', '.scratch/**'],
    // One Temporal dev server and one simulated cluster for the whole run (test/harness/global-setup.ts).
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Four files at a time: most of a file's time is spent waiting for Temporal, helm, the cluster and the
    // real node, so four overlap well even on two cores (a full run with the real node: 783 s, its file 587 s
    // of it). Load-sensitive failures seen with four earlier had causes of their own, since fixed (Chromium
    // losing queued requests to the real node's pod addresses, waits timed with work on a busy machine).
    maxWorkers: 4,
    sequence: { sequencer: RealNodeFirstSequencer },
    // Store tests wait for provisioning; on a busy 2-core machine that can take a while.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
