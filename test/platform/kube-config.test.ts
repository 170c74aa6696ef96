// The worker's KubeConfig against the test cluster's real kube-apiserver: its API calls share one
// keep-alive agent, so a burst of calls reuses a TLS connection instead of opening one per call (which
// cost the worker CPU and ~1.5 MB of RSS per store of a burst); and its per-call timeout leaves watches,
// which stay open far longer than any call, alone.
import type { Agent } from 'node:https';
import { CoreV1Api, HttpMethod, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { loadKubeConfig, SharedAgentKubeConfig } from '../../activities/kube-config.js';
import { uniqueName } from '../harness/clients.js';

/** The agent a client of `kubeConfig` would send a request with. */
async function agentOf(kubeConfig: KubeConfig): Promise<Agent> {
  const context = new RequestContext(kubeConfig.getCurrentCluster()!.server, HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  return context.getAgent() as Agent;
}

/** Sockets an agent holds, open or idle, over all hosts. */
const socketsOf = (agent: Agent) =>
  [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].reduce(
    (total, list) => total + (list?.length ?? 0),
    0,
  );

describe("the worker's KubeConfig", () => {
  it('when it makes twenty API calls one after another, then all go through one keep-alive agent over one connection', async () => {
    const kubeConfig = loadKubeConfig(inject('kubeconfigPath'));
    const agent = await agentOf(kubeConfig);
    expect(agent.options.keepAlive).toBe(true);
    expect(await agentOf(kubeConfig)).toBe(agent);

    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (let call = 0; call < 20; call++) await core.listNamespace({ limit: 1 });
    expect(socketsOf(agent)).toBe(1);
  });

  it("when the library's own KubeConfig does the same, then each call gets an agent of its own (what the worker's avoids)", async () => {
    const stock = new KubeConfig();
    stock.loadFromFile(inject('kubeconfigPath'));
    expect(await agentOf(stock)).not.toBe(await agentOf(stock));
  });
});

describe("the worker's KubeConfig timeout", () => {
  it('when a watch stays open past the per-call timeout, then it still delivers the next change', async () => {
    const kubeConfig = new SharedAgentKubeConfig(300);
    kubeConfig.loadFromFile(inject('kubeconfigPath'));
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const name = uniqueName('watch-timeout');
    const seen: string[] = [];
    let ended: unknown = 'open';
    const watching = await new Watch(kubeConfig).watch(
      '/api/v1/namespaces/default/configmaps',
      { fieldSelector: `metadata.name=${name}` },
      (type: string) => seen.push(type),
      (error: unknown) => (ended = error ?? 'closed'),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name } } });
      await expect.poll(() => seen, { timeout: 10_000 }).toContain('ADDED');
      expect(ended).toBe('open');
    } finally {
      watching.abort();
      await core.deleteNamespacedConfigMap({ namespace: 'default', name }).catch(() => undefined);
    }
  });
});
