import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.storefleet/**', '.scratch/**'],
    // One Temporal dev server and one simulated cluster for the whole run (test/harness/global-setup.ts).
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting for Temporal, helm and the cluster,
    // so two overlap well even on two cores (about 11 instead of 19 minutes).
    maxWorkers: 2,
    // Store tests wait for provisioning; on a busy 2-core machine that can take a while.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
