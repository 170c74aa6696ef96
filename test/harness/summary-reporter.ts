// Ends the run with one plain line, "tests: N passed, N failed, N skipped", that any CI can read; and
// writes it to STOREFLEET_TEST_SUMMARY_FILE when set, so `npm test` can print it as its own last line.
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const failedBefore = counts.failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
      // A file that failed outside its tests (it did not load, or a beforeAll/afterAll hook threw, which
      // leaves its tests skipped) must still count as a failure.
      if (module.state() === 'failed' && counts.failed === failedBefore) counts.failed += 1;
    }
    counts.failed += unhandledErrors.length;
    const summary = `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    process.stdout.write(`\n${summary}\n`);
    if (process.env.STOREFLEET_TEST_SUMMARY_FILE) writeFileSync(process.env.STOREFLEET_TEST_SUMMARY_FILE, summary);
  }
}
