// The storefleet worker process: runs the store workflows and their activities until SIGINT/SIGTERM,
// then finishes in-flight tasks and exits.
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../activities/index.js';
import { loadKubeConfig } from '../activities/kube-config.js';
import { apiTemporalClient } from '../api/temporal-client.js';
import { runStoreController } from '../controller/run-store-controller.js';
import { ConfigError } from '../core/environment.js';
import { loadWorkerConfig } from './config.js';
import { workflowBundle } from './bundle-workflows.js';
import { createStoreWorkers } from './workers.js';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const log = pino({ level: config.logLevel, base: { service: 'storefleet-worker' } });
  Runtime.install({
    logger: new DefaultLogger(config.logLevel.toUpperCase() as LogLevel, ({ level, message, meta }) =>
      log[
        level === 'TRACE'
          ? 'trace'
          : level === 'DEBUG'
            ? 'debug'
            : level === 'INFO'
              ? 'info'
              : level === 'WARN'
                ? 'warn'
                : 'error'
      ](meta ?? {}, message),
    ),
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: config.metricsAddress,
          // Provisioning takes seconds to minutes; the default buckets are for milliseconds.
          histogramBucketOverrides: {
            storefleet_store_provisioning_seconds: [5, 15, 30, 60, 120, 300, 600, 900, 1800],
          },
        },
      },
    },
  });

  const kubeConfig = loadKubeConfig(config.kubeconfigPath);

  const bundle = await workflowBundle(config.workflowBundlePath);
  log.info({ workflowBundle: bundle.prebuilt ? bundle.codePath : 'built at start' }, 'workflow bundle ready');
  const connection = await NativeConnection.connect({ address: config.temporal.address, tls: config.temporal.tls });
  // The workers read the bundle when they are created; the file is not needed after that.
  const workers = await createStoreWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    maxConcurrentProvisions: config.maxConcurrentProvisions,
    workflowCacheSize: config.workflowCacheSize,
    workflows: { workflowBundle: { codePath: bundle.codePath } },
    activities: createActivities({
      kubeConfig,
      kubeconfigPath: config.kubeconfigPath ?? '',
      helmBinary: config.helmBinary,
      chartsDir: config.chartsDir,
      chartValues: config.chartValues,
      settings: config.settings,
      ingressNamespace: config.ingressNamespace,
      ...(config.storeIngressUrl ? { storeIngressUrl: config.storeIngressUrl } : {}),
      log,
    }),
  }).finally(bundle.remove);
  log.info(
    {
      taskQueue: config.temporal.taskQueue,
      maxConcurrentProvisions: config.maxConcurrentProvisions,
      metrics: `http://${config.metricsAddress}/metrics`,
    },
    'worker running',
  );
  // With Store objects on, this worker also runs the Store controller (while it holds the Lease).
  const objectNamespace = config.settings.storeObjectNamespace;
  const temporalClient = objectNamespace ? apiTemporalClient(config.temporal, 10_000) : undefined;
  const controller =
    objectNamespace && temporalClient
      ? runStoreController({
          kubeConfig,
          client: temporalClient.client,
          taskQueue: config.temporal.taskQueue,
          objectNamespace,
          storesPerOwner: config.storesPerOwner,
          log,
        })
      : undefined;
  // The runtime shuts the workers down on SIGINT/SIGTERM; run() resolves once in-flight tasks are done.
  await Promise.all(workers.map((worker) => worker.run()));
  await controller?.stop();
  await temporalClient?.close();
  await connection.close();
  log.info('worker stopped');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`storefleet worker: ${error.message}\n`);
  else
    process.stderr.write(
      `storefleet worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
