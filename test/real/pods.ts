// Pods for the real-node tests, and waiting for them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1Pod, V1Service } from '@kubernetes/client-node';

/** busybox's httpd on 8080 behind a readiness probe, after one line of log. */
export function webPod(name: string, image: string, labels: Record<string, string> = {}): V1Pod {
  return {
    metadata: { name, labels },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: 'web',
          image,
          imagePullPolicy: 'Never',
          command: [
            'sh',
            '-c',
            'echo hello from a real pod; mkdir -p /www; echo served by a real container > /www/index.html; exec httpd -f -p 8080 -h /www',
          ],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}

/** A Service on port 80 in front of the pods labelled `app: <name>` (webPod's port 8080). */
export function webService(name: string): V1Service {
  return { metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } };
}

/** A pod that runs one shell script to its end; its log is the script's output. */
export function scriptPod(name: string, image: string, script: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'script', image, imagePullPolicy: 'Never', command: ['sh', '-c', script] }],
    },
  };
}

export const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
export const hasEnded = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export async function waitForPod(
  core: CoreV1Api,
  name: string,
  timeoutMs: number,
  done: (pod: V1Pod) => boolean,
  namespace = 'default',
): Promise<V1Pod> {
  const deadline = Date.now() + timeoutMs;
  let pod: V1Pod | undefined;
  while (Date.now() < deadline) {
    pod = await core.readNamespacedPod({ name, namespace }).catch(() => undefined);
    if (pod && done(pod)) return pod;
    await sleep(500);
  }
  throw new Error(
    `pod ${namespace}/${name} not there after ${timeoutMs / 1000}s: ${JSON.stringify(pod?.status, null, 2)}`,
  );
}

/** Runs a script pod to its end; returns its phase and log. */
export async function runScript(
  core: CoreV1Api,
  namespace: string,
  name: string,
  image: string,
  script: string,
): Promise<{ phase: string; log: string }> {
  await core.createNamespacedPod({ namespace, body: scriptPod(name, image, script) });
  const pod = await waitForPod(core, name, 120_000, hasEnded, namespace);
  const log = await core.readNamespacedPodLog({ name, namespace });
  return { phase: pod.status?.phase ?? '', log };
}

/**
 * A script that tries to reach every target at once, again a second after each failure, and prints
 * `<target> open` at the first success or `<target> closed` when ten seconds of tries all failed. A
 * policy enforcer adds a new pod to its rules a moment after the pod starts (as any enforcer does), so
 * "closed" means closed for ten seconds; all at once, since a closed target takes its ten seconds in
 * full. `opens` should give up on a target within a few seconds (a dropped connection never answers).
 */
export const reachScript = (targets: string[], opens: (target: string) => string) =>
  `${targets
    .map(
      (target) =>
        `(r=closed; end=$(($(date +%s) + 10)); while [ "$(date +%s)" -lt "$end" ]; do if ${opens(target)}; then r=open; break; fi; sleep 1; done; echo "${target} $r") &`,
    )
    .join(' ')} wait`;
