import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './environment.js';
import { temporalConnection, temporalConnectionEnv } from './temporal-connection.js';

const schema = z.object(temporalConnectionEnv);
const contents = (path: string) => new TextEncoder().encode(`contents of ${path}`);
const connect = (env: Record<string, string>) => temporalConnection(schema.parse(env), contents);

describe('temporalConnection', () => {
  it('when nothing is set, then it is plaintext to the local dev server', () => {
    expect(connect({})).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'storefleet',
      tls: false,
    });
  });

  it.each([
    [{ TEMPORAL_TLS: 'true' }, {}],
    [{ TEMPORAL_TLS_CA: '/ca.crt' }, { serverRootCACertificate: contents('/ca.crt') }],
    [
      { TEMPORAL_TLS_CERT: '/tls.crt', TEMPORAL_TLS_KEY: '/tls.key', TEMPORAL_TLS_SERVER_NAME: 'temporal.example' },
      {
        serverNameOverride: 'temporal.example',
        clientCertPair: { crt: contents('/tls.crt'), key: contents('/tls.key') },
      },
    ],
  ])('when %j is set, then TLS is on with %j', (env, tls) => {
    expect(connect(env).tls).toEqual(tls);
  });

  it('when TEMPORAL_TLS is false, then the other TLS variables are ignored', () => {
    expect(connect({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '/ca.crt' }).tls).toBe(false);
  });

  it('when only one half of the client certificate is set, then it is a config error', () => {
    expect(() => connect({ TEMPORAL_TLS_CERT: '/tls.crt' })).toThrow(ConfigError);
    expect(() => connect({ TEMPORAL_TLS_KEY: '/tls.key' })).toThrow(/set both \(mutual TLS\) or neither/);
  });
});
