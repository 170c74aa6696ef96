import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { statusOf } from '../../activities/kube-objects.js';
import { startSimulatedCluster } from '../../dev/cluster/simulated.js';
import { freePort } from '../../dev/ports.js';
import { isAlive, ProcessRegistry, type RegistryEntry } from '../../dev/process.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';

/** A registry that also keeps every process it was given, so a test can check none still runs. */
function recordingRegistry(stateDir: string): { registry: ProcessRegistry; started: RegistryEntry[] } {
  const started: RegistryEntry[] = [];
  const registry = new (class extends ProcessRegistry {
    override add(entry: RegistryEntry): void {
      started.push(entry);
      super.add(entry);
    }
  })(join(stateDir, 'pids.json'));
  return { registry, started };
}

describe('simulated cluster', () => {
  const core = kubeConfig().makeApiClient(CoreV1Api);

  it('when the cluster is up, then at least 3 fake nodes are Ready', async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.length).toBeGreaterThanOrEqual(3);
  });

  it('when a namespace is deleted, then it really disappears', async () => {
    const name = uniqueName('smoke-ns');
    await core.createNamespace({
      body: { metadata: { name, labels: { 'app.kubernetes.io/part-of': 'storefleet-tests' } } },
    });
    await core.createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: 'something' }, data: { a: 'b' } },
    });
    expect((await core.readNamespace({ name })).status?.phase).toBe('Active');

    await core.deleteNamespace({ name });
    const gone = await eventually('the namespace to be gone', async () => {
      try {
        await core.readNamespace({ name });
        return undefined;
      } catch (error) {
        return statusOf(error) === 404 ? true : undefined;
      }
    });
    expect(gone).toBe(true);
  });

  it('when the controller-manager cannot bind its port, then the start fails naming it and no process it started keeps running', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-cluster-fail-'));
    const { registry, started } = recordingRegistry(stateDir);
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const ports = {
        etcd: await freePort(),
        etcdPeer: await freePort(),
        apiserver: await freePort(),
        controllerManager: taken,
        scheduler: await freePort(),
      };
      const start = startSimulatedCluster({
        stateDir,
        toolchain: inject('toolchain'),
        ports,
        registry,
        nodes: 1,
        ephemeral: true,
      });
      await expect(start).rejects.toThrow(/kube-controller-manager exited with code \d+ before it was ready/);
      // The scheduler started beside it: it must be stopped with the rest, not left running.
      expect(started.map((entry) => entry.name).sort()).toEqual([
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
      ]);
      expect(started.filter((entry) => isAlive(entry.pid)).map((entry) => entry.name)).toEqual([]);
    } finally {
      blocker.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('when kwok leaves the nodes unready, then the start restarts it, the nodes get Ready and only the new kwok runs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-cluster-kwok-'));
    const toolchain = inject('toolchain');
    // The first kwok runs and does nothing (as a kwok that dropped its nodes); the next is the real one.
    const kwok = join(stateDir, 'kwok');
    writeFileSync(
      kwok,
      `#!/bin/sh\nif [ ! -e "$0.once" ]; then touch "$0.once"; exec sleep 600; fi\nexec '${toolchain.kwok ?? 'kwok'}' "$@"\n`,
    );
    chmodSync(kwok, 0o755);
    const { registry, started } = recordingRegistry(stateDir);
    const progress: string[] = [];
    const cluster = await startSimulatedCluster({
      stateDir,
      toolchain: { ...toolchain, kwok },
      ports: {
        etcd: await freePort(),
        etcdPeer: await freePort(),
        apiserver: await freePort(),
        controllerManager: await freePort(),
        scheduler: await freePort(),
      },
      registry,
      nodes: 1,
      ephemeral: true,
      kwokStallMs: 5000,
      progress: (line) => progress.push(line),
    });
    try {
      expect(progress).toContain('0 of 1 nodes Ready 5s after kwok started; restarting kwok');
      const kwoks = started.filter((entry) => entry.name === 'kwok');
      expect(kwoks).toHaveLength(2);
      expect(kwoks.map((entry) => isAlive(entry.pid))).toEqual([false, true]);
      expect(cluster.processes.filter((p) => p.name === 'kwok').map((p) => p.pid)).toEqual([kwoks[1]?.pid]);
    } finally {
      await cluster.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
    expect(started.filter((entry) => isAlive(entry.pid)).map((entry) => entry.name)).toEqual([]);
  });
});
