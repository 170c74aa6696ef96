import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.storefleet/**', '.scratch/**'],
    // One Temporal dev server and one simulated cluster for the whole run (test/harness/global-setup.ts).
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Store tests wait for provisioning; on a busy 2-core machine that can take a while.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
