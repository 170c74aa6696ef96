// Pods for the real-node tests, and waiting for them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';

/** busybox's httpd on 8080 behind a readiness probe, after one line of log. */
export function webPod(name: string, image: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: 'web',
          image,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', 'echo hello from a real pod; mkdir -p /www; echo served by a real container > /www/index.html; exec httpd -f -p 8080 -h /www'],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}

export const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export async function waitForPod(core: CoreV1Api, name: string, timeoutMs: number, done: (pod: V1Pod) => boolean): Promise<V1Pod> {
  const deadline = Date.now() + timeoutMs;
  let pod: V1Pod | undefined;
  while (Date.now() < deadline) {
    pod = await core.readNamespacedPod({ name, namespace: 'default' }).catch(() => undefined);
    if (pod && done(pod)) return pod;
    await sleep(500);
  }
  throw new Error(`pod ${name} not ready after ${timeoutMs / 1000}s: ${JSON.stringify(pod?.status, null, 2)}`);
}
