// kwok runs with --enable-crds=Stage so tests and benchmarks can change how fake pods behave while the
// cluster runs: install the Stage CRD and our default stages before kwok starts, then add or delete
// weighted stages (faults, start-up delays) at runtime.
//
// How kwok evaluates stages (v0.7.0, pkg/kwok/controllers/pod_controller.go): only on a pod's own
// watch events (added, modified, and a re-sync when kwok takes over a node). Adding or deleting a Stage
// re-evaluates no existing pod, and a delayed stage already queued for a pod still fires after its
// Stage is deleted. So a pod a fault left stuck stays stuck once the fault is gone: the fault gave it a
// podIP (as a real ImagePullBackOff pod has), and the default pod-ready only takes pods without one.
// To recover, delete the stuck pods: their ReplicaSet/StatefulSet/Job makes new ones, which the
// default pod-ready starts (see test/harness/faults.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  DEFAULT_STAGES,
  STAGE_GROUP,
  STAGE_PLURAL,
  STAGE_ROLE_LABEL,
  STAGE_VERSION,
  dedent,
  stageObject,
  statusPatch,
} from './default-stages.js';
import {
  isLive,
  notStarted,
  podCompleteTemplate,
  podReadyTemplate,
  podStartedTemplate,
  podTerminatedTemplate,
  runningJobPod,
} from './default-stages.js';
import type { Stage, StageExpression } from './default-stages.js';
import { ignoreNotFound, statusOf } from '../../activities/kube-objects.js';
import { waitForCrdEstablished } from '../polling.js';

export { DEFAULT_STAGES, type Stage } from './default-stages.js';

const api = { group: STAGE_GROUP, version: STAGE_VERSION, plural: STAGE_PLURAL };
const anyObject = { type: 'object', x_kubernetes_preserve_unknown_fields: true };

