// The TEMPORAL_TLS_* variables the platform chart sets: the API's client and the worker reach a
// Temporal frontend that requires mutual TLS, and a client without the right certificate is refused.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { ConfigError } from '../../core/environment.js';
import { loadWorkerConfig } from '../../worker/config.js';
import type { smokeWorkflow } from '../fixtures/workflows/smoke.js';
import { createTestWorker, installQuietRuntime, uniqueName } from '../harness/clients.js';
import { startTlsProxy, type TlsProxy } from '../harness/tls-proxy.js';

describe('Temporal over TLS', () => {
  let proxy: TlsProxy;
  let env: Record<string, string>;

  beforeAll(async () => {
    installQuietRuntime();
    proxy = await startTlsProxy(inject('temporalAddress'));
    // As the chart sets them, with the certificate's name differing from the address.
    env = {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CA: proxy.files.ca,
      TEMPORAL_TLS_CERT: proxy.files.clientCert,
      TEMPORAL_TLS_KEY: proxy.files.clientKey,
      TEMPORAL_TLS_SERVER_NAME: proxy.serverName,
    };
  });
  afterAll(() => proxy?.close());

  it('when the API and the worker read the TLS variables, then a workflow runs through the TLS frontend', async () => {
    const { temporal: apiTemporal } = loadApiConfig(env);
    const { temporal: workerTemporal } = loadWorkerConfig(env);
    const clientConnection = await Connection.connect({ address: apiTemporal.address, tls: apiTemporal.tls });
    const workerConnection = await NativeConnection.connect({
      address: workerTemporal.address,
      tls: workerTemporal.tls,
    });
    try {
      const worker = await createTestWorker({ connection: workerConnection });
      const client = new Client({ connection: clientConnection, namespace: apiTemporal.namespace });
      const name = uniqueName('tls');
      const result = await worker.runUntil(
        client.workflow.execute<typeof smokeWorkflow>('smokeWorkflow', {
          taskQueue: worker.options.taskQueue,
          workflowId: `smoke-${name}`,
          args: [name],
        }),
      );
      expect(result).toBe(`hello ${name}`);
    } finally {
      await clientConnection.close();
      await workerConnection.close();
    }
  });

  it('when the client certificate is from another CA, then the frontend refuses the connection', async () => {
    const { temporal } = loadApiConfig({
      ...env,
      TEMPORAL_TLS_CERT: proxy.files.strangerCert,
      TEMPORAL_TLS_KEY: proxy.files.strangerKey,
    });
    await expect(
      Connection.connect({ address: temporal.address, tls: temporal.tls, connectTimeout: 5_000 }),
    ).rejects.toThrow();
  });

  it('when the server name is not set, then the certificate does not match the address and the connection fails', async () => {
    const { TEMPORAL_TLS_SERVER_NAME: _unused, ...withoutName } = env;
    const { temporal } = loadWorkerConfig(withoutName);
    await expect(NativeConnection.connect({ address: temporal.address, tls: temporal.tls })).rejects.toThrow();
  });

  it('when a TLS file does not exist, then start-up stops with a config error naming the variable', () => {
    expect(() => loadWorkerConfig({ ...env, TEMPORAL_TLS_CA: '/nonexistent/ca.crt' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ ...env, TEMPORAL_TLS_CA: '/nonexistent/ca.crt' })).toThrow(
      /TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca.crt/,
    );
  });
});
