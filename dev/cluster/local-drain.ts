// Before a real node stops, its pods go: deleted through the API so kubelet stops their containers
// and tears down their sandboxes (network namespaces, veths, CNI state) while it still can.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { pollUntil } from '../polling.js';

export interface DrainOptions {
  containerdSocket: string;
  /** How long the pods' own grace periods may run before they are deleted at once. */
  graceMs?: number;
  /** How long kubelet then gets to stop what is left. */
  teardownMs?: number;
}

/** Deletes every pod and waits until none is left in the API and no container runs; returns how many there were. */
export async function drainNode(kc: KubeConfig, options: DrainOptions): Promise<number> {
  const core = kc.makeApiClient(CoreV1Api);
  const pods = (await core.listPodForAllNamespaces()).items;
  const deleteAll = (gracePeriodSeconds?: number) =>
    Promise.all(
      pods.map((pod) =>
        core
          .deleteNamespacedPod({
            name: pod.metadata?.name ?? '',
            namespace: pod.metadata?.namespace ?? '',
            gracePeriodSeconds,
          })
          .catch(() => undefined),
      ),
    );
  const noPodsLeft = async () => (await core.listPodForAllNamespaces({ limit: 1 })).items.length === 0;
  const nothingRunning = async () => (await runningTasks(options.containerdSocket)) === 0;

  await deleteAll();
  if (!(await pollUntil(noPodsLeft, { timeoutMs: options.graceMs ?? 45_000, intervalMs: 500 }))) await deleteAll(0);
  await pollUntil(async () => (await noPodsLeft()) && (await nothingRunning()), {
    timeoutMs: options.teardownMs ?? 30_000,
    intervalMs: 500,
  });
  return pods.length;
}

/** Containers and sandboxes containerd still runs for Kubernetes. */
async function runningTasks(containerdSocket: string): Promise<number> {
  const result = await execa('ctr', ['-a', containerdSocket, '-n', 'k8s.io', 'tasks', 'ls'], { reject: false });
  if (result.exitCode !== 0) return 0;
  // TASK  PID  STATUS
  return result.stdout.split('\n').filter((line) => /\sRUNNING$/.test(line.trim())).length;
}
