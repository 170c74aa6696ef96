// How the API and the worker reach Temporal: the same variables (set by the platform chart) mean the
// same thing in both processes, and a wrong TLS file stops start-up with the variable's name.
import { z } from 'zod';
import { ConfigError } from './environment.js';

const path = z.string().min(1).optional();

export const temporalConnectionEnv = {
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  STOREFLEET_TASK_QUEUE: z.string().min(1).default('storefleet'),
  /** "true" turns TLS on with the system's CAs; setting a CA or client certificate turns it on too. */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CA: path,
  TEMPORAL_TLS_CERT: path,
  TEMPORAL_TLS_KEY: path,
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
};

type ConnectionValues = z.infer<z.ZodObject<typeof temporalConnectionEnv>>;

/** The shape both `Connection` and `NativeConnection` take as `tls`. */
export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Uint8Array;
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls: TemporalTls | false;
}

export function temporalConnection(
  values: ConnectionValues,
  readFile: (path: string) => Uint8Array,
): TemporalConnectionConfig {
  return {
    address: values.TEMPORAL_ADDRESS,
    namespace: values.TEMPORAL_NAMESPACE,
    taskQueue: values.STOREFLEET_TASK_QUEUE,
    tls: temporalTls(values, readFile),
  };
}

/**
 * `false` when TLS is off. Files are read now, at start-up, so a missing or unreadable one is a
 * configuration error naming its variable rather than a connection failure later.
 */
function temporalTls(values: ConnectionValues, readFile: (path: string) => Uint8Array): TemporalTls | false {
  const {
    TEMPORAL_TLS: enabled,
    TEMPORAL_TLS_CA: ca,
    TEMPORAL_TLS_CERT: cert,
    TEMPORAL_TLS_KEY: key,
    TEMPORAL_TLS_SERVER_NAME: serverName,
  } = values;
  if (enabled === 'false' || (!enabled && !ca && !cert && !key)) return false;
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError(
      'invalid configuration in the environment:\n  TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: set both (mutual TLS) or neither',
    );
  }
  const read = (variable: string, file: string): Uint8Array => {
    try {
      return readFile(file);
    } catch (error) {
      throw new ConfigError(
        `invalid configuration in the environment:\n  ${variable}: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  };
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: read('TEMPORAL_TLS_CA', ca) } : {}),
    ...(cert && key
      ? { clientCertPair: { crt: read('TEMPORAL_TLS_CERT', cert), key: read('TEMPORAL_TLS_KEY', key) } }
      : {}),
  };
}
