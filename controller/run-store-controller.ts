// Runs the Store controller in the worker while this process holds the controller's Lease: with several
// worker replicas exactly one acts on Store events, and another takes over when it dies. Events are
// handled one at a time, the newest state of each object only; refused or failed objects come back later,
// and those refused while store creation was paused as soon as it resumes.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { startLeaderElection } from './leader-lease.js';
import { createStoreController, storeInformer, type StoreControllerOptions } from './store-controller.js';
import type { StoreObject } from '../core/store-object.js';

export const controllerLeaseName = 'storefleet-store-controller';

export interface RunStoreControllerOptions extends StoreControllerOptions {
  log: Logger;
  /** How long a refused object waits before it is looked at again (a quota may have freed up); 30 s. */
  refusedRetryMs?: number;
  /** How long an object whose handling failed (Temporal or the apiserver away) waits; 5 s. */
  failedRetryMs?: number;
  /** How often the pause is read while objects wait for store creation to resume; 5 s. */
  resumeCheckMs?: number;
  identity?: string;
}

export function runStoreController(options: RunStoreControllerOptions): { stop(): Promise<void> } {
  const log: Logger = options.log.child({ component: 'store-controller' });
  const controller = createStoreController(options);
  const refusedRetryMs = options.refusedRetryMs ?? 30_000;
  const failedRetryMs = options.failedRetryMs ?? 5000;
  const resumeCheckMs = options.resumeCheckMs ?? 5000;

  async function lead(lost: AbortSignal): Promise<void> {
    log.info('leading: acting on Store objects');
    const informer = storeInformer(options.kubeConfig, controller.objects);
    const pending = new Map<string, StoreObject>();
    const timers = new Set<NodeJS.Timeout>();
    let draining = false;
    const keyOf = (object: StoreObject) => `${object.metadata.namespace}/${object.metadata.name}`;
    const after = (ms: number, run: () => unknown) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void run();
      }, ms);
      timers.add(timer);
    };
    const again = (key: string) => {
      const [namespace, name] = key.split('/') as [string, string];
      const current = informer.get(name, namespace);
      if (current) enqueue(current);
    };
    const later = (key: string, ms: number) => after(ms, () => again(key));
    // Refused for the pause: looked at again once a read of the pause says it is over (and, should the
    // reads fail, after refusedRetryMs like any refusal), not up to refusedRetryMs after the resume.
    const awaitingResume = new Set<string>();
    const checkResume = async () => {
      const paused = await controller.creationPaused().catch(() => true);
      if (lost.aborted) return;
      if (!paused) {
        for (const key of awaitingResume) again(key);
        awaitingResume.clear();
      }
      if (awaitingResume.size > 0) after(resumeCheckMs, checkResume);
    };
    const whenCreationResumes = (key: string) => {
      if (awaitingResume.size === 0) after(resumeCheckMs, checkResume);
      awaitingResume.add(key);
    };
    const enqueue = (object: StoreObject) => {
      if (lost.aborted) return;
      pending.set(keyOf(object), object);
      void drain();
    };
    async function drain(): Promise<void> {
      if (draining) return;
      draining = true;
      try {
        for (let next = pending.entries().next(); !next.done && !lost.aborted; next = pending.entries().next()) {
          const [key, object] = next.value;
          pending.delete(key);
          const storeLog = log.child({ storeId: object.metadata.name, storeObject: key });
          try {
            const lookAgain = await controller.reconcile(object);
            if (lookAgain !== 'no') later(key, refusedRetryMs);
            if (lookAgain === 'whenCreationResumes') whenCreationResumes(key);
          } catch (error) {
            storeLog.warn({ err: error }, 'handling the Store object failed; trying again');
            later(key, failedRetryMs);
          }
        }
      } finally {
        draining = false;
      }
    }
    informer.on('add', enqueue);
    informer.on('update', enqueue);
    // The informer stops on an error (the apiserver away, no CRD yet): it starts again a little later.
    const watchAgainLater = (error: unknown) => {
      if (lost.aborted) return;
      log.warn({ err: error }, 'watching Store objects failed; watching again');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!lost.aborted) informer.start().catch(watchAgainLater);
      }, failedRetryMs);
      timers.add(timer);
    };
    informer.on('error', watchAgainLater);
    lost.addEventListener('abort', () => {
      for (const timer of timers) clearTimeout(timer);
      pending.clear();
      awaitingResume.clear();
      void informer.stop();
      log.info('no longer leading: stopped acting on Store objects');
    });
    await informer.start().catch(watchAgainLater);
  }

  const election = startLeaderElection({
    kc: options.kubeConfig,
    namespace: options.objectNamespace,
    name: controllerLeaseName,
    identity: options.identity ?? `${hostname()}-${process.pid}`,
    log,
    onStartedLeading: lead,
  });
  return {
    stop: async () => {
      await election.stop();
      // Quota slots it leased and did not use are free for the API replicas at once.
      await controller.closeQuotaLeases();
    },
  };
}
