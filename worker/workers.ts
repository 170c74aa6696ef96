// The two workers of a storefleet worker process: workflows and quick Kubernetes steps on the main task
// queue; provisioning's steps (namespace to readiness), rollbacks and uninstalls on `<queue>-helm`,
// where MAX_CONCURRENT_PROVISIONS caps concurrency.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { helmOnlyActivities, helmQueueActivities, type StoreActivities } from '../activities/index.js';
import { helmTaskQueue } from '../core/names.js';

export interface StoreWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: StoreActivities;
  maxConcurrentProvisions: number;
  /**
   * Store workflows kept in memory between their tasks; one not kept is replayed from its history when
   * its next task comes (a Ready store's drift check, a request). Bounds the worker's memory; the SDK sizes it
   * from the heap limit when unset.
   */
  workflowCacheSize?: number;
  /** The workflow code, bundled beforehand (worker/bundle-workflows.ts; the tests' global setup). */
  workflows: Pick<WorkerOptions, 'workflowBundle'>;
}

export async function createStoreWorkers(options: StoreWorkersOptions): Promise<Worker[]> {
  const pick = (names: ReadonlySet<string>, included: boolean) =>
    Object.fromEntries(Object.entries(options.activities).filter(([name]) => names.has(name) === included));
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    // A retried step tells what its lost attempt last said it was doing (activities/step-events.ts): the
    // SDK would hold heartbeats back for 0.8 of the 30 s timeout, so that could be 24 s stale.
    maxHeartbeatThrottleInterval: '5 seconds',
  };
  return Promise.all([
    Worker.create({
      ...common,
      taskQueue: options.taskQueue,
      ...options.workflows,
      maxCachedWorkflows: options.workflowCacheSize,
      activities: pick(new Set<string>(helmOnlyActivities), false),
    }),
    Worker.create({
      ...common,
      taskQueue: helmTaskQueue(options.taskQueue),
      activities: pick(new Set<string>(helmQueueActivities), true),
      maxConcurrentActivityTaskExecutions: options.maxConcurrentProvisions,
    }),
  ]);
}
