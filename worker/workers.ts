// The workers of a storefleet worker process: workflows and quick Kubernetes steps on the main task
// queue; helm commands on `<queue>-helm` and readiness waits on `<queue>-readiness`, each capped at
// MAX_CONCURRENT_PROVISIONS. Apart, a store's readiness wait never queues behind other stores' helm
// commands (one queue for both made every store of a burst wait for the last install).
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { helmQueueActivities, readinessQueueActivities, type StoreActivities } from '../activities/index.js';
import { helmTaskQueue, readinessTaskQueue } from '../core/names.js';

export interface StoreWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: StoreActivities;
  maxConcurrentProvisions: number;
  /** The workflow code, bundled beforehand (worker/bundle-workflows.ts; the tests' global setup). */
  workflows: Pick<WorkerOptions, 'workflowBundle'>;
}

export async function createStoreWorkers(options: StoreWorkersOptions): Promise<Worker[]> {
  const pick = (names: readonly string[]) => Object.fromEntries(Object.entries(options.activities).filter(([name]) => names.includes(name)));
  const onOwnQueues = new Set<string>([...helmQueueActivities, ...readinessQueueActivities]);
  const common = { connection: options.connection, namespace: options.namespace };
  const capped = { maxConcurrentActivityTaskExecutions: options.maxConcurrentProvisions };
  return Promise.all([
    Worker.create({ ...common, taskQueue: options.taskQueue, ...options.workflows, activities: pick(Object.keys(options.activities).filter((name) => !onOwnQueues.has(name))) }),
    Worker.create({ ...common, ...capped, taskQueue: helmTaskQueue(options.taskQueue), activities: pick(helmQueueActivities) }),
    Worker.create({ ...common, ...capped, taskQueue: readinessTaskQueue(options.taskQueue), activities: pick(readinessQueueActivities) }),
  ]);
}
