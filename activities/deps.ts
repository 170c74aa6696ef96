// What the activities need from their process: built once by the worker (and by tests) and passed to
// createActivities, so each activity file stays free of configuration and globals.
import { Context } from '@temporalio/activity';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { StoreSettings } from '../core/settings.js';
import type { Engine } from '../core/store-spec.js';

export interface ActivityDeps {
  kubeConfig: KubeConfig;
  /** Path of the same kubeconfig, for helm. */
  kubeconfigPath: string;
  helmBinary: string;
  chartsDir: string;
  /** Values every release of an engine gets beneath the store's own (STOREFLEET_CHART_VALUES_FILE). */
  chartValues?: Partial<Record<Engine, Record<string, unknown>>>;
  settings: StoreSettings;
  /** Namespace of the ingress controller that may reach the stores' pods. */
  ingressNamespace: string;
  /**
   * Where the worker reaches store URLs when their names do not lead there from its host
   * (STOREFLEET_STORE_INGRESS_URL): the storefront and order checks connect here with the store's Host.
   */
  storeIngressUrl?: string;
  log: Logger;
  /** How often waitForReady looks at the cluster. */
  readinessPollMs?: number;
  /** How long a waiting reason that never clears by itself (ErrImageNeverPull) must last before the store fails; 30 s. */
  fatalWaitGraceMs?: number;
}

/** A logger whose every line names the store and the workflow the activity works for. */
export function activityLogger(log: Logger, storeId: string): Logger {
  const { info } = Context.current();
  return log.child({
    storeId,
    workflowId: info.workflowExecution?.workflowId,
    activity: info.activityType,
    attempt: info.attempt,
  });
}