/** Our own minimal Stage CRD: kwok validates stages itself, the apiserver only has to store them. */
export const STAGE_CRD: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${STAGE_PLURAL}.${STAGE_GROUP}` },
  spec: {
    group: STAGE_GROUP,
    scope: 'Cluster',
    names: { kind: 'Stage', listKind: 'StageList', plural: STAGE_PLURAL, singular: 'stage' },
    versions: [
      {
        name: STAGE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: anyObject, status: anyObject } } },
      },
    ],
  },
};

/**
 * Installs (or updates) the CRD and the default stages, and drops runtime stages a previous run left
 * behind (the state dir of `npm start` is reused). Call before kwok starts.
 */
export async function installStages(kc: KubeConfig, timeoutMs = 30_000): Promise<void> {
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  const name = STAGE_CRD.metadata?.name ?? '';
  await createOrReplace(
    () => crds.createCustomResourceDefinition({ body: STAGE_CRD }),
    async () => {
      const current = await crds.readCustomResourceDefinition({ name });
      const body = {
        ...STAGE_CRD,
        metadata: { ...STAGE_CRD.metadata, resourceVersion: current.metadata?.resourceVersion },
      };
      await crds.replaceCustomResourceDefinition({ name, body });
    },
  );
  const deadline = Date.now() + timeoutMs;
  await waitForCrdEstablished(crds, name, timeoutMs);
  // Right after Established the new resource can 404 or 429 ("storage is (re)initializing") for a moment.
  await retryWhileStarting(deadline, async () => {
    for (const stage of await listStages(kc)) {
      const role = stage.metadata.labels?.[STAGE_ROLE_LABEL];
      const stale =
        role === 'runtime' ||
        (role === 'default' && !DEFAULT_STAGES.some((s) => s.metadata.name === stage.metadata.name));
      if (stale) await deleteStage(kc, stage.metadata.name);
    }
    for (const stage of DEFAULT_STAGES) await applyStage(kc, stage);
  });
}

/** Create-or-replace: kwok picks the change up from its watch. */
export async function applyStage(kc: KubeConfig, stage: Stage): Promise<void> {
  const objects = kc.makeApiClient(CustomObjectsApi);
  const name = stage.metadata.name;
  await createOrReplace(
    () => objects.createClusterCustomObject({ ...api, body: stage }),
    async () => {
      const current = (await objects.getClusterCustomObject({ ...api, name })) as Stage;
      const body: Stage = {
        ...stage,
        metadata: { ...stage.metadata, resourceVersion: current.metadata.resourceVersion },
      };
      await objects.replaceClusterCustomObject({ ...api, name, body });
    },
  );
}

export async function deleteStage(kc: KubeConfig, name: string): Promise<void> {
  await ignoreNotFound(kc.makeApiClient(CustomObjectsApi).deleteClusterCustomObject({ ...api, name }));
}

export async function listStages(kc: KubeConfig): Promise<Stage[]> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject(api)) as { items: Stage[] };
  return list.items;
}

/** Which pods a runtime stage applies to; the parts are ANDed, and an empty scope means all pods. */
export interface PodScope {
  namespaces?: string[];
  namespacePrefix?: string;
  labels?: Record<string, string>;
}

function scopeSelector(scope: PodScope, expressions: StageExpression[]): Stage['spec']['selector'] {
  const scoped: StageExpression[] = [...expressions];
  if (scope.namespaces) scoped.push({ key: '.metadata.namespace', operator: 'In', values: scope.namespaces });
  if (scope.namespacePrefix !== undefined) {
    scoped.push({
      key: `.metadata.namespace | startswith(${JSON.stringify(scope.namespacePrefix)})`,
      operator: 'In',
      values: ['true'],
    });
  }
  return { matchExpressions: scoped, ...(scope.labels ? { matchLabels: scope.labels } : {}) };
}

export type PodFaultReason = 'ImagePullBackOff' | 'ErrImagePull' | 'CrashLoopBackOff';

// kwok picks among matching weighted stages at random by weight: 1e6:1 keeps a faulted namespace
// faulted whatever benchmark delay is on.
const FAULT_WEIGHT = 1_000_000;
const DELAY_WEIGHT = 1;

const defaultMessages: Record<PodFaultReason, string> = {
  ImagePullBackOff: 'printf "Back-off pulling image %q" .image',
  ErrImagePull: 'printf "failed to pull and unpack image %q: not found" .image',
  CrashLoopBackOff: 'printf "back-off 5m0s restarting failed container=%s" .name',
};

/**
 * Pods of the namespace that kwok has not started yet get stuck Pending with every container waiting
 * for `reason` (Ready and ContainersReady False). It sets a podIP like a real stuck pod has, which is
 * also what keeps this stage and the default pod-ready from matching the pod again (no loop).
 * Pods started before the fault stay as they are. Simplified: a real CrashLoopBackOff pod is Running.
 */
export function podFaultStage(options: {
  name: string;
  namespace: string;
  reason: PodFaultReason;
  message?: string;
}): Stage {
  const message = options.message === undefined ? defaultMessages[options.reason] : JSON.stringify(options.message);
  const crashed = options.reason === 'CrashLoopBackOff';
  const template =
    dedent(`
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        reason: ContainersNotReady
        status: "False"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        reason: ContainersNotReady
        status: "False"
        type: ContainersReady
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: ${crashed ? 5 : 0}
        started: false
        state:
          waiting:
            reason: ${options.reason}
            message: {{ ${message} | Quote }}
        ${crashed ? 'lastState: { terminated: { exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }} } }' : ''}
      {{ end }}
      phase: Pending
    `) + podStartedTemplate;
  return stageObject(options.name, 'runtime', {
    resourceRef: { apiGroup: 'v1', kind: 'Pod' },
    selector: scopeSelector({ namespaces: [options.namespace] }, [isLive, notStarted]),
    weight: FAULT_WEIGHT,
    next: statusPatch(template),
  });
}

/** Job pods of the namespace (with these labels) exit 1 instead of completing, so their Job fails once its backoffLimit is spent. */
export function jobPodFailStage(options: { name: string; namespace: string; labels?: Record<string, string> }): Stage {
  return stageObject(options.name, 'runtime', {
    resourceRef: { apiGroup: 'v1', kind: 'Pod' },
    selector: scopeSelector(
      { namespaces: [options.namespace], ...(options.labels ? { labels: options.labels } : {}) },
      runningJobPod,
    ),
    weight: FAULT_WEIGHT,
    next: statusPatch(podTerminatedTemplate(1)),
  });
}

export interface DelayOptions {
  name: string;
  /** Minimum time from kwok seeing the scheduled pod to the change. */
  delayMs: number;
  /** Up to this much more, uniformly random. */
  jitterMs?: number;
  scope?: PodScope;
}

function delay(options: DelayOptions): Stage['spec']['delay'] {
  return {
    durationMilliseconds: options.delayMs,
    jitterDurationMilliseconds: options.delayMs + (options.jitterMs ?? 0),
  };
}

/** Pods in scope become Ready (like the default pod-ready) only after the delay. */
export function podReadyDelayStage(options: DelayOptions): Stage {
  return stageObject(options.name, 'runtime', {
    resourceRef: { apiGroup: 'v1', kind: 'Pod' },
    selector: scopeSelector(options.scope ?? {}, [isLive, notStarted]),
    weight: DELAY_WEIGHT,
    delay: delay(options),
    next: statusPatch(podReadyTemplate),
  });
}

/** Job pods in scope complete (like the default pod-complete) only after running for the delay. */
export function jobPodCompleteDelayStage(options: DelayOptions): Stage {
  return stageObject(options.name, 'runtime', {
    resourceRef: { apiGroup: 'v1', kind: 'Pod' },
    selector: scopeSelector(options.scope ?? {}, runningJobPod),
    weight: DELAY_WEIGHT,
    delay: delay(options),
    next: statusPatch(podCompleteTemplate),
  });
}

async function createOrReplace(create: () => Promise<unknown>, replace: () => Promise<void>): Promise<void> {
  try {
    await create();
    return;
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  // Someone else may update it between our read and write: re-read and try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await replace();
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= 5) throw error;
    }
  }
}

async function retryWhileStarting(deadline: number, call: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (![404, 429, 503].includes(statusOf(error) ?? 0) || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}
