// The workflows on Temporal's time-skipping test server (the toolchain's temporal-test-server) with
// stub activities: what a workflow decides, tested in seconds, timers of an hour included. One
// server per test file; the workers run the run's workflow bundle, as the real workers do.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { inject } from 'vitest';
import { storeSearchAttributeKeys } from '../../core/search-attributes.js';
import type { StoreStatus } from '../../core/status.js';
import { statusQuery } from '../../core/messages.js';
import type { StoreSettings } from '../../core/settings.js';
import { createStoreWorkers } from '../../worker/workers.js';
import { eventually, installQuietRuntime, uniqueName } from './clients.js';
import { stubActivities, type StubActivities } from './stub-activities.js';

export interface RulesEnvironment {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  stubs: StubActivities;
  /** Waits (in real time, a query at a time) until the store's status passes the check. */
  untilStatus(
    handle: WorkflowHandle,
    what: string,
    check: (status: StoreStatus) => boolean,
    timeoutMs?: number,
  ): Promise<StoreStatus>;
  stop(): Promise<void>;
}

/**
 * The SDK gives the server 5 s to answer. The toolchain's launcher starts it in well under 2 s even on
 * a busy machine (its startup archive), but a CI run has still seen one miss: a server that did not
 * answer in time is stopped by the SDK, so a start is simply tried again.
 */
async function startTimeSkippingServer(path: string, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path } },
      });
    } catch (error) {
      if (attempt >= attempts || !/did not start within/.test(String(error))) throw error;
    }
  }
}

export async function startRulesEnvironment(settings: Partial<StoreSettings> = {}): Promise<RulesEnvironment> {
  installQuietRuntime();
  const server = inject('toolchain')['temporal-test-server'];
  if (!server) throw new Error('the toolchain has no temporal-test-server: run `npm test`, which fetches it');
  const env = await startTimeSkippingServer(server);
  // The test server knows no custom search attributes until told, and the store workflows upsert theirs.
  const keyword = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(storeSearchAttributeKeys.map((key) => [key.name, keyword])),
  });
  const taskQueue = uniqueName('rules');
  const stubs = stubActivities(settings);
  const workers = await createStoreWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: stubs.activities,
    maxConcurrentProvisions: 10,
    workflows: { workflowBundle: { codePath: inject('workflowBundlePath') } },
  });
  const running = Promise.all(workers.map((worker) => worker.run()));
  return {
    env,
    client: env.client,
    taskQueue,
    stubs,
    untilStatus: (handle, what, check, timeoutMs = 20_000) =>
      eventually(
        what,
        async () => {
          const status = await handle.query(statusQuery);
          return check(status) ? status : undefined;
        },
        timeoutMs,
      ),
    async stop() {
      for (const worker of workers) worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
