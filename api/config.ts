// The API's configuration, read from the environment once at start-up (README "Settings").
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseEnvironment } from '../core/environment.js';
import { temporalConnection, temporalConnectionEnv } from '../core/temporal-connection.js';
import { adminKeys, ownerKeys, sharedKeyProblems } from './key-settings.js';
import { defaultStreamsPerOwner } from './stream-slots.js';

const positiveInt = z.coerce.number().int().positive();
/** How long a read that needs the worker (a dry run, usage, a quota reservation) waits for it. */
export const defaultWorkerReadTimeoutMs = 15_000;

const envSchema = z
  .object({
    STOREFLEET_API_HOST: z.string().min(1).default('127.0.0.1'),
    STOREFLEET_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    ...temporalConnectionEnv,
    STOREFLEET_TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    STOREFLEET_API_KEYS: ownerKeys,
    STOREFLEET_ADMIN_KEYS: adminKeys,
    STOREFLEET_AUTH_FAILURES_PER_MINUTE: positiveInt.default(20),
    STOREFLEET_PAGE_TOKEN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    STOREFLEET_STORES_PER_OWNER: positiveInt.default(50),
    STOREFLEET_RATE_LIMIT_PER_MINUTE: positiveInt.default(300),
    STOREFLEET_QUERY_TIMEOUT_MS: positiveInt.default(3000),
    STOREFLEET_WORKER_READ_TIMEOUT_MS: positiveInt.default(defaultWorkerReadTimeoutMs),
    STOREFLEET_STREAMS_PER_OWNER: positiveInt.default(defaultStreamsPerOwner),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((values, ctx) => {
    for (const message of sharedKeyProblems(values.STOREFLEET_API_KEYS, values.STOREFLEET_ADMIN_KEYS))
      ctx.addIssue({ code: 'custom', path: ['STOREFLEET_ADMIN_KEYS'], message });
  });

export type ApiConfig = ReturnType<typeof loadApiConfig>;

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

export function loadApiConfig(env: Record<string, string | undefined> = process.env) {
  const values = parseEnvironment(envSchema, env);
  const authEnabled = values.STOREFLEET_API_KEYS.size > 0 || values.STOREFLEET_ADMIN_KEYS.size > 0;
  if (!authEnabled && !loopback.has(values.STOREFLEET_API_HOST)) {
    throw new ConfigError(
      `the API binds ${values.STOREFLEET_API_HOST} without authentication: set STOREFLEET_API_KEYS (owner=key,...) or STOREFLEET_ADMIN_KEYS, or bind 127.0.0.1`,
    );
  }
  return {
    host: values.STOREFLEET_API_HOST,
    port: values.STOREFLEET_API_PORT,
    temporal: temporalConnection(values, (path) => readFileSync(path)),
    temporalUiUrl: values.STOREFLEET_TEMPORAL_UI_URL.replace(/\/$/, ''),
    auth: {
      enabled: authEnabled,
      keys: values.STOREFLEET_API_KEYS,
      adminKeys: values.STOREFLEET_ADMIN_KEYS,
      failuresPerMinute: values.STOREFLEET_AUTH_FAILURES_PER_MINUTE,
    },
    pageTokenKey: values.STOREFLEET_PAGE_TOKEN_KEY,
    storesPerOwner: values.STOREFLEET_STORES_PER_OWNER,
    rateLimitPerMinute: values.STOREFLEET_RATE_LIMIT_PER_MINUTE,
    queryTimeoutMs: values.STOREFLEET_QUERY_TIMEOUT_MS,
    workerReadTimeoutMs: values.STOREFLEET_WORKER_READ_TIMEOUT_MS,
    streamsPerOwner: values.STOREFLEET_STREAMS_PER_OWNER,
    logLevel: values.LOG_LEVEL,
  };
}
