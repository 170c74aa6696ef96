// The order test files start in: vitest's own (failed first, then slowest by the last run's times, else
// largest), except that the real-node file goes first. It is the longest by far and runs alone on the
// node, so starting it late would leave the run waiting for it after everything else has finished.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const firstFiles = [/\/test\/real\/node\.test\.ts$/];

export default class RealNodeFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isFirst = (file: TestSpecification) => firstFiles.some((pattern) => pattern.test(file.moduleId));
    return [...sorted.filter(isFirst), ...sorted.filter((file) => !isFirst(file))];
  }
}
