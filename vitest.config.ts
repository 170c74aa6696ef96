import { defineConfig } from 'vitest/config';
import RealNodeFirstSequencer from './test/harness/sequencer.js';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.storefleet/**', '.scratch/**'],
    // One Temporal dev server and one simulated cluster for the whole run (test/harness/global-setup.ts).
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Three files at a time: most of a file's time is spent waiting for Temporal, helm, the cluster and
    // the real node, so three overlap well even on two cores (a clean-clone CI run with the real node: 895 s;
    // CPU busy about 63%). Four were faster, but one clean-clone CI run in three then failed two load-sensitive
    // tests (a dashboard waiting 30 s for its stream, a SIGKILL landing after the work it should hit).
    maxWorkers: 3,
    sequence: { sequencer: RealNodeFirstSequencer },
    // Store tests wait for provisioning; on a busy 2-core machine that can take a while.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
