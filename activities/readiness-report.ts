// Decides whether a release's workloads are ready and, when not, why: the findings operators read in
// heartbeats and in a Failed store's lastError (e.g. `pod x: container y: ImagePullBackOff: ...`).
import type { V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

export interface Workloads {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  jobs: V1Job[];
  pods: V1Pod[];
}

export interface ReadinessReport {
  ready: boolean;
  /** e.g. "3/4 workloads ready" */
  summary: string;
  waitingFor: string[];
  problems: string[];
  /** Jobs that failed for good (backoffLimit spent): a Job never runs again, so waiting is pointless. */
  failedJobs: string[];
}

/** Container states that do not fix themselves quickly; worth naming while we wait. */
const troubledWaitingReasons = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

const generationObserved = (o: { metadata?: { generation?: number }; status?: { observedGeneration?: number } }) =>
  (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0);

function deploymentReady(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return generationObserved(d) && (s.updatedReplicas ?? 0) >= want && (s.availableReplicas ?? 0) >= want && (s.readyReplicas ?? 0) >= want;
}

function statefulSetReady(s: V1StatefulSet): boolean {
  const want = s.spec?.replicas ?? 1;
  return generationObserved(s) && (s.status?.readyReplicas ?? 0) >= want && (s.status?.availableReplicas ?? s.status?.readyReplicas ?? 0) >= want;
}

const jobCondition = (job: V1Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

function podProblems(pod: V1Pod): string[] {
  const name = pod.metadata?.name ?? '?';
  if (pod.status?.phase === 'Succeeded' || pod.metadata?.deletionTimestamp) return [];
  const problems: string[] = [];
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') problems.push(`pod ${name}: Unschedulable: ${scheduled.message ?? ''}`.trim());
  for (const container of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && troubledWaitingReasons.has(waiting.reason)) {
      problems.push(`pod ${name}: container ${container.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
    }
  }
  return problems;
}

export function assessReadiness(workloads: Workloads): ReadinessReport {
  const waitingFor: string[] = [];
  const problems: string[] = [];
  const failedJobs: string[] = [];
  for (const d of workloads.deployments) {
    if (!deploymentReady(d)) waitingFor.push(`deployment ${d.metadata?.name}`);
    const failure = d.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failure) problems.push(`deployment ${d.metadata?.name}: ${failure.reason}: ${failure.message ?? ''}`.trim());
  }
  for (const s of workloads.statefulSets) if (!statefulSetReady(s)) waitingFor.push(`statefulset ${s.metadata?.name}`);
  for (const job of workloads.jobs) {
    if (jobCondition(job, 'Complete')) continue;
    waitingFor.push(`job ${job.metadata?.name}`);
    const failed = jobCondition(job, 'Failed');
    if (failed) problems.push(`job ${job.metadata?.name}: ${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim());
    // A failed Job being deleted (a retry clears it so the upgrade recreates it) is not the verdict.
    if (failed && !job.metadata?.deletionTimestamp) failedJobs.push(job.metadata?.name ?? '?');
  }
  for (const pod of workloads.pods) problems.push(...podProblems(pod));
  const total = workloads.deployments.length + workloads.statefulSets.length + workloads.jobs.length;
  if (total === 0) waitingFor.push('the release to create its workloads');
  return {
    ready: waitingFor.length === 0,
    summary: `${total - (total === 0 ? 0 : waitingFor.length)}/${total} workloads ready`,
    waitingFor,
    problems,
    failedJobs,
  };
}

/** One line for lastError: the problems if there are any, else what is still awaited. */
export function describeReport(report: ReadinessReport): string {
  return report.problems.length > 0 ? report.problems.join('; ') : `waiting for ${report.waitingFor.join(', ')}`;
}
