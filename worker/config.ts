// The worker's configuration, read from the environment once at start-up (see README "Settings").
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseEnvironment } from '../core/environment.js';
import { temporalConnection, temporalConnectionEnv } from '../core/temporal-connection.js';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  ...temporalConnectionEnv,
  KUBECONFIG: z.string().min(1).optional(),
  STOREFLEET_CHARTS_DIR: z.string().min(1).default(fileURLToPath(new URL('../charts', import.meta.url))),
  STOREFLEET_HELM_BIN: z.string().min(1).default('helm'),
  STOREFLEET_BASE_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/, 'must be a DNS domain such as 127.0.0.1.nip.io').default('127.0.0.1.nip.io'),
  STOREFLEET_INGRESS_NAMESPACE: z.string().min(1).default('ingress-nginx'),
  MAX_CONCURRENT_PROVISIONS: positiveInt.default(10),
  MAX_PROVISION_SECONDS: positiveInt.default(900),
  DRIFT_CHECK_SECONDS: positiveInt.default(300),
  STOREFLEET_HISTORY_EVENT_LIMIT: positiveInt.min(100).default(2000),
  STOREFLEET_STOREFRONT_CHECK: z.enum(['on', 'off']).default('on'),
  STOREFLEET_WORKER_METRICS: z.string().regex(/^[\w.-]+:\d+$/, 'must be host:port').default('127.0.0.1:9464'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env) {
  const values = parseEnvironment(envSchema, env);
  return {
    temporal: temporalConnection(values, (path) => readFileSync(path)),
    kubeconfigPath: values.KUBECONFIG,
    chartsDir: values.STOREFLEET_CHARTS_DIR,
    helmBinary: values.STOREFLEET_HELM_BIN,
    ingressNamespace: values.STOREFLEET_INGRESS_NAMESPACE,
    maxConcurrentProvisions: values.MAX_CONCURRENT_PROVISIONS,
    settings: {
      maxProvisionSeconds: values.MAX_PROVISION_SECONDS,
      driftCheckSeconds: values.DRIFT_CHECK_SECONDS,
      baseDomain: values.STOREFLEET_BASE_DOMAIN,
      historyEventLimit: values.STOREFLEET_HISTORY_EVENT_LIMIT,
      storefrontCheck: values.STOREFLEET_STOREFRONT_CHECK === 'on',
    },
    metricsAddress: values.STOREFLEET_WORKER_METRICS,
    logLevel: values.LOG_LEVEL,
  };
}
