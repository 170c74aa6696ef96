// A real storefleet worker for a test file: the project's workers and activities against the run's
// Temporal server, simulated cluster and helm, on a fresh task queue, with its log lines captured.
import { fileURLToPath } from 'node:url';
import {
  WorkflowIdConflictPolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { createActivities, type StoreActivities } from '../../activities/index.js';
import { storeWorkflowId } from '../../core/names.js';
import type { StoreSettings } from '../../core/settings.js';
import type { Phase, StoreStatus } from '../../core/status.js';
import type { StoreSpecInput } from '../../core/store-spec.js';
import { statusQuery } from '../../core/messages.js';
import { readModelMemoKey, type StoreReadModel } from '../../core/store-read-model.js';
import type { storeWorkflow } from '../../workflows/store.js';
import { createStoreWorkers } from '../../worker/workers.js';
import { eventually, GiveUp, kubeConfig, temporalClient, uniqueName, workerConnection } from './clients.js';
import { expectHistoriesReplay } from './replay-check.js';

export const chartsDir = fileURLToPath(new URL('../../charts', import.meta.url));

export interface StoreWorkerOptions extends Partial<StoreSettings> {
  maxConcurrentProvisions?: number;
  /** Charts other than the real ones, for tests of failures the real charts never cause. */
  chartsDir?: string;
  /** Lets a test observe activity calls (e.g. count concurrent ones) without changing what they do. */
  wrapActivities?: (activities: StoreActivities) => StoreActivities;
  /** Another cluster than the run's, e.g. one a fault test may take down. */
  kubeconfigPath?: string;
  /** The activities' KubeConfig, when its credentials or its per-call timeout differ from the file's. */
  kubeConfig?: KubeConfig;
  /** How long ErrImageNeverPull must last before the store fails (the worker's default: 30 s). */
  fatalWaitGraceMs?: number;
  /** Chart values per engine beneath storefleet's own, as STOREFLEET_CHART_VALUES_FILE gives them (local mode's stand-in images). */
  chartValues?: ActivityDeps['chartValues'];
  /** The namespace the stores' policies admit the ingress from (the worker's default: ingress-nginx). */
  ingressNamespace?: string;
  /** STOREFLEET_STORE_INGRESS_URL: where the storefront and order checks reach store URLs. */
  storeIngressUrl?: string;
}

export interface TestStoreWorker {
  taskQueue: string;
  client: Client;
  /** The worker's pino lines so far (JSON strings). */
  logs: string[];
  createStore(spec: StoreSpecInput): Promise<WorkflowHandleWithFirstExecutionRunId<typeof storeWorkflow>>;
  stop(): Promise<void>;
}

/**
 * The worker's activities as the tests run them: the run's cluster (or `kubeconfigPath`, with
 * `kubeConfig` if given), helm and charts, readiness polled every 250 ms, lines logged to `log`.
 */
export function testActivities(options: StoreWorkerOptions & { log: Logger }): StoreActivities {
  const kubeconfigPath = options.kubeconfigPath ?? inject('kubeconfigPath');
  return createActivities({
    kubeConfig: options.kubeConfig ?? kubeConfig(kubeconfigPath),
    kubeconfigPath,
    helmBinary: inject('toolchain').helm ?? 'helm',
    chartsDir: options.chartsDir ?? chartsDir,
    ingressNamespace: options.ingressNamespace ?? 'ingress-nginx',
    ...(options.storeIngressUrl ? { storeIngressUrl: options.storeIngressUrl } : {}),
    ...(options.chartValues ? { chartValues: options.chartValues } : {}),
    log: options.log,
    readinessPollMs: 250,
    ...(options.fatalWaitGraceMs === undefined ? {} : { fatalWaitGraceMs: options.fatalWaitGraceMs }),
    settings: {
      maxProvisionSeconds: options.maxProvisionSeconds ?? 120,
      driftCheckSeconds: options.driftCheckSeconds ?? 300,
      baseDomain: options.baseDomain ?? '127.0.0.1.nip.io',
      historyEventLimit: options.historyEventLimit ?? 2000,
      readModel: options.readModel ?? true,
      storefrontCheck: options.storefrontCheck ?? false,
      ...(options.storeHttps ? { storeHttps: true } : {}),
    },
  });
}

export async function startStoreWorker(options: StoreWorkerOptions = {}): Promise<TestStoreWorker> {
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const taskQueue = uniqueName('stores');
  const activities = testActivities({ ...options, log });
  const workers = await createStoreWorkers({
    connection: await workerConnection(),
    namespace: 'default',
    taskQueue,
    activities: options.wrapActivities ? options.wrapActivities(activities) : activities,
    maxConcurrentProvisions: options.maxConcurrentProvisions ?? 10,
    workflows: { workflowBundle: { codePath: inject('workflowBundlePath') } },
  });
  const running = Promise.all(workers.map((worker) => worker.run()));
  const client = await temporalClient();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue,
    client,
    logs,
    createStore: (spec) => startStoreWorkflow(client, taskQueue, spec),
    // Once: a test that stops the worker itself, then its afterAll, replays the histories only once.
    stop() {
      stopped ??= (async () => {
        for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await expectHistoriesReplay(client, taskQueue);
      })();
      return stopped;
    },
  };
}

/** A store's workflow on `taskQueue`, started as the API starts it (an existing one is kept). */
export function startStoreWorkflow(client: Client, taskQueue: string, spec: StoreSpecInput) {
  return client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
    taskQueue,
    workflowId: storeWorkflowId(spec.storeId),
    args: [spec],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}

/** A store id no other test uses. */
export const storeId = (prefix = 't') => uniqueName(prefix);

export function storeStatus(handle: WorkflowHandle): Promise<StoreStatus> {
  return handle.query(statusQuery);
}

/**
 * The store's phase from its read model (the memo, which a describe returns without a worker task: about
 * a third of a status query's CPU in Temporal and the worker), else, before its first task, from the query.
 */
async function currentModel(handle: WorkflowHandle): Promise<Pick<StoreReadModel, 'phase' | 'lastError'>> {
  const model = (await handle.describe()).memo?.[readModelMemoKey] as StoreReadModel | undefined;
  return model ?? (await storeStatus(handle));
}

/**
 * Waits for the store to reach the phase, polling its read model, and returns its whole status (one
 * query); a Failed store while waiting for Ready fails fast with its lastError. A timeout says the
 * phase and lastError last seen, so a slow step can be told from a stuck one.
 */
export async function waitForPhase(handle: WorkflowHandle, phase: Phase, timeoutMs = 90_000): Promise<StoreStatus> {
  let last: Pick<StoreReadModel, 'phase' | 'lastError'> | undefined;
  return eventually(
    `store ${handle.workflowId} to be ${phase}`,
    async () => {
      last = await currentModel(handle);
      if (last.phase !== phase && !(phase === 'Ready' && last.phase === 'Failed')) return undefined;
      const status = await storeStatus(handle);
      if (status.phase === phase) return status;
      if (phase === 'Ready' && status.phase === 'Failed')
        throw new GiveUp(`store ${handle.workflowId} failed instead: ${status.lastError}`);
      return undefined;
    },
    timeoutMs,
    () => (last ? `it was ${last.phase}, lastError: ${last.lastError ?? 'none'}` : 'its phase was never read'),
  );
}

/** A workflow's history as text a test can search, every payload's bytes decoded. */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  return JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString() : value,
  );
}
