import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import { ignoreConflict } from '../../activities/kube-objects.js';

/** Nodes with this annotation are the ones our kwok controller fakes (kubelet heartbeats, pod status). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

function fakeNode(name: string): V1Node {
  const resources = { cpu: '32', memory: '128Gi', pods: '250', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'storefleet.io/simulated': 'true',
      },
    },
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        bootID: '',
        containerRuntimeVersion: 'kwok',
        kernelVersion: '',
        machineID: '',
        osImage: 'kwok',
        systemUUID: '',
      },
      phase: 'Running',
    },
  };
}

export async function createFakeNodes(kc: KubeConfig, count: number): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const names = Array.from({ length: count }, (_, i) => `kwok-node-${i}`);
  for (const name of names) await ignoreConflict(core.createNode({ body: fakeNode(name) }));
  return names;
}

export async function countReadyNodes(kc: KubeConfig): Promise<number> {
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  return nodes.items.filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .length;
}
