// The worker's configuration, read from the environment once at start-up (see README "Settings").
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { loadYaml } from '@kubernetes/client-node';
import { z } from 'zod';
import { ConfigError, parseEnvironment } from '../core/environment.js';
import { engines, type Engine } from '../core/store-spec.js';
import { temporalConnection, temporalConnectionEnv } from '../core/temporal-connection.js';
import { mergeValues } from '../activities/helm-cli.js';
import { clusterChartValues, clusterValuesEnv } from './cluster-values.js';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  ...temporalConnectionEnv,
  ...clusterValuesEnv,
  KUBECONFIG: z.string().min(1).optional(),
  STOREFLEET_CHARTS_DIR: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../charts', import.meta.url))),
  STOREFLEET_HELM_BIN: z.string().min(1).default('helm'),
  STOREFLEET_WORKFLOW_BUNDLE: z
    .string()
    .min(1)
    .refine(existsSync, 'no such file: a workflow bundle built beforehand (npm run build makes one)')
    .optional(),
  STOREFLEET_BASE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a DNS domain such as 127.0.0.1.nip.io')
    .default('127.0.0.1.nip.io'),
  STOREFLEET_INGRESS_NAMESPACE: z.string().min(1).default('ingress-nginx'),
  STOREFLEET_STORE_INGRESS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' })
    .optional(),
  MAX_CONCURRENT_PROVISIONS: positiveInt.default(10),
  MAX_PROVISION_SECONDS: positiveInt.default(900),
  DRIFT_CHECK_SECONDS: positiveInt.default(300),
  STOREFLEET_HISTORY_EVENT_LIMIT: positiveInt.min(100).default(2000),
  STOREFLEET_STOREFRONT_CHECK: z.enum(['on', 'off']).default('on'),
  STOREFLEET_WORKER_METRICS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:9464'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  STOREFLEET_CHART_VALUES_FILE: z.string().min(1).optional(),
  STOREFLEET_STORE_OBJECTS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .optional(),
  STOREFLEET_STORES_PER_OWNER: positiveInt.default(50),
  STOREFLEET_WORKFLOW_CACHE_SIZE: positiveInt.min(2).default(100),
});

/** Chart values per engine, beneath the ones storefleet sets for each store. */
export type ChartValues = Partial<Record<Engine, Record<string, unknown>>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * STOREFLEET_CHART_VALUES_FILE: YAML (or JSON) whose top-level keys are engines, each holding values
 * for every release of that engine (local mode points the images at its stand-ins). Read once at start.
 */
export function loadChartValues(
  path: string | undefined,
  read: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): ChartValues {
  if (path === undefined) return {};
  const problem = (what: string) => new ConfigError(`STOREFLEET_CHART_VALUES_FILE (${path}): ${what}`);
  let parsed: unknown;
  try {
    parsed = loadYaml(read(path));
  } catch (error) {
    throw problem(`cannot be read as YAML or JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw problem(`expected a mapping of engine to chart values (${engines.join(', ')})`);
  for (const [engine, values] of Object.entries(parsed)) {
    if (!(engines as readonly string[]).includes(engine))
      throw problem(`unknown engine "${engine}" (expected ${engines.join(', ')})`);
    if (!isObject(values)) throw problem(`the values of ${engine} must be a mapping`);
  }
  return parsed;
}

/** Every engine's values: the file's, with the cluster's knobs over them (a knob that is set wins). */
function installationChartValues(file: ChartValues, cluster: Record<string, unknown>): ChartValues {
  return Object.fromEntries(engines.map((engine) => [engine, mergeValues(file[engine] ?? {}, cluster)]));
}

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env) {
  const values = parseEnvironment(envSchema, env);
  return {
    temporal: temporalConnection(values, (path) => readFileSync(path)),
    kubeconfigPath: values.KUBECONFIG,
    chartsDir: values.STOREFLEET_CHARTS_DIR,
    helmBinary: values.STOREFLEET_HELM_BIN,
    workflowBundlePath: values.STOREFLEET_WORKFLOW_BUNDLE,
    chartValues: installationChartValues(
      loadChartValues(values.STOREFLEET_CHART_VALUES_FILE),
      clusterChartValues(values),
    ),
    ingressNamespace: values.STOREFLEET_INGRESS_NAMESPACE,
    storeIngressUrl: values.STOREFLEET_STORE_INGRESS_URL,
    maxConcurrentProvisions: values.MAX_CONCURRENT_PROVISIONS,
    workflowCacheSize: values.STOREFLEET_WORKFLOW_CACHE_SIZE,
    settings: {
      maxProvisionSeconds: values.MAX_PROVISION_SECONDS,
      driftCheckSeconds: values.DRIFT_CHECK_SECONDS,
      baseDomain: values.STOREFLEET_BASE_DOMAIN,
      ...(values.STOREFLEET_STORE_TLS_CLUSTER_ISSUER ? { storeHttps: true } : {}),
      historyEventLimit: values.STOREFLEET_HISTORY_EVENT_LIMIT,
      storefrontCheck: values.STOREFLEET_STOREFRONT_CHECK === 'on',
      readModel: true,
      ...(values.STOREFLEET_STORE_OBJECTS_NAMESPACE
        ? { storeObjectNamespace: values.STOREFLEET_STORE_OBJECTS_NAMESPACE }
        : {}),
    },
    /** The Store controller's quota for stores declared by objects: the API's STOREFLEET_STORES_PER_OWNER. */
    storesPerOwner: values.STOREFLEET_STORES_PER_OWNER,
    metricsAddress: values.STOREFLEET_WORKER_METRICS,
    logLevel: values.LOG_LEVEL,
  };
}
