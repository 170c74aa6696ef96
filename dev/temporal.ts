// The Temporal dev server (frontend, history, matching and Web UI in one process) with its state in a
// SQLite file, so a restart keeps every workflow.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { storeSearchAttributes } from '../core/search-attributes.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from './process.js';

export interface TemporalPorts {
  grpc: number;
  http: number;
  metrics: number;
  /** Omit to run without the Web UI (the test harness does). */
  ui?: number;
}

export interface TemporalOptions {
  binary: string;
  stateDir: string;
  ports: TemporalPorts;
  registry: ProcessRegistry;
  /** Skip SQLite fsyncs: fine for throwaway test servers, not for state you want to keep. */
  ephemeral?: boolean;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | undefined;
  process: ManagedProcess;
}

export const TEMPORAL_NAMESPACE = 'default';

export async function startTemporal(options: TemporalOptions): Promise<RunningTemporal> {
  const { ports } = options;
  mkdirSync(options.stateDir, { recursive: true });
  const searchAttributes = Object.entries(storeSearchAttributes).flatMap(([name, type]) => [
    '--search-attribute',
    `${name}=${type}`,
  ]);
  const process = await startProcess({
    name: 'temporal',
    command: options.binary,
    args: [
      'server',
      'start-dev',
      '--ip=127.0.0.1',
      `--port=${ports.grpc}`,
      `--http-port=${ports.http}`,
      `--metrics-port=${ports.metrics}`,
      ...(ports.ui ? [`--ui-port=${ports.ui}`] : ['--headless']),
      `--db-filename=${join(options.stateDir, 'temporal.db')}`,
      '--sqlite-pragma=journal_mode=WAL',
      `--sqlite-pragma=synchronous=${options.ephemeral ? 'OFF' : 'NORMAL'}`,
      `--namespace=${TEMPORAL_NAMESPACE}`,
      ...searchAttributes,
      // Task priority (the new matcher: off by default in this server version), and one partition per
      // task queue: tasks are then dispatched in priority order, and within a priority in the order
      // they were scheduled, so a burst of stores gets Ready in about the order asked.
      ...[
        'matching.useNewMatcher=true',
        'matching.numTaskqueueReadPartitions=1',
        'matching.numTaskqueueWritePartitions=1',
      ].flatMap((value) => ['--dynamic-config-value', value]),
      '--log-level=warn',
    ],
    logDir: join(options.stateDir, 'logs'),
    registry: options.registry,
    readyTimeoutMs: 90_000,
    isReady: async () => (await fetch(`http://127.0.0.1:${ports.http}/api/v1/namespaces/${TEMPORAL_NAMESPACE}`)).ok,
  });
  return {
    address: `127.0.0.1:${ports.grpc}`,
    uiUrl: ports.ui ? `http://127.0.0.1:${ports.ui}` : undefined,
    process,
  };
}
