// Stores cannot reach each other: by the NetworkPolicies as applied, no rule of one store's namespace
// admits pods of another store's namespace.
import { CoreV1Api, NetworkingV1Api, type V1LabelSelector, type V1NetworkPolicy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../core/names.js';
import { kubeConfig } from '../harness/clients.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);
const networking = kubeConfig().makeApiClient(NetworkingV1Api);

beforeAll(async () => {
  worker = await startStoreWorker();
});
afterAll(() => worker.stop());

function selects(selector: V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) =>
    e.operator === 'In'
      ? e.values?.includes(labels[e.key] ?? '')
      : e.operator === 'NotIn'
        ? !e.values?.includes(labels[e.key] ?? '')
        : e.operator === 'Exists'
          ? e.key in labels
          : !(e.key in labels),
  );
  return byLabels && byExpressions;
}

/** Does any ingress rule of these policies admit traffic from pods in a namespace with these labels? */
function admitsFrom(policies: V1NetworkPolicy[], namespaceLabels: Record<string, string>): string[] {
  return policies.flatMap((policy) =>
    (policy.spec?.ingress ?? []).flatMap((rule) =>
      (rule._from ?? [])
        .filter((peer) => peer.ipBlock || (peer.namespaceSelector && selects(peer.namespaceSelector, namespaceLabels)))
        .map(() => policy.metadata?.name ?? '?'),
    ),
  );
}

describe('isolation between stores', () => {
  it("when two stores are Ready, then neither namespace's policies admit the other's pods, while the ingress controller is admitted", async () => {
    const [a, b] = [storeId('isoa'), storeId('isob')];
    await Promise.all(
      [a, b].map(async (id) => waitForPhase(await worker.createStore({ storeId: id, engine: 'woocommerce' }), 'Ready')),
    );
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const policies = (await networking.listNamespacedNetworkPolicy({ namespace: namespaceName(self) })).items;
      expect(policies.find((p) => p.metadata?.name === 'default-deny')?.spec?.policyTypes).toEqual([
        'Ingress',
        'Egress',
      ]);
      const otherLabels = (await core.readNamespace({ name: namespaceName(other) })).metadata?.labels ?? {};
      expect(admitsFrom(policies, otherLabels)).toEqual([]);
      expect(admitsFrom(policies, { 'kubernetes.io/metadata.name': 'ingress-nginx' })).toEqual([
        'allow-from-ingress-controller',
      ]);
      // Within the namespace: a bare podSelector peer (no namespaceSelector) means "this namespace only".
      const sameNamespace = policies.find((p) => p.metadata?.name === 'allow-same-namespace');
      expect(sameNamespace?.spec?.ingress?.[0]?._from).toEqual([{ podSelector: {} }]);
    }
  });
});
