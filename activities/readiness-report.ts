// Decides whether a release's workloads are ready and, when not, why: the findings operators read in
// heartbeats and in a Failed store's lastError (e.g. `pod x: container y: ImagePullBackOff: ...`), with
// kubelet's reasons as they are and, for a crashing container or a failed setup pod, its last log lines.
// Also reads what the setup Job reported about WooCommerce (its termination message).
import type { V1ContainerStatus, V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { reasons } from '../core/status.js';
import type { Engine } from '../core/store-spec.js';

export interface Workloads {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  jobs: V1Job[];
  pods: V1Pod[];
  /** Masked, bounded log tails by `<pod>/<container>` (see logTargets); none where logs could not be read. */
  logTails?: Record<string, string>;
  /** Why a StatefulSet's controller could not create its pods (its newest FailedCreate event), by StatefulSet name. */
  creationFailures?: Record<string, string>;
  /** The Secrets the release's Ingresses name for TLS, and whether each exists yet (cert-manager writes it once issued). */
  tlsSecrets?: Array<{ name: string; exists: boolean }>;
}

export interface ReadinessReport {
  ready: boolean;
  /** e.g. "3/4 workloads ready" */
  summary: string;
  waitingFor: string[];
  problems: string[];
  /** Jobs that failed for good (backoffLimit spent): a Job never runs again, so waiting is pointless. */
  failedJobs: string[];
  /** Problems no wait can fix (an image the node may never pull, an invalid image name): fail now. */
  fatal: string[];
}

/** Container states that do not fix themselves quickly; worth naming while we wait. */
const troubledWaitingReasons = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

/**
 * Waiting reasons that never clear by themselves: the image is not on the node and its pull policy is
 * Never, or the image name cannot be parsed. Someone has to import the image or fix the name, so the
 * store fails at once (ImageUnavailable) instead of waiting out the provisioning deadline. A pull that
 * fails (ErrImagePull, ImagePullBackOff) may succeed later (a registry back, an image imported) and waits.
 */
export const fatalWaitingReasons = new Set(['ErrImageNeverPull', 'InvalidImageName']);

const generationObserved = (o: { metadata?: { generation?: number }; status?: { observedGeneration?: number } }) =>
  (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0);

function deploymentReady(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    generationObserved(d) &&
    (s.updatedReplicas ?? 0) >= want &&
    (s.availableReplicas ?? 0) >= want &&
    (s.readyReplicas ?? 0) >= want
  );
}

/** How many pods the StatefulSet's controller has created, of how many it wants. */
const statefulSetPods = (s: V1StatefulSet) => ({ created: s.status?.replicas ?? 0, wanted: s.spec?.replicas ?? 1 });

/**
 * StatefulSets whose controller has created fewer pods than wanted. Only its events say why (a quota, an
 * admission policy); a Deployment says so in its ReplicaFailure condition instead.
 */
export const statefulSetsLackingPods = (workloads: Workloads): string[] =>
  workloads.statefulSets
    .filter((s) => statefulSetPods(s).created < statefulSetPods(s).wanted)
    .map((s) => s.metadata?.name ?? '?');

function statefulSetReady(s: V1StatefulSet): boolean {
  const want = s.spec?.replicas ?? 1;
  return (
    generationObserved(s) &&
    (s.status?.readyReplicas ?? 0) >= want &&
    (s.status?.availableReplicas ?? s.status?.readyReplicas ?? 0) >= want
  );
}

const jobCondition = (job: V1Job, type: string) =>
  job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

const podName = (pod: V1Pod) => pod.metadata?.name ?? '?';
const containerStatuses = (pod: V1Pod): V1ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
];
const tailKey = (pod: string, container: string) => `${pod}/${container}`;

function withTail(finding: string, workloads: Workloads, pod: string, container: string): string {
  const tail = workloads.logTails?.[tailKey(pod, container)];
  return tail ? `${finding}; last log lines: ${tail}` : finding;
}

