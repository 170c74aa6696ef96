// The baseline without Temporal: the workflow's own activity functions from activities/, called one
// after the other in this process, as a plain provisioning script would. MockActivityEnvironment
// gives them the activity context they read (logger fields, heartbeats, cancellation) without a server.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { createActivities } from '../activities/index.js';
import { storeUrl } from '../core/names.js';
import { parseStoreSpec, type Engine, type StoreSpec } from '../core/store-spec.js';
import type { WorkerConfig } from '../worker/config.js';

/** Same first interval as the cleanup workflow's wait for the namespace to go. */
const namespacePollMs = 1000;

/** The spec of a store the bench creates (default plan); a bad id is the bench's own bug. */
export function benchStoreSpec(storeId: string, engine: Engine): StoreSpec {
  const { spec, problems } = parseStoreSpec({ storeId, engine });
  if (!spec) throw new Error(problems.join('; '));
  return spec;
}

export interface BareStores {
  /** Namespace, guardrails, secret, helm, readiness; resolves once the store is ready. */
  provision(storeId: string, engine: Engine): Promise<void>;
  /** The cleanup workflow's steps: helm uninstall, the PVCs, the namespace, and wait until it is gone. */
  remove(storeId: string, engine: Engine): Promise<void>;
}

export function bareStores(options: {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  helmBinary: string;
  workerConfig: WorkerConfig;
  logFile: string;
}): BareStores {
  const { workerConfig } = options;
  // Built like worker/main.ts builds them, so both sides run the same code with the same settings
  // (readiness polls at the worker's default interval too).
  const activities = createActivities({
    kubeConfig: options.kubeConfig,
    kubeconfigPath: options.kubeconfigPath,
    helmBinary: options.helmBinary,
    chartsDir: workerConfig.chartsDir,
    settings: workerConfig.settings,
    ingressNamespace: workerConfig.ingressNamespace,
    log: pino({ level: workerConfig.logLevel }, pino.destination({ dest: options.logFile, mkdir: true })),
  });
  const context = new MockActivityEnvironment();
  const step = <R>(work: () => Promise<R>) => context.run<[], R, typeof work>(work);

  return {
    async provision(storeId, engine) {
      const spec = benchStoreSpec(storeId, engine);
      const deadline = new Date(Date.now() + workerConfig.settings.maxProvisionSeconds * 1000).toISOString();
      // What a store workflow labels its objects with; the bare baseline has no workflow run of its own.
      const incarnation = `bare-${storeId}`;
      await step(() => activities.ensureNamespace(spec, incarnation));
      await step(() => activities.applyGuardrails(spec));
      await step(() => activities.ensureAdminSecret(spec, incarnation));
      await step(() =>
        activities.helmUpgradeInstall(spec, {
          host: new URL(storeUrl(storeId, workerConfig.settings.baseDomain)).host,
        }),
      );
      await step(() => activities.waitForReady(spec, { deadline }));
    },
    async remove(storeId, engine) {
      const target = { storeId, engine };
      await step(() => activities.uninstallRelease(target));
      await step(() => activities.deletePersistentVolumeClaims(target));
      await step(() => activities.deleteNamespace(target));
      while (!(await step(() => activities.namespaceDeletionStatus(target))).gone) await sleep(namespacePollMs);
    },
  };
}
