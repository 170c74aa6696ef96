// Waits until the release's Deployments, StatefulSets and Jobs are ready, heartbeating what it sees,
// and gives up at the store's provisioning deadline naming what kept it from being ready; sooner when
// waiting cannot help (a failed Job at once, an image the node may never pull after a short grace). A crashing container or a failed
// setup pod is explained by its last log lines, read through the API and masked with the store's Secret.
import { AppsV1Api, BatchV1Api, CoreV1Api, NetworkingV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { adminSecretName, namespaceName, releaseName } from '../core/names.js';
import { reasons } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { beforeSend, ignoreNotFound } from './kube-objects.js';
import { boundLogTail, logRequest, secretMask, type Mask } from './log-tail.js';
import { pollingOutage, reportEvent } from './step-events.js';
import {
  assessReadiness,
  commerceFinding,
  describeReport,
  logTargets,
  statefulSetsLackingPods,
  type CommerceFinding,
  type LogTarget,
  type ReadinessReport,
  type Workloads,
} from './readiness-report.js';

/** A log read waits this long at most: a node that does not answer (a simulated one) costs no more. */
const logReadTimeoutMs = 5_000;

/**
 * How long a fatal waiting reason must last before the store fails. Kubelet looks at a failing pod again
 * about every 10 s, so a retry right after the image was imported sees it start instead of the old status.
 */
const defaultFatalWaitGraceMs = 30_000;

/** Aborts one API request after `ms`, sooner than every call's own limit (activities/kube-config.ts). */
const timeoutOption = (ms: number) => beforeSend((context) => context.setSignal(AbortSignal.timeout(ms)));

export function createReadinessActivities(deps: ActivityDeps) {
  const apps = deps.kubeConfig.makeApiClient(AppsV1Api);
  const batch = deps.kubeConfig.makeApiClient(BatchV1Api);
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);
  const networking = deps.kubeConfig.makeApiClient(NetworkingV1Api);

  async function observe(spec: StoreSpec): Promise<Workloads> {
    const query = {
      namespace: namespaceName(spec.storeId),
      labelSelector: `app.kubernetes.io/instance=${releaseName(spec.engine, spec.storeId)}`,
    };
    const [deployments, statefulSets, jobs, pods, ingresses] = await Promise.all([
      apps.listNamespacedDeployment(query),
      apps.listNamespacedStatefulSet(query),
      batch.listNamespacedJob(query),
      core.listNamespacedPod(query),
      networking.listNamespacedIngress(query),
    ]);
    const tlsSecretNames = ingresses.items.flatMap((i) => (i.spec?.tls ?? []).flatMap((t) => t.secretName ?? []));
    const workloads: Workloads = {
      deployments: deployments.items,
      statefulSets: statefulSets.items,
      jobs: jobs.items,
      pods: pods.items,
      ...(tlsSecretNames.length > 0 ? { tlsSecrets: await tlsSecrets(query.namespace, tlsSecretNames) } : {}),
    };
    const lacking = statefulSetsLackingPods(workloads);
    return lacking.length === 0
      ? workloads
      : { ...workloads, creationFailures: await creationFailures(query.namespace, lacking) };
  }

  /** Whether each named Secret exists (read one by one: listing would fetch every Secret's data). */
  async function tlsSecrets(namespace: string, names: string[]): Promise<Array<{ name: string; exists: boolean }>> {
    return Promise.all(
      [...new Set(names)].map(async (name) => ({
        name,
        exists: (await ignoreNotFound(core.readNamespacedSecret({ name, namespace }))) !== undefined,
      })),
    );
  }

  /** The newest FailedCreate event of each named StatefulSet: what refused its pods (a quota, an admission policy). */
  async function creationFailures(namespace: string, statefulSets: string[]): Promise<Record<string, string>> {
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=StatefulSet,reason=FailedCreate',
    });
    const when = (e: CoreV1Event) =>
      new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
    const newestByName = new Map<string, CoreV1Event>();
    for (const event of events.items) {
      const name = event.involvedObject.name ?? '';
      const seen = newestByName.get(name);
      if (statefulSets.includes(name) && (!seen || when(event) >= when(seen))) newestByName.set(name, event);
    }
    return Object.fromEntries([...newestByName].map(([name, event]) => [name, event.message ?? '']));
  }

  /** Every value of the store's Secret; undefined when it cannot be read, and then nothing unmasked is recorded. */
  async function readMask(namespace: string): Promise<Mask | undefined> {
    try {
      const secret = await core.readNamespacedSecret({ name: adminSecretName, namespace });
      const values = Object.values(secret.data ?? {}).map((value) => Buffer.from(value, 'base64').toString('utf8'));
      return secretMask([...values, ...Object.values(secret.stringData ?? {})]);
    } catch {
      return undefined;
    }
  }

  /** The masked, bounded tail of one container's log; undefined when there is none or it cannot be read (kwok's pods have no logs). */
  async function readTail(namespace: string, target: LogTarget, mask: Mask, log: Logger): Promise<string | undefined> {
    const started = Date.now();
    try {
      const text = await core.readNamespacedPodLog(
        { name: target.pod, namespace, container: target.container, previous: target.previous, ...logRequest },
        timeoutOption(logReadTimeoutMs),
      );
      return boundLogTail(String(text), mask, { cut: Buffer.byteLength(String(text)) >= logRequest.limitBytes });
    } catch (error) {
      // Expected where pods run nothing (kwok): the finding goes without a tail.
      const reason = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : String(error);
      log.info(
        { pod: target.pod, container: target.container, ms: Date.now() - started, error: reason },
        'no log tail: the log could not be read',
      );
      return undefined;
    }
  }

  return {
    /**
     * One look at a Ready store's workloads (and certificates): ready, or what is wrong with them, in the
     * words waitForReady uses, masked with the store's Secret.
     */
    async checkWorkloads(spec: StoreSpec): Promise<{ ready: boolean; summary: string }> {
      const namespace = namespaceName(spec.storeId);
      const mask = await readMask(namespace);
      const report = assessReadiness(await observe(spec));
      const summary = report.ready ? report.summary : describeReport(report);
      return { ready: report.ready, summary: mask ? mask(summary) : summary };
    },

    async waitForReady(
      spec: StoreSpec,
      options: { deadline: string },
    ): Promise<{ summary: string; commerce: CommerceFinding }> {
      const context = Context.current();
      const log = activityLogger(deps.log, spec.storeId);
      const namespace = namespaceName(spec.storeId);
      const deadline = Date.parse(options.deadline);
      let report: ReadinessReport | undefined;
      let lastLogged = '';
      let mask: Mask | undefined;
      // Tails by target key (a newer run of a container is a new key); undefined: tried, nothing to show.
      const tails = new Map<string, string | undefined>();
      const crashesReported = new Set<string>();
      // When each container with a fatal waiting reason was first seen so (`pod x: container y`).
      const fatalSince = new Map<string, number>();
      const fatalWaitGraceMs = deps.fatalWaitGraceMs ?? defaultFatalWaitGraceMs;

      /** The fatal findings that have lasted the grace period; a container that moved on starts over. */
      function lastingFatal(r: ReadinessReport): string[] {
        const now = Date.now();
        const key = (finding: string) => /^pod \S+: container \S+/.exec(finding)?.[0] ?? finding;
        const current = new Set(r.fatal.map(key));
        for (const seen of [...fatalSince.keys()]) if (!current.has(seen)) fatalSince.delete(seen);
        for (const k of current) if (!fatalSince.has(k)) fatalSince.set(k, now);
        return r.fatal.filter((finding) => now - (fatalSince.get(key(finding)) ?? now) >= fatalWaitGraceMs);
      }
      const outage = pollingOutage(log, 'waitForReady');

      /** Reads the tails not read yet (only with a mask: no tail is better than an unmasked one). */
      async function withTails(workloads: Workloads): Promise<Workloads> {
        const targets = logTargets(workloads);
        const fresh = targets.filter((t) => !tails.has(t.key));
        if (fresh.length > 0 && mask) {
          const read = await Promise.all(fresh.map((t) => readTail(namespace, t, mask!, log)));
          fresh.forEach((t, i) => tails.set(t.key, read[i]));
        }
        const logTails: Record<string, string> = {};
        for (const t of targets) {
          const tail = tails.get(t.key);
          if (tail) logTails[`${t.pod}/${t.container}`] = tail;
        }
        return { ...workloads, logTails };
      }

      /** Kubelet's messages and the setup Job's report, masked like the log tails. */
      const masked = (text: string) => (mask ? mask(text) : text);
      const maskReport = (r: ReadinessReport): ReadinessReport => ({
        ...r,
        problems: r.problems.map(masked),
        fatal: r.fatal.map(masked),
      });

      /** One ContainerCrashing event per crashing container and attempt, with its last log lines. */
      async function reportCrashes(r: ReadinessReport): Promise<void> {
        for (const finding of r.problems) {
          const container = /^pod (\S+): container (\S+): CrashLoopBackOff/.exec(finding);
          if (!container || crashesReported.has(`${container[1]}/${container[2]}`)) continue;
          crashesReported.add(`${container[1]}/${container[2]}`);
          await reportEvent(log, { type: 'Warning', reason: reasons.ContainerCrashing, message: finding });
        }
      }

      for (;;) {
        let workloads: Workloads | undefined;
        try {
          // The store's Secret exists before its release does; read once, again only while it fails.
          mask ??= await readMask(namespace);
          workloads = await withTails(await observe(spec));
          report = maskReport(assessReadiness(workloads));
          await outage.succeeded();
        } catch (error) {
          // The API server may blip; keep the last finding and look again.
          log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not read workloads');
          await outage.failed(error);
        }
        context.heartbeat(report);
        if (report?.ready && workloads) {
          const finding = commerceFinding(spec.engine, workloads);
          // A reason from the setup pod is recorded only masked; the other messages are our own words.
          const unshown = finding.status === 'False' && !mask;
          const commerce = {
            ...finding,
            message: unshown
              ? 'WooCommerce was skipped; the reason is not shown: the store Secret could not be read to mask it'
              : masked(finding.message),
          };
          log.info(
            { summary: report.summary, commerce: commerce.status, commerceReason: commerce.reason },
            'store ready',
          );
          return { summary: report.summary, commerce };
        }
        const finding = report ? describeReport(report) : 'workloads not readable yet';
        if (finding !== lastLogged) log.info({ summary: report?.summary, finding }, 'waiting for readiness');
        lastLogged = finding;
        if (report) await reportCrashes(report);
        if (report && report.failedJobs.length > 0) {
          throw ApplicationFailure.create({
            type: failureTypes.JobFailed,
            message: `a job of the release failed (${report.summary}): ${finding}`,
            nonRetryable: true,
          });
        }
        const fatal = report ? lastingFatal(report) : [];
        if (report && fatal.length > 0) {
          throw ApplicationFailure.create({
            type: failureTypes.ImageUnavailable,
            message: `an image the node cannot get without help (${report.summary}): ${fatal.join('; ')}`,
            nonRetryable: true,
          });
        }
        if (Date.now() >= deadline) {
          throw ApplicationFailure.create({
            type: failureTypes.ProvisionTimeout,
            message: `not ready by the provisioning deadline (${report?.summary ?? 'no workloads seen'}): ${finding}`,
            nonRetryable: true,
          });
        }
        await context.sleep(Math.min(deps.readinessPollMs ?? 1000, Math.max(deadline - Date.now(), 0)));
      }
    },
  };
}
