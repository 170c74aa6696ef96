// Waits until the release's Deployments, StatefulSets and Jobs are ready, heartbeating what it sees,
// and gives up at the store's provisioning deadline naming what kept it from being ready.
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { namespaceName, releaseName } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { pollingOutage } from './outage-events.js';
import { assessReadiness, describeReport, type ReadinessReport, type Workloads } from './readiness-report.js';

export function createReadinessActivities(deps: ActivityDeps) {
  const apps = deps.kubeConfig.makeApiClient(AppsV1Api);
  const batch = deps.kubeConfig.makeApiClient(BatchV1Api);
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);

  async function observe(spec: StoreSpec): Promise<Workloads> {
    const query = { namespace: namespaceName(spec.storeId), labelSelector: `app.kubernetes.io/instance=${releaseName(spec.engine, spec.storeId)}` };
    const [deployments, statefulSets, jobs, pods] = await Promise.all([
      apps.listNamespacedDeployment(query),
      apps.listNamespacedStatefulSet(query),
      batch.listNamespacedJob(query),
      core.listNamespacedPod(query),
    ]);
    return { deployments: deployments.items, statefulSets: statefulSets.items, jobs: jobs.items, pods: pods.items };
  }

  return {
    async waitForReady(spec: StoreSpec, options: { deadline: string }): Promise<{ summary: string }> {
      const context = Context.current();
      const log = activityLogger(deps.log, spec.storeId);
      const deadline = Date.parse(options.deadline);
      let report: ReadinessReport | undefined;
      let lastLogged = '';
      const outage = pollingOutage(log, 'waitForReady');
      for (;;) {
        try {
          report = assessReadiness(await observe(spec));
          await outage.succeeded();
        } catch (error) {
          // The API server may blip; keep the last finding and look again.
          log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not read workloads');
          await outage.failed(error);
        }
        context.heartbeat(report);
        if (report?.ready) {
          log.info({ summary: report.summary }, 'store ready');
          return { summary: report.summary };
        }
        const finding = report ? describeReport(report) : 'workloads not readable yet';
        if (finding !== lastLogged) log.info({ summary: report?.summary, finding }, 'waiting for readiness');
        lastLogged = finding;
        if (report && report.failedJobs.length > 0) {
          throw ApplicationFailure.create({ type: failureTypes.JobFailed, message: `a job of the release failed (${report.summary}): ${finding}`, nonRetryable: true });
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