/** ` (restarted 5 times, last exit code 137: OOMKilled)`: how a crashing container's latest run ended. */
function lastExit(container: V1ContainerStatus): string {
  const last = container.state?.terminated ?? container.lastState?.terminated;
  if (!last) return '';
  const restarts = container.restartCount
    ? `restarted ${container.restartCount} time${container.restartCount === 1 ? '' : 's'}, `
    : '';
  return ` (${restarts}last exit code ${last.exitCode}${last.reason ? `: ${last.reason}` : ''})`;
}

/**
 * A container that is not ready and whose latest run ended in failure, though kubelet does not say
 * CrashLoopBackOff at this moment: it is between its crash and the back-off, or running again after one.
 * A crash loop passes through these states on every restart; a look that lands on one still names the crash.
 */
function crashedAndNotReady(container: V1ContainerStatus): boolean {
  if (container.ready) return false;
  const ended = container.state?.terminated;
  if (ended) return ended.exitCode !== 0;
  return (container.restartCount ?? 0) > 0 && (container.lastState?.terminated?.exitCode ?? 0) !== 0;
}

function podProblems(pod: V1Pod, workloads: Workloads): { problems: string[]; fatal: string[] } {
  const name = podName(pod);
  const found = { problems: [] as string[], fatal: [] as string[] };
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || pod.metadata?.deletionTimestamp)
    return found;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    found.problems.push(`pod ${name}: Unschedulable: ${scheduled.message ?? ''}`.trim());
  for (const container of containerStatuses(pod)) {
    const waiting = container.state?.waiting;
    const troubled = waiting?.reason && troubledWaitingReasons.has(waiting.reason) ? waiting.reason : undefined;
    const state = troubled
      ? `${troubled}${waiting?.message ? `: ${waiting.message}` : ''}`
      : crashedAndNotReady(container)
        ? 'crashing'
        : undefined;
    if (!state) continue;
    const finding = withTail(
      `pod ${name}: container ${container.name}: ${state}${lastExit(container)}`,
      workloads,
      name,
      container.name,
    );
    found.problems.push(finding);
    if (troubled && fatalWaitingReasons.has(troubled)) found.fatal.push(finding);
  }
  return found;
}

const ownedBy = (pod: V1Pod, job: V1Job) =>
  pod.metadata?.ownerReferences?.some(
    (owner) => owner.kind === 'Job' && (owner.uid === job.metadata?.uid || owner.name === job.metadata?.name),
  ) ?? false;
const created = (o: { metadata?: { creationTimestamp?: Date | string } }) =>
  new Date(o.metadata?.creationTimestamp ?? 0).getTime();
const newest = <T extends { metadata?: { creationTimestamp?: Date | string } }>(items: T[]): T | undefined =>
  items.reduce<T | undefined>((best, item) => (!best || created(item) >= created(best) ? item : best), undefined);

/** The last pod a failed Job ran: the one whose failure ended it. */
function lastFailedPod(job: V1Job, pods: V1Pod[]): V1Pod | undefined {
  return newest(pods.filter((pod) => pod.status?.phase === 'Failed' && ownedBy(pod, job)));
}

