// kwok stages that make the simulated cluster wait like a real one: pods Ready after seconds, the
// setup Job done later. Scoped by namespace prefix, so each benchmark mode picks its own behaviour.
import type { KubeConfig } from '@kubernetes/client-node';
import { applyStage, jobPodCompleteDelayStage, podReadyDelayStage } from '../dev/cluster/stages.js';
import { namespaceName } from '../core/names.js';

/**
 * Real start-up is ~15 s for pods and ~30 s for the setup Job (DESIGN.md); scaled down so the whole
 * run fits in ~25 minutes on 2 cores. The Job's pod first waits for the pod delay, then runs for the
 * Job delay, so a store is ready ~12–18 s after its release is installed.
 */
export const startupDelays = { podReadyMs: 4000, podJitterMs: 2000, jobRunMs: 8000, jobJitterMs: 4000 };

/** Stores whose id starts with this get the delays; all others start at once. */
export const delayedStorePrefix = 'd-';
/** Stores whose id starts with this never get Ready pods while the run lasts (memory benchmark). */
export const heldStorePrefix = 'm-';

const heldForMs = 3_600_000;

export async function installStartupDelays(kc: KubeConfig): Promise<void> {
  const delayed = { namespacePrefix: namespaceName(delayedStorePrefix) };
  await applyStage(
    kc,
    podReadyDelayStage({
      name: 'bench-pod-ready-delay',
      delayMs: startupDelays.podReadyMs,
      jitterMs: startupDelays.podJitterMs,
      scope: delayed,
    }),
  );
  await applyStage(
    kc,
    jobPodCompleteDelayStage({
      name: 'bench-job-delay',
      delayMs: startupDelays.jobRunMs,
      jitterMs: startupDelays.jobJitterMs,
      scope: delayed,
    }),
  );
  await applyStage(
    kc,
    podReadyDelayStage({
      name: 'bench-pods-held',
      delayMs: heldForMs,
      scope: { namespacePrefix: namespaceName(heldStorePrefix) },
    }),
  );
}

export function describeStartupDelays(): string {
  const { podReadyMs, podJitterMs, jobRunMs, jobJitterMs } = startupDelays;
  return `pods Ready after ${podReadyMs / 1000}–${(podReadyMs + podJitterMs) / 1000} s, setup Job pod done ${jobRunMs / 1000}–${(jobRunMs + jobJitterMs) / 1000} s after it runs`;
}
