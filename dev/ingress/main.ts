// Local mode's ingress as a process of `npm start`: Debian's nginx on a host address, configured from
// the cluster's Ingress objects of class `nginx`. Settings come from the environment, checked at start.
import { join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { ConfigError, parseEnvironment } from '../../core/environment.js';
import { runIngressController } from './controller.js';
import { NginxConfigError, startNginx } from './nginx.js';
import { loadKubeConfig } from '../../activities/kube-config.js';
import { onStopSignals } from '../../api/stop-signals.js';

const envSchema = z.object({
  KUBECONFIG: z.string().min(1),
  STOREFLEET_INGRESS_STATE_DIR: z.string().min(1),
  STOREFLEET_INGRESS_LISTEN: z
    .string()
    .regex(/^[\d.]+:\d+$/, 'expected address:port, e.g. 127.0.0.1:80')
    .default('127.0.0.1:80'),
  // Hosts whose Ingress has a `tls` entry (and its Secret) are served here over TLS too; unset: http only.
  STOREFLEET_INGRESS_TLS_LISTEN: z
    .string()
    .regex(/^[\d.]+:\d+$/, 'expected address:port, e.g. 127.0.0.1:443')
    .optional(),
  STOREFLEET_INGRESS_CLASS: z.string().min(1).default('nginx'),
  STOREFLEET_NGINX_BIN: z.string().min(1).default('nginx'),
  STOREFLEET_INGRESS_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
});

async function main(): Promise<void> {
  const env = parseEnvironment(envSchema, process.env);
  const log = pino({ base: { component: 'ingress' } });
  const kubeConfig = loadKubeConfig(env.KUBECONFIG);

  const nginx = await startNginx(
    {
      binary: env.STOREFLEET_NGINX_BIN,
      stateDir: env.STOREFLEET_INGRESS_STATE_DIR,
      listen: env.STOREFLEET_INGRESS_LISTEN,
    },
    (line) => log.info({ nginx: line }, 'nginx'),
  );
  log.info(
    {
      listen: env.STOREFLEET_INGRESS_LISTEN,
      tlsListen: env.STOREFLEET_INGRESS_TLS_LISTEN,
      className: env.STOREFLEET_INGRESS_CLASS,
    },
    'ingress running',
  );

  const stopping = new AbortController();
  onStopSignals(log, () => stopping.abort());
  void nginx.exited.then((code) => {
    if (stopping.signal.aborted) return;
    log.error({ code }, 'nginx exited; the ingress stops');
    process.exitCode = 1;
    stopping.abort();
  });
  await runIngressController({
    kubeConfig,
    nginx,
    render: {
      className: env.STOREFLEET_INGRESS_CLASS,
      claimUnclassed: false,
      listen: env.STOREFLEET_INGRESS_LISTEN,
      ...(env.STOREFLEET_INGRESS_TLS_LISTEN
        ? {
            tls: {
              listen: env.STOREFLEET_INGRESS_TLS_LISTEN,
              certDir: join(env.STOREFLEET_INGRESS_STATE_DIR, 'certs'),
            },
          }
        : {}),
    },
    log,
    intervalMs: env.STOREFLEET_INGRESS_INTERVAL_MS,
    signal: stopping.signal,
  });
  await nginx.stop();
  log.info('ingress stopped');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof NginxConfigError)
    process.stderr.write(`storefleet ingress: ${error.message}\n`);
  else
    process.stderr.write(
      `storefleet ingress failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