const failedContainers = (pod: V1Pod) =>
  containerStatuses(pod).filter((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);

/** `pod x: container setup: exit code 1 (Error); last log lines: ...` for the containers of a failed Job's last pod. */
function failedPodFindings(pod: V1Pod, workloads: Workloads): string[] {
  const name = podName(pod);
  return failedContainers(pod).map((c) => {
    const ended = c.state!.terminated!;
    return withTail(
      `pod ${name}: container ${c.name}: exit code ${ended.exitCode}${ended.reason ? ` (${ended.reason})` : ''}`,
      workloads,
      name,
      c.name,
    );
  });
}

const isFailedJob = (job: V1Job) =>
  Boolean(jobCondition(job, 'Failed')) && !jobCondition(job, 'Complete') && !job.metadata?.deletionTimestamp;

export interface LogTarget {
  pod: string;
  container: string;
  /** The container's previous run (a restarted container), else its current or last one. */
  previous: boolean;
  /** Changes when there is a newer run to read. */
  key: string;
}

/**
 * The run of a crashing container whose log tells why it crashed: the current one if it has just ended,
 * else the previous one; numbered by kubelet's restart count, which goes up as the next run starts.
 * Undefined: not crashing.
 */
function crashedRun(c: V1ContainerStatus): { previous: boolean; run: number } | undefined {
  const restarts = c.restartCount ?? 0;
  if (c.state?.waiting?.reason !== 'CrashLoopBackOff' && !crashedAndNotReady(c)) return undefined;
  if (c.state?.terminated) return { previous: false, run: restarts };
  return { previous: true, run: c.state?.running ? restarts - 1 : restarts };
}

/**
 * The containers whose last log lines explain a problem: crashing ones (the run that crashed), and the
 * failed containers of the last pod of a failed Job.
 */
export function logTargets(workloads: Workloads): LogTarget[] {
  const targets: LogTarget[] = [];
  for (const pod of workloads.pods) {
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
      continue;
    for (const c of containerStatuses(pod)) {
      const crashed = crashedRun(c);
      if (crashed)
        targets.push({
          pod: podName(pod),
          container: c.name,
          previous: crashed.previous,
          key: `${tailKey(podName(pod), c.name)}#${crashed.run}`,
        });
    }
  }
  for (const job of workloads.jobs.filter(isFailedJob)) {
    const pod = lastFailedPod(job, workloads.pods);
    if (!pod) continue;
    for (const c of failedContainers(pod))
      targets.push({ pod: podName(pod), container: c.name, previous: false, key: tailKey(podName(pod), c.name) });
  }
  return targets;
}

export function assessReadiness(workloads: Workloads): ReadinessReport {
  const waitingFor: string[] = [];
  const problems: string[] = [];
  const failedJobs: string[] = [];
  const fatal: string[] = [];
  for (const d of workloads.deployments) {
    if (!deploymentReady(d)) waitingFor.push(`deployment ${d.metadata?.name}`);
    const failure = d.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failure) problems.push(`deployment ${d.metadata?.name}: ${failure.reason}: ${failure.message ?? ''}`.trim());
  }
  for (const s of workloads.statefulSets) {
    const name = s.metadata?.name ?? '?';
    const pods = statefulSetPods(s);
    if (!statefulSetReady(s))
      waitingFor.push(
        `statefulset ${name}${pods.created < pods.wanted ? ` (${pods.created} of ${pods.wanted} pods created)` : ''}`,
      );
    const failure = workloads.creationFailures?.[name];
    if (failure) problems.push(`statefulset ${name}: FailedCreate: ${failure}`);
  }
  for (const job of workloads.jobs) {
    if (jobCondition(job, 'Complete')) continue;
    waitingFor.push(`job ${job.metadata?.name}`);
    const failed = jobCondition(job, 'Failed');
    if (failed)
      problems.push(`job ${job.metadata?.name}: ${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim());
    // A failed Job being deleted (a retry clears it so the upgrade recreates it) is not the verdict.
    if (failed && !job.metadata?.deletionTimestamp) {
      failedJobs.push(job.metadata?.name ?? '?');
      const pod = lastFailedPod(job, workloads.pods);
      if (pod) problems.push(...failedPodFindings(pod, workloads));
    }
  }
  for (const pod of workloads.pods) {
    const found = podProblems(pod, workloads);
    problems.push(...found.problems);
    fatal.push(...found.fatal);
  }
  const total = workloads.deployments.length + workloads.statefulSets.length + workloads.jobs.length;
  const workloadsWaiting = waitingFor.length;
  if (total === 0) waitingFor.push('the release to create its workloads');
  // A store served over HTTPS is not ready before its certificate is: browsers would refuse it.
  for (const secret of workloads.tlsSecrets ?? [])
    if (!secret.exists) waitingFor.push(`certificate Secret ${secret.name} (issued by cert-manager)`);
  return {
    ready: waitingFor.length === 0,
    summary: `${total - workloadsWaiting}/${total} workloads ready${
      workloads.tlsSecrets?.length
        ? `, ${workloads.tlsSecrets.filter((s) => s.exists).length}/${workloads.tlsSecrets.length} certificates issued`
        : ''
    }`,
    waitingFor,
    problems,
    failedJobs,
    fatal,
  };
}

/** One line for lastError: the problems if there are any, else what is still awaited. */
export function describeReport(report: ReadinessReport): string {
  return report.problems.length > 0 ? report.problems.join('; ') : `waiting for ${report.waitingFor.join(', ')}`;
}

/** How a store's commerce came out; the workflow records it as condition CommerceReady. */
export interface CommerceFinding {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export interface SetupPart {
  state: 'done' | 'skipped' | 'failed';
  reason?: string;
}

/** The setup script's outcome lines (`woocommerce: skipped: <reason>`), by part; other lines are ignored. */
export function parseSetupOutcome(message: string | undefined): Record<string, SetupPart> {
  const parts: Record<string, SetupPart> = {};
  for (const line of (message ?? '').split('\n')) {
    const match = /^([a-z][a-z0-9-]*): (done|skipped|failed)(?:: (.*))?$/.exec(line.trim());
    if (match)
      parts[match[1]!] = { state: match[2] as SetupPart['state'], ...(match[3] ? { reason: match[3].trim() } : {}) };
  }
  return parts;
}

const isSetupJob = (job: V1Job) => job.metadata?.labels?.['app.kubernetes.io/component'] === 'setup';

/**
 * What the store's setup Job reported about WooCommerce, from the termination message of the last pod of
 * its newest completed setup Job. A Medusa store's commerce is its server, ready with the store.
 * Unknown when nothing says: a Job whose pods ran no script (the simulated cluster), or pods gone.
 */
export function commerceFinding(engine: Engine, workloads: Workloads): CommerceFinding {
  if (engine === 'medusa')
    return {
      status: 'True',
      reason: reasons.CommerceReady,
      message: "Medusa's commerce API is the store's own server",
    };
  const unknown = (message: string): CommerceFinding => ({
    status: 'Unknown',
    reason: reasons.SetupOutcomeUnknown,
    message,
  });
  const job = newest(
    workloads.jobs.filter((j) => isSetupJob(j) && jobCondition(j, 'Complete') && !j.metadata?.deletionTimestamp),
  );
  if (!job) return unknown('no completed setup Job to read the outcome of WooCommerce from');
  const jobName = job.metadata?.name ?? '?';
  const pod = newest(workloads.pods.filter((p) => p.status?.phase === 'Succeeded' && ownedBy(p, job)));
  if (!pod) return unknown(`the pods of setup Job ${jobName} are gone, so its outcome cannot be read`);
  const messages = (pod.status?.containerStatuses ?? []).map((c) => c.state?.terminated?.message ?? '');
  const woocommerce = messages.map((m) => parseSetupOutcome(m).woocommerce).find((part) => part !== undefined);
  if (!woocommerce) {
    return unknown(
      `setup Job ${jobName} completed without reporting how WooCommerce went (its pod ran no setup script, as in a simulated cluster, or its chart predates the report)`,
    );
  }
  if (woocommerce.state === 'done')
    return {
      status: 'True',
      reason: reasons.CommerceReady,
      message: `WooCommerce is installed and active (setup Job ${jobName})`,
    };
  return {
    status: 'False',
    reason: reasons.PluginUnavailable,
    message: `setup Job ${jobName} ${woocommerce.state === 'skipped' ? 'skipped' : 'could not install'} WooCommerce, so the store is a WordPress site without a shop: ${woocommerce.reason ?? 'no reason given'}`,
  };
}
