// What a test needs to talk to the run's real servers: a Temporal client, a kube client, a worker
// running the once-bundled workflows, and helm pointed at the simulated cluster.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { execa } from 'execa';
import { afterAll, inject } from 'vitest';
import { loadKubeConfig } from '../../activities/kube-config.js';

let temporal: Promise<{ client: Client; connection: Connection }> | undefined;
let nativeConnection: Promise<NativeConnection> | undefined;
let runtimeInstalled = false;

/**
 * A client of the run's Temporal dev server, shared by the tests of one file and closed after them (the
 * next file in the same process, which shares this module, connects anew).
 */
export function temporalClient(): Promise<Client> {
  temporal ??= (async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    afterAll(() => {
      temporal = undefined;
      return connection.close();
    });
    return { client: new Client({ connection, namespace: 'default' }), connection };
  })();
  return temporal.then((t) => t.client);
}

/**
 * The run's cluster, or another one a test started itself, as the worker loads it: its calls share one
 * keep-alive connection pool instead of a new TLS connection each (the library's default), which cost
 * the test processes and the apiserver CPU on every call (the workers' readiness polls make many).
 */
export function kubeConfig(path = inject('kubeconfigPath')): KubeConfig {
  return loadKubeConfig(path);
}

/** Keeps the SDK's own log lines (worker state changes, pollers) out of the test output. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
  runtimeInstalled = true;
}

/** The worker side of the run's Temporal server, shared by the tests of one file like temporalClient(). */
export function workerConnection(): Promise<NativeConnection> {
  installQuietRuntime();
  nativeConnection ??= NativeConnection.connect({ address: inject('temporalAddress') }).then((connection) => {
    afterAll(() => {
      nativeConnection = undefined;
      return connection.close();
    });
    return connection;
  });
  return nativeConnection;
}

/** A worker on a fresh task queue with the run's workflow bundle; run it with `worker.runUntil(...)`. */
export async function createTestWorker(options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({
    connection: await workerConnection(),
    namespace: 'default',
    taskQueue: uniqueName('tq'),
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...options,
  });
}

/** The toolchain's temporal CLI against the run's server, as operators run it (`temporal workflow signal ...`). */
export function temporalCli(args: string[]) {
  return execa(inject('toolchain').temporal ?? 'temporal', [
    ...args,
    '--address',
    inject('temporalAddress'),
    '--namespace',
    'default',
  ]);
}

/** helm against the run's cluster, with the output captured for assertions. */
export async function helm(
  args: string[],
  options: { input?: string; kubeconfigPath?: string } = {},
): Promise<{ exitCode: number; stdout: string; all: string }> {
  const result = await execa(inject('toolchain').helm ?? 'helm', args, {
    env: { KUBECONFIG: options.kubeconfigPath ?? inject('kubeconfigPath') },
    reject: false,
    all: true,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, all: result.all };
}

/** DNS-1123 friendly, unique per call: tests share one cluster and one Temporal namespace. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Thrown from an `eventually` check to stop waiting at once: the awaited state can no longer come. */
export class GiveUp extends Error {}

/**
 * Polls until the check returns a value other than undefined, or fails naming what it waited for and,
 * when given, what `lastSeen` says (the state it ended in, to tell a slow step from a stuck one).
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  lastSeen?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}${lastSeen ? `; ${lastSeen()}` : ''}`,
  );
}
