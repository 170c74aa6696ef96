// Two worker processes on one task queue, as two replicas of the platform chart's worker: they share a
// burst of stores, MAX_CONCURRENT_PROVISIONS caps each replica (not the fleet), and SIGKILLing one
// mid-burst (its whole process group, helm included) loses nothing: the other finishes every store,
// each once.
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { helmQueueActivities } from '../../activities/index.js';
import { deleteSignal } from '../../core/messages.js';
import { namespaceName } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { eventually, GiveUp, temporalClient, uniqueName } from '../harness/clients.js';
import { expectNothingLeaked } from '../harness/end-checks.js';
import { injectPodReadyDelay } from '../harness/faults.js';
import { startStoreWorkflow, waitForPhase } from '../harness/store-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../harness/worker-process.js';

const perReplica = 2;
const storeCount = 8;
const readyDelayMs = 8000;
const onHelmQueue = new Set<string>(helmQueueActivities);

/** Every helm-queue activity running now, over all stores: its type, its worker's identity and when it started (ms). */
async function runningHelmWork(
  handles: WorkflowHandle[],
): Promise<Array<{ activity: string; identity: string; startedAt: number }>> {
  const described = await Promise.all(handles.map((handle) => handle.describe()));
  return described.flatMap(({ raw }) =>
    (raw.pendingActivities ?? [])
      .filter(
        (a) =>
          onHelmQueue.has(a.activityType?.name ?? '') &&
          a.state === proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      )
      .map((a) => ({
        activity: a.activityType?.name ?? '',
        identity: a.lastWorkerIdentity ?? '?',
        startedAt: Number(a.lastStartedTime?.seconds ?? 0) * 1000 + (a.lastStartedTime?.nanos ?? 0) / 1e6,
      })),
  );
}

const countBy = (items: string[]) =>
  items.reduce((counts, item) => counts.set(item, (counts.get(item) ?? 0) + 1), new Map<string, number>());

describe('two worker replicas on one task queue', () => {
  it('when a burst of stores runs on two workers and one is SIGKILLed mid-burst, then each replica ran at most MAX_CONCURRENT_PROVISIONS at once, both took work, and every store ends Ready once', async () => {
    const taskQueue = uniqueName('scale');
    const ids = Array.from({ length: storeCount }, () => uniqueName('scale'));
    // Slow pods keep readiness waits in flight, so the two replicas are seen busy at the same time.
    const delay = await injectPodReadyDelay({ namespaces: ids.map(namespaceName) }, readyDelayMs);
    const env = { MAX_CONCURRENT_PROVISIONS: String(perReplica) };
    const workers: WorkerProcess[] = await Promise.all([
      startWorkerProcess(taskQueue, env),
      startWorkerProcess(taskQueue, env),
    ]);
    const [killed, survivor] = workers as [WorkerProcess, WorkerProcess];
    try {
      const client = await temporalClient();
      const handles = await Promise.all(
        ids.map((id) => startStoreWorkflow(client, taskQueue, { storeId: id, engine: 'woocommerce' })),
      );

      // Mid-burst: both replicas run helm-queue work, more at once than one replica's cap allows (the cap is
      // per replica, not per fleet). Until then, no replica ever ran more than its cap.
      const killedIdentity = `${killed.pid}@`;
      await eventually(
        "both replicas running helm-queue work, more than one replica's cap in all",
        async () => {
          const running = await runningHelmWork(handles);
          const perWorker = countBy(running.map((work) => work.identity));
          for (const [identity, count] of perWorker)
            if (count > perReplica) throw new GiveUp(`worker ${identity} ran ${count} helm-queue activities at once`);
          const busy = [...perWorker.keys()];
          const bothBusy = busy.length === 2 && busy.some((identity) => identity.startsWith(killedIdentity));
          // The kill must land while the replica still holds work: one of its readiness waits (which last the
          // pods' readiness delay) began only a moment ago (on a busy machine the describes alone take seconds).
          const killedJustBegan = running.some(
            (work) =>
              work.activity === 'waitForReady' &&
              work.identity.startsWith(killedIdentity) &&
              Date.now() - work.startedAt < readyDelayMs / 2,
          );
          return bothBusy && killedJustBegan && running.length > perReplica ? true : undefined;
        },
        120_000,
      );
      await killed.kill('SIGKILL');
      expect(killed.children()).toEqual([]);

      // The lost activities come back on the survivor once their 30 s heartbeat is missed.
      const statuses = await Promise.all(handles.map((handle) => waitForPhase(handle, 'Ready', 240_000)));
      for (const status of statuses) expect(status.attempts).toBe(1);
      expect(statuses.some((status) => status.events.some((e) => e.reason === reasons.StepRetried))).toBe(true);
      await expectNothingLeaked({ ready: ids.map((storeId) => ({ storeId, engine: 'woocommerce' as const })) });

      for (const handle of handles) await handle.signal(deleteSignal);
      for (const handle of handles) expect((await handle.result()).phase).toBe('Deleted');
      await expectNothingLeaked({ deleted: ids.map((storeId) => ({ storeId, engine: 'woocommerce' as const })) });
    } finally {
      await survivor.kill('SIGTERM');
      await killed.kill('SIGKILL');
      await delay.remove();
    }
  }, 480_000);
});
