// `npm start` as an operator runs it: a real supervisor process with its own Temporal and cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { portSettings, repoRoot } from '../dev/config.js';
import { freePort } from '../dev/ports.js';
import { isAlive, signalGroup } from '../dev/process.js';
import { eventually, GiveUp } from './harness/clients.js';

interface Supervisor {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stateDir: string;
}

const running: Supervisor[] = [];
const stateDirs: string[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  // Once every run using them has stopped (a state dir may serve two runs in a test).
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function freePortsEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const { envVar } of Object.values(portSettings)) env[envVar] = String(await freePort());
  return env;
}

function startSupervisor(env: Record<string, string>, stateDir: string): Supervisor {
  let output = '';
  const child = spawn(process.execPath, ['dev/bootstrap.mjs', 'start'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, STOREFLEET_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a job in a terminal: Ctrl-C there signals the whole group.
    detached: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const supervisor = { child, output: () => output, exited, stateDir };
  running.push(supervisor);
  if (!stateDirs.includes(stateDir)) stateDirs.push(stateDir);
  return supervisor;
}

/**
 * Waits for the banner. A start that exits fails at once; either way a failure shows what npm start
 * printed last, which says where it stopped.
 */
async function untilUp(s: Supervisor): Promise<void> {
  const printed = () => `npm start printed:\n${s.output().split('\n').slice(-40).join('\n')}`;
  let exitCode: number | null | undefined;
  void s.exited.then((code) => (exitCode = code));
  await eventually(
    'the banner',
    () => {
      if (s.output().includes('Press Ctrl-C')) return true;
      if (exitCode !== undefined)
        throw new GiveUp(`npm start exited (code ${exitCode}) before its banner; ${printed()}`);
      return undefined;
    },
    // It is the first file the run starts beside the real node's image imports and bundles the workflows
    // itself: on a busy 2-core machine that has taken over two minutes.
    240_000,
    printed,
  );
}

function registered(stateDir: string): Array<{ name: string; pid: number }> {
  return JSON.parse(readFileSync(join(stateDir, 'pids.json'), 'utf8')) as Array<{ name: string; pid: number }>;
}

function registeredPids(stateDir: string): number[] {
  return registered(stateDir).map((e) => e.pid);
}

/** Kills a piece of the platform as a crash would: SIGKILL to its whole process group. */
function crash(stateDir: string, name: string): number {
  const pid = registered(stateDir).find((e) => e.name === name)?.pid;
  if (!pid) throw new Error(`no ${name} in ${stateDir}/pids.json`);
  signalGroup(pid, 'SIGKILL');
  return pid;
}

describe('npm start', () => {
  // One start serves both the first look and the crashes (each start is a whole platform: about 40 s of
  // a busy machine); the clean stop (Ctrl-C) is checked on the next test's second start.
  it('when started, then it prints the URLs, the UI answers, the cluster has Ready nodes and stores started with the temporal CLI and the API get Ready; when the worker and then the API crash, then it says so and restarts each, and a store still gets Ready; when Temporal crashes, then it stops everything saying the state is on disk', async () => {
    const env = await freePortsEnv();
    const s = startSupervisor(env, mkdtempSync(join(tmpdir(), 'storefleet-start-')));
    await untilUp(s);

    const uiUrl = `http://127.0.0.1:${env.STOREFLEET_TEMPORAL_UI_PORT}`;
    expect(s.output()).toContain(`Temporal Web UI     ${uiUrl}`);
    expect((await fetch(uiUrl)).status).toBe(200);
    const kubeconfigPath = /kubeconfig\s+(\S+)/.exec(s.output())?.[1] ?? '';
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(
      nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    ).toHaveLength(3);

    const temporalAddress = `127.0.0.1:${env.STOREFLEET_TEMPORAL_PORT}`;
    const temporal = (...args: string[]) =>
      execa(inject('toolchain').temporal ?? 'temporal', [...args, '--address', temporalAddress]);
    await temporal(
      'workflow',
      'start',
      '--type',
      'storeWorkflow',
      '--task-queue',
      'storefleet',
      '--workflow-id',
      'store-cli1',
      '--input',
      '{"storeId":"cli1","engine":"woocommerce"}',
    );
    const status = await eventually(
      'the store started from the CLI to be Ready',
      async () => {
        const { stdout } = await temporal(
          'workflow',
          'query',
          '--workflow-id',
          'store-cli1',
          '--name',
          'status',
          '--output',
          'json',
        );
        const result = JSON.parse(stdout) as { queryResult: [{ phase: string; url: string }] };
        return result.queryResult[0].phase === 'Ready' ? result.queryResult[0] : undefined;
      },
      90_000,
    );
    expect(status.url).toBe('http://cli1.127.0.0.1.nip.io');
    const metrics = await (await fetch(`http://127.0.0.1:${env.STOREFLEET_WORKER_METRICS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/storefleet_stores_created_total\{[^}]*\} 1/);
    expect(metrics).toContain('storefleet_store_provisioning_seconds_bucket');

    // The operations guide's curl flow, as written, against the API on localhost.
    const api = `http://localhost:${env.STOREFLEET_API_PORT}`;
    expect(s.output()).toContain(`storefleet API      http://127.0.0.1:${env.STOREFLEET_API_PORT}`);
    const curl = async (...args: string[]) => (await execa('curl', ['-sS', ...args])).stdout;
    const created = JSON.parse(
      await curl(
        '-X',
        'POST',
        `${api}/stores`,
        '-H',
        'Content-Type: application/json',
        '-d',
        '{"engine":"woocommerce","storeId":"demo1"}',
      ),
    ) as { phase: string };
    expect(created.phase).toBe('Provisioning');
    await eventually(
      'demo1 to be Ready over the API',
      async () =>
        (JSON.parse(await curl(`${api}/stores/demo1`)) as { phase: string }).phase === 'Ready' ? true : undefined,
      90_000,
    );
    const events = JSON.parse(await curl(`${api}/stores/demo1/events`)) as { events: Array<{ reason: string }> };
    expect(events.events.map((e) => e.reason)).toContain('StoreReady');
    const history = JSON.parse(await curl(`${api}/stores/demo1/history`)) as {
      timeline: Array<{ kind: string; title: string }>;
    };
    expect(history.timeline.filter((e) => e.kind === 'phase').map((e) => e.title)).toEqual([
      'phase Provisioning',
      'phase Provisioning → Ready',
    ]);
    await curl('-X', 'DELETE', `${api}/stores/demo1`);
    await eventually(
      'the demo1 namespace to be gone',
      async () => {
        const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
        return namespaces.items.some((n) => n.metadata?.name === 'store-demo1') ? undefined : true;
      },
      90_000,
    );

    for (const name of ['worker', 'api']) {
      const crashed = crash(s.stateDir, name);
      await eventually(
        `${name} to be restarted`,
        () => (new RegExp(`${name} restarted \\(pid (?!${crashed}\\))`).test(s.output()) ? true : undefined),
        120_000,
        () => s.output().slice(-2000),
      );
      expect(s.output()).toContain(
        `${name} exited unexpectedly (killed by a signal); restarting it in 1s (crash 1 in a row)`,
      );
    }
    expect(s.child.exitCode).toBeNull();
    expect(
      registered(s.stateDir)
        .map((e) => e.name)
        .sort(),
    ).toEqual([
      'api',
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
      'temporal',
      'worker',
    ]);

    const apiByAddress = `http://127.0.0.1:${env.STOREFLEET_API_PORT}`;
    // As a client should: a 503 with Retry-After right after the restarts (the workflows' tasks still
    // wait out the dead worker's sticky queue, 10 s) is asked again.
    const create = () =>
      fetch(`${apiByAddress}/stores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ engine: 'woocommerce', storeId: 'after-crash' }),
      });
    const accepted = await eventually(
      'the create to be accepted',
      async () => {
        const res = await create();
        if (res.status === 503 && res.headers.get('retry-after')) return undefined;
        return res;
      },
      90_000,
    );
    // 200 when an earlier try that answered 503 went through after all: the same store, not a second one.
    expect([200, 201], await accepted.text()).toContain(accepted.status);
    await eventually(
      'the store to be Ready',
      async () =>
        ((await (await fetch(`${apiByAddress}/stores/after-crash`)).json()) as { phase: string }).phase === 'Ready'
          ? true
          : undefined,
      90_000,
    );

    const pids = registeredPids(s.stateDir);
    crash(s.stateDir, 'temporal');
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain(
      'temporal exited unexpectedly (killed by a signal); its state is on disk, and the next npm start resumes from it',
    );
    expect(s.output()).toContain('stopped.');
    expect(pids.filter(isAlive)).toEqual([]);
  }, 600_000);

  it('when the supervisor was killed, then the next start stops its leftovers before starting, and Ctrl-C on it leaves no process behind', async () => {
    const env = await freePortsEnv();
    const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-start-'));
    const first = startSupervisor(env, stateDir);
    await untilUp(first);
    const orphans = registeredPids(stateDir);
    // Kill the supervisor itself without letting it clean up, as a crash or `kill -9` would.
    process.kill(Number(readFileSync(join(stateDir, 'supervisor.pid'), 'utf8')), 'SIGKILL');
    await first.exited;
    expect(orphans.filter(isAlive).length).toBe(orphans.length);

    const second = startSupervisor(env, stateDir);
    await untilUp(second);
    expect(second.output()).toContain('stopped leftovers of an earlier run');
    expect(orphans.filter(isAlive)).toEqual([]);

    const pids = registeredPids(stateDir);
    expect(pids.length).toBe(8); // temporal, etcd, apiserver, controller-manager, scheduler, kwok, worker, api
    // Ctrl-C: SIGINT to the whole group, so the supervisor gets it twice (directly and via the bootstrap).
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('stopped.');
    expect(pids.filter(isAlive)).toEqual([]);
  }, 360_000);

  it('when a port is taken, then it exits with a message naming the port and the env var to change it', async () => {
    const env = await freePortsEnv();
    const blocker = createServer();
    const port = Number(env.STOREFLEET_TEMPORAL_UI_PORT);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const s = startSupervisor(env, mkdtempSync(join(tmpdir(), 'storefleet-start-')));
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`port ${port} (Temporal Web UI) is already in use`);
      expect(s.output()).toContain('STOREFLEET_TEMPORAL_UI_PORT=');
      expect(s.output()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
  });
});
