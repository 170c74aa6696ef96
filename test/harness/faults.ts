// Runtime pod faults and start-up delays for tests, as kwok stages (dev/cluster/stages.ts), and pods the apiserver refuses.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionregistrationV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { ignoreNotFound } from '../../activities/kube-objects.js';
import { podTerminatedTemplate, runningJobPod, stageObject, statusPatch } from '../../dev/cluster/default-stages.js';
import {
  applyStage,
  deleteStage,
  jobPodFailStage,
  podFaultStage,
  podReadyDelayStage,
  type PodFaultReason,
  type PodScope,
} from '../../dev/cluster/stages.js';
import { eventually, kubeConfig, uniqueName } from './clients.js';

export interface Injected {
  /** The kwok Stage or admission policy that does it. */
  name: string;
  /** Undoes the injection; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * From now on, pods of the namespace get stuck with `reason` instead of starting. remove() deletes the
 * fault and then the pods it left stuck: kwok never revisits them on its own, but their controllers
 * make new pods, which start normally.
 */
export async function injectPodFault(namespace: string, reason: PodFaultReason, message?: string): Promise<Injected>;
/** Kubelet's reason for an image that is not on the node under pull policy Never; the message is kubelet's. */
export async function injectPodFault(
  namespace: string,
  reason: 'ErrImageNeverPull',
  message: string,
): Promise<Injected>;
export async function injectPodFault(
  namespace: string,
  reason: PodFaultReason | 'ErrImageNeverPull',
  message?: string,
): Promise<Injected> {
  const kc = kubeConfig();
  const stageName = uniqueName(`fault-${namespace}`);
  // The stage writes any waiting reason; only its default messages are per reason, and this one brings its own.
  await applyStage(
    kc,
    podFaultStage({
      name: stageName,
      namespace,
      reason: reason as PodFaultReason,
      ...(message === undefined ? {} : { message }),
    }),
  );
  return {
    name: stageName,
    remove: async () => {
      await deleteStage(kc, stageName);
      await deleteStuckPods(kc.makeApiClient(CoreV1Api), namespace, reason);
    },
  };
}

/** From now on, Job pods of the namespace (with these labels) fail (exit 1); remove() lets new ones complete again. */
export async function injectJobFailure(namespace: string, labels?: Record<string, string>): Promise<Injected> {
  const kc = kubeConfig();
  const stageName = uniqueName(`jobfail-${namespace}`);
  await applyStage(kc, jobPodFailStage({ name: stageName, namespace, ...(labels ? { labels } : {}) }));
  return { name: stageName, remove: () => deleteStage(kc, stageName) };
}

/**
 * From now on, Job pods of the namespace complete (exit 0) with this termination message, as the
 * WooCommerce setup script writes it (e.g. "woocommerce: skipped: <reason>"); remove() ends it.
 */
export async function injectJobOutcome(namespace: string, message: string): Promise<Injected> {
  const kc = kubeConfig();
  const stageName = uniqueName(`outcome-${namespace}`);
  await applyStage(
    kc,
    stageObject(stageName, 'runtime', {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: {
        matchExpressions: [...runningJobPod, { key: '.metadata.namespace', operator: 'In', values: [namespace] }],
      },
      weight: 1_000_000,
      next: statusPatch(podTerminatedTemplate(0, message)),
    }),
  );
  return { name: stageName, remove: () => deleteStage(kc, stageName) };
}

/**
 * From now on, the apiserver refuses the pods a StatefulSet of the namespace creates (a
 * ValidatingAdmissionPolicy, as a quota or a webhook may refuse them): the pod never appears and the
 * StatefulSet controller records FailedCreate events naming `message`. remove() lifts the refusal.
 */
export async function refuseStatefulSetPods(namespace: string, message: string): Promise<Injected> {
  const admission = kubeConfig().makeApiClient(AdmissionregistrationV1Api);
  const name = uniqueName(`refuse-${namespace}`);
  const probeNamespace = uniqueName('refusal-probe');
  await admission.createValidatingAdmissionPolicy({
    body: {
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
        matchConditions: [
          { name: 'in-namespace', expression: `request.namespace in ['${namespace}', '${probeNamespace}']` },
        ],
        validations: [
          {
            expression:
              "!has(object.metadata.ownerReferences) || !object.metadata.ownerReferences.exists(o, o.kind == 'StatefulSet')",
            message,
          },
        ],
      },
    },
  });
  await admission.createValidatingAdmissionPolicyBinding({
    body: { metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } },
  });
  // The apiserver enforces a new policy a moment after it is created: until a StatefulSet's pod is
  // refused in a namespace of the probe's own, the store's could still get through.
  const core = kubeConfig().makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: probeNamespace } } });
  const statefulSetPod = {
    metadata: {
      name: 'probe-0',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'probe', uid: randomUUID() }],
    },
    spec: { containers: [{ name: 'probe', image: 'probe' }] },
  };
  try {
    await eventually('the pod refusal in force', async () =>
      (await core
        .createNamespacedPod({ namespace: probeNamespace, body: statefulSetPod, dryRun: 'All' })
        .then(() => false)
        .catch((error: { body?: unknown }) => String(error.body).includes(message)))
        ? true
        : undefined,
    );
  } finally {
    await ignoreNotFound(core.deleteNamespace({ name: probeNamespace }));
  }
  return {
    name,
    remove: async () => {
      await ignoreNotFound(admission.deleteValidatingAdmissionPolicyBinding({ name }));
      await ignoreNotFound(admission.deleteValidatingAdmissionPolicy({ name }));
    },
  };
}

/** Pods in scope become Ready only after delayMs (+ up to jitterMs); pods already waiting keep their delay. */
export async function injectPodReadyDelay(scope: PodScope, delayMs: number, jitterMs = 0): Promise<Injected> {
  const kc = kubeConfig();
  const stageName = uniqueName('ready-delay');
  await applyStage(kc, podReadyDelayStage({ name: stageName, delayMs, jitterMs, scope }));
  return { name: stageName, remove: () => deleteStage(kc, stageName) };
}

function isStuck(pod: V1Pod, reason: string): boolean {
  const waiting = pod.status?.containerStatuses?.some((status) => status.state?.waiting?.reason === reason);
  return Boolean(waiting) && !pod.metadata?.deletionTimestamp;
}

// A pod created just before kwok saw the stage go away can still get stuck after a first sweep, so
// sweep until one finds nothing.
async function deleteStuckPods(core: CoreV1Api, namespace: string, reason: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stuck = (await core.listNamespacedPod({ namespace })).items.filter((pod) => isStuck(pod, reason));
    if (stuck.length === 0) return;
    for (const pod of stuck)
      await ignoreNotFound(core.deleteNamespacedPod({ namespace, name: pod.metadata?.name ?? '' }));
    await sleep(500);
  }
  throw new Error(`pods of ${namespace} still stuck in ${reason} after ${timeoutMs / 1000}s`);
}
