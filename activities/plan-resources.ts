// What a rendered chart would ask of the store's ResourceQuota: pods, requests and limits of their
// containers (with the plan's LimitRange defaults where a container names none), claims and storage.
import type { KubernetesObject, V1Container, V1PersistentVolumeClaim, V1PodSpec } from '@kubernetes/client-node';
import type { PlanSize } from '../core/plans.js';
import { parseQuantity } from '../core/quantity.js';
import type { ResourceFit } from '../core/reads.js';

type Totals = Record<string, number>;
const computeKeys = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const;

interface Workload extends KubernetesObject {
  spec?: {
    replicas?: number;
    parallelism?: number;
    template?: { spec?: V1PodSpec };
    volumeClaimTemplates?: V1PersistentVolumeClaim[];
  };
}

function containerNeeds(container: V1Container, plan: PlanSize): Totals {
  const { requests = {}, limits = {} } = container.resources ?? {};
  const pick = (values: Record<string, string>, name: 'cpu' | 'memory', fallback: string) =>
    parseQuantity(values[name] ?? fallback) ?? 0;
  // The LimitRange fills in a missing request from the limit, else from its default request.
  return {
    'requests.cpu': pick(requests, 'cpu', limits.cpu ?? plan.containerDefaultRequest.cpu),
    'requests.memory': pick(requests, 'memory', limits.memory ?? plan.containerDefaultRequest.memory),
    'limits.cpu': pick(limits, 'cpu', plan.containerDefault.cpu),
    'limits.memory': pick(limits, 'memory', plan.containerDefault.memory),
  };
}

/** A pod needs the sum of its containers, or its largest init container if that is more. */
function podNeeds(pod: V1PodSpec, plan: PlanSize): Totals {
  const needs: Totals = Object.fromEntries(computeKeys.map((key) => [key, 0]));
  for (const container of pod.containers)
    for (const key of computeKeys) needs[key]! += containerNeeds(container, plan)[key]!;
  for (const init of pod.initContainers ?? [])
    for (const key of computeKeys) needs[key] = Math.max(needs[key]!, containerNeeds(init, plan)[key]!);
  return needs;
}

const storageOf = (claim: V1PersistentVolumeClaim) =>
  parseQuantity(claim.spec?.resources?.requests?.storage ?? '0') ?? 0;

export function resourceFits(objects: KubernetesObject[], plan: PlanSize): ResourceFit[] {
  const totals: Totals = {
    pods: 0,
    persistentvolumeclaims: 0,
    'requests.storage': 0,
    ...Object.fromEntries(computeKeys.map((key) => [key, 0])),
  };
  for (const object of objects as Workload[]) {
    if (object.kind === 'PersistentVolumeClaim') {
      totals.persistentvolumeclaims! += 1;
      totals['requests.storage']! += storageOf(object as V1PersistentVolumeClaim);
      continue;
    }
    const pod = object.spec?.template?.spec;
    if (!pod) continue;
    const copies = object.kind === 'Job' ? (object.spec?.parallelism ?? 1) : (object.spec?.replicas ?? 1);
    totals.pods! += copies;
    const needs = podNeeds(pod, plan);
    for (const key of computeKeys) totals[key]! += needs[key]! * copies;
    for (const claim of object.spec?.volumeClaimTemplates ?? []) {
      totals.persistentvolumeclaims! += copies;
      totals['requests.storage']! += storageOf(claim) * copies;
    }
  }
  return Object.entries(totals).map(([resource, requested]) => {
    const quota = parseQuantity(plan.quota[resource] ?? '') ?? Number.POSITIVE_INFINITY;
    return { resource, requested: Math.round(requested * 1000) / 1000, quota, fits: requested <= quota };
  });
}
