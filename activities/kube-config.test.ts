// Every Kubernetes API call has a timeout: against an apiserver that takes the call and never answers
// (a real TCP server that only accepts), the worker's KubeConfig gives up and says so; the library's
// own would wait for good.
import { createServer, type Socket } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedAgentKubeConfig } from './kube-config.js';
import { describeOutage, isKubernetesUnreachable } from './kube-unreachable.js';

const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** An "apiserver" that accepts connections and never answers; its URL. */
async function silentApiserver(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  stops.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

function pointAt(kubeConfig: KubeConfig, server: string): KubeConfig {
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'silent', server, skipTLSVerify: true }],
    users: [{ name: 'anyone' }],
    contexts: [{ name: 'silent', cluster: 'silent', user: 'anyone' }],
    currentContext: 'silent',
  });
  return kubeConfig;
}

const outcomeWithin = (call: Promise<unknown>, ms: number) =>
  Promise.race([
    call.then(
      () => ({ settled: 'answered' as const }),
      (error: unknown) => ({ settled: 'failed' as const, error }),
    ),
    new Promise<{ settled: 'pending' }>((resolve) => setTimeout(() => resolve({ settled: 'pending' }), ms)),
  ]);

describe("the worker's KubeConfig against an apiserver that never answers", () => {
  it('when an API call gets no answer, then it fails at the timeout as an outage that says the API did not answer', async () => {
    const kubeConfig = pointAt(new SharedAgentKubeConfig(200), await silentApiserver());
    const outcome = await outcomeWithin(kubeConfig.makeApiClient(CoreV1Api).listNamespace(), 5000);
    expect(outcome.settled).toBe('failed');
    const { error } = outcome as { error: unknown };
    expect(isKubernetesUnreachable(error)).toBe(true);
    expect(describeOutage(new Error('step failed', { cause: error }))).toBe(
      'the Kubernetes API did not answer before the request timed out',
    );
  });

  it("when the library's own KubeConfig makes the same call, then it is still waiting (what the timeout prevents)", async () => {
    const kubeConfig = pointAt(new KubeConfig(), await silentApiserver());
    const call = kubeConfig.makeApiClient(CoreV1Api).listNamespace();
    call.catch(() => undefined);
    expect((await outcomeWithin(call, 1000)).settled).toBe('pending');
  });
});
