// The store's Helm release: `helm upgrade --install` with values on stdin (nothing written to disk),
// no --wait (readiness is its own step), and recovery of a release a crash left pending-*.
import { BatchV1Api } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { namespaceName, releaseName, type ReleaseAddress } from '../core/names.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { withHeartbeat } from './heartbeat.js';
import { helmRunner, storeRelease } from './helm-cli.js';
import { latestRevision } from './helm-records.js';
import { ignoreNotFound } from './kube-objects.js';

export interface ReleaseTarget {
  storeId: string;
  engine: Engine;
}

/** What the chart values may not fix by retrying: bad values, or more than the plan allows. */
const nonRetryable: Array<{ pattern: RegExp; type: string }> = [
  { pattern: /exceeded quota|forbidden: .*quota/i, type: failureTypes.QuotaExceeded },
  {
    pattern:
      /values don't meet the specifications|execution error at|parse error|unable to build kubernetes objects|is invalid:/i,
    type: failureTypes.InvalidChartValues,
  },
];

export function classifyHelmError(output: string): { type?: string; message: string } {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  // The error is the last `Error:` line and what follows it (helm lists multiple errors as `* ...` lines).
  const start = lines.findLastIndex((line) => line.startsWith('Error:'));
  const errorLines = start >= 0 ? lines.slice(start) : lines.slice(-1);
  const message =
    errorLines
      .map((line) => line.trim().replace(/^\* /, ''))
      .join(' ')
      .replace(/^Error: /, '') || 'helm failed without output';
  return { type: nonRetryable.find((rule) => rule.pattern.test(output))?.type, message };
}

export function createHelmActivities(deps: ActivityDeps) {
  const helm = helmRunner(deps);

  /** A release stuck pending-* would refuse every upgrade ("another operation is in progress"). */
  async function recoverPendingRelease(release: string, namespace: string): Promise<string | undefined> {
    const latest = await latestRevision(deps.kubeConfig, release, namespace);
    const state = latest?.status ?? '';
    if (!state.startsWith('pending-')) return undefined;
    const firstInstall = state === 'pending-install' || latest?.revision === 1;
    const fix = firstInstall
      ? await helm(['uninstall', release, '-n', namespace])
      : await helm(['rollback', release, '-n', namespace]);
    if (!fix.ok)
      throw new Error(
        `release ${release} is ${state} and could not be recovered: ${classifyHelmError(fix.output).message}`,
      );
    return `recovered from ${state} by ${firstInstall ? 'uninstall' : 'rollback'}`;
  }

  /** Job templates are immutable and a failed Job never runs again: delete it so the upgrade recreates it. */
  async function deleteFailedJobs(release: string, namespace: string): Promise<string[]> {
    const batch = deps.kubeConfig.makeApiClient(BatchV1Api);
    const jobs = await batch.listNamespacedJob({ namespace, labelSelector: `app.kubernetes.io/instance=${release}` });
    const failed = jobs.items.filter((job) =>
      job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'),
    );
    for (const job of failed)
      await ignoreNotFound(
        batch.deleteNamespacedJob({ name: job.metadata!.name!, namespace, propagationPolicy: 'Background' }),
      );
    return failed.map((job) => job.metadata!.name!);
  }

  return {
    async helmUpgradeInstall(
      spec: StoreSpec,
      address: ReleaseAddress,
    ): Promise<{ name: string; revision: number; chartVersion: string; recovered?: string }> {
      const log = activityLogger(deps.log, spec.storeId);
      const { name: release, chart, chartVersion, values } = storeRelease(deps, spec, address);
      const namespace = namespaceName(spec.storeId);
      let step = 'checking release';
      return withHeartbeat(
        () => ({ step }),
        async () => {
          const recovered = await recoverPendingRelease(release, namespace);
          if (recovered) log.warn({ release }, recovered);
          const rerun = await deleteFailedJobs(release, namespace);
          if (rerun.length > 0) log.info({ release, jobs: rerun }, 'deleted failed jobs so they run again');
          step = 'helm upgrade --install';
          const result = await helm(
            ['upgrade', '--install', release, chart, '-n', namespace, '-f', '-', '--history-max', '5', '-o', 'json'],
            values,
          );
          if (!result.ok) {
            const { type, message } = classifyHelmError(result.output);
            log.error({ release, type, error: message }, 'helm upgrade --install failed');
            if (type)
              throw ApplicationFailure.create({
                type,
                message: `helm upgrade --install ${release}: ${message}`,
                nonRetryable: true,
              });
            throw new Error(`helm upgrade --install ${release}: ${message}`);
          }
          const revision = (JSON.parse(result.stdout) as { version: number }).version;
          log.info({ release, revision, chartVersion, recovered }, 'release deployed');
          return { name: release, revision, chartVersion, ...(recovered ? { recovered } : {}) };
        },
      );
    },

    /**
     * Back to `revision` (unknown: the one before) after a failed upgrade. A release still on that
     * revision and deployed (the upgrade failed before helm recorded a new one) is left alone.
     * Returns the revision now deployed.
     */
    async rollbackRelease(
      spec: StoreSpec,
      options: { revision?: number },
    ): Promise<{ revision: number; rolledBack: boolean }> {
      const release = releaseName(spec.engine, spec.storeId);
      const namespace = namespaceName(spec.storeId);
      const current = async () => {
        const latest = await latestRevision(deps.kubeConfig, release, namespace);
        if (!latest) throw new Error(`helm has no record of release ${release} in ${namespace}`);
        return { revision: latest.revision, state: latest.status };
      };
      return withHeartbeat(
        () => ({ step: `helm rollback to revision ${options.revision ?? 'before'}` }),
        async () => {
          const before = await current();
          if (before.revision === options.revision && before.state === 'deployed')
            return { revision: before.revision, rolledBack: false };
          const result = await helm([
            'rollback',
            release,
            ...(options.revision === undefined ? [] : [String(options.revision)]),
            '-n',
            namespace,
            '--history-max',
            '5',
          ]);
          if (!result.ok)
            throw new Error(
              `helm rollback ${release} to revision ${options.revision ?? 'before'}: ${classifyHelmError(result.output).message}`,
            );
          const after = await current();
          activityLogger(deps.log, spec.storeId).warn(
            { release, from: before.revision, to: options.revision, revision: after.revision },
            'release rolled back',
          );
          return { revision: after.revision, rolledBack: true };
        },
      );
    },

    async uninstallRelease(target: ReleaseTarget): Promise<{ uninstalled: boolean }> {
      const release = releaseName(target.engine, target.storeId);
      const result = await withHeartbeat(
        () => ({ step: 'helm uninstall' }),
        () => helm(['uninstall', release, '-n', namespaceName(target.storeId)]),
      );
      if (!result.ok && /not found/i.test(result.output)) return { uninstalled: false };
      if (!result.ok) throw new Error(`helm uninstall ${release}: ${classifyHelmError(result.output).message}`);
      activityLogger(deps.log, target.storeId).info({ release }, 'release uninstalled');
      return { uninstalled: true };
    },
  };
}
