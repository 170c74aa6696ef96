// The API process: config, Temporal client, HTTP server; on SIGTERM/SIGINT it stops accepting,
// lets in-flight requests finish, ends event streams and exits.
import type { Server } from 'node:http';
import { pino } from 'pino';
import { ConfigError } from '../core/environment.js';
import { createApp } from './app.js';
import { loadApiConfig } from './config.js';
import { pageTokenKey } from './installation.js';
import { createPageTokens } from './page-token.js';
import { onStopSignals } from './stop-signals.js';
import { createStoreService } from './stores.js';
import { apiTemporalClient } from './temporal-client.js';
import { temporalReadiness } from './temporal-errors.js';

const drainMs = 10_000;

async function main(): Promise<void> {
  const config = loadApiConfig();
  const log = pino({
    level: config.logLevel,
    base: { service: 'storefleet-api' },
    redact: ['req.headers.authorization'],
  });
  // The API comes up even while Temporal is down, answering 503 until it is back.
  const temporal = apiTemporalClient(config.temporal, config.queryTimeoutMs);
  const { client } = temporal;
  const shutdown = new AbortController();
  const tokenKey = pageTokenKey({ configured: config.pageTokenKey, client, taskQueue: config.temporal.taskQueue });
  // Starts the installation workflow now, not on the first paged list; failing that, that list tries again.
  tokenKey().catch((error: unknown) =>
    log.warn({ err: error }, 'page-token key not read from Temporal yet; trying again when a list needs it'),
  );
  const stores = createStoreService({
    client,
    taskQueue: config.temporal.taskQueue,
    queryTimeoutMs: config.queryTimeoutMs,
    storesPerOwner: config.storesPerOwner,
    workerReadTimeoutMs: config.workerReadTimeoutMs,
    pageTokens: createPageTokens(tokenKey),
  });
  const app = createApp({
    shutdown: shutdown.signal,
    stores,
    log,
    auth: config.auth,
    links: { temporalUiUrl: config.temporalUiUrl, namespace: config.temporal.namespace },
    rateLimitPerMinute: config.rateLimitPerMinute,
    temporalReadiness: () => temporalReadiness(client.connection, config.temporal.namespace),
    streamsPerOwner: config.streamsPerOwner,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening)).once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    { url: `http://${config.host}:${port}`, auth: config.auth.enabled ? 'api keys' : 'off (loopback only)' },
    'api listening',
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping: no new connections, ending event streams, draining in-flight requests');
      // A keep-alive connection goes idle when its last response is sent: close those as they come.
      const closeIdle = setInterval(() => server.closeIdleConnections(), 200);
      server.close(() => {
        clearInterval(closeIdle);
        resolve();
      });
      shutdown.abort();
      server.closeIdleConnections();
      // A request still running after the drain period is cut.
      setTimeout(() => server.closeAllConnections(), drainMs).unref();
    };
    onStopSignals(log, stop);
  });
  // Slots this process leased and did not use are free for the other replicas at once.
  await stores.closeQuotaLeases();
  await temporal.close();
  log.info('api stopped');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`storefleet api: ${error.message}\n`);
  else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
    process.stderr.write(`storefleet api: ${error.message}; set STOREFLEET_API_PORT to another port\n`);
  else
    process.stderr.write(
      `storefleet api failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
