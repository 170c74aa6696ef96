// A store's guardrails: quota and per-container limits by plan, and network policies that let in only
// the ingress controller and the store itself, and let out only DNS and what the engine needs.
import type { KubernetesObject, V1NetworkPolicy, V1NetworkPolicyEgressRule } from '@kubernetes/client-node';
import { limitRangeName, namespaceName, quotaName, storeLabels } from '../core/names.js';
import { plans } from '../core/plans.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { applyObject } from './kube-objects.js';

const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

// WooCommerce's setup Job downloads the plugin from wordpress.org; Medusa's images hold all they need.
const engineEgress: Record<Engine, V1NetworkPolicyEgressRule[]> = {
  woocommerce: [
    {
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }],
      ports: [
        { protocol: 'TCP', port: 443 },
        { protocol: 'TCP', port: 80 },
      ],
    },
  ],
  medusa: [],
};

export function guardrailManifests(spec: StoreSpec, ingressNamespace: string): KubernetesObject[] {
  const namespace = namespaceName(spec.storeId);
  const metadata = (name: string) => ({ name, namespace, labels: storeLabels(spec) });
  const plan = plans[spec.plan];
  const policy = (name: string, body: V1NetworkPolicy['spec']): V1NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(name),
    spec: body,
  });
  const policies: V1NetworkPolicy[] = [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-same-namespace', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ _from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    policy('allow-from-ingress-controller', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ingressNamespace } } }] },
      ],
    }),
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
  ];
  const egress = engineEgress[spec.engine];
  if (egress.length > 0) {
    policies.push(
      policy(`allow-${spec.engine}-setup-egress`, {
        podSelector: { matchLabels: { 'app.kubernetes.io/component': 'setup' } },
        policyTypes: ['Egress'],
        egress,
      }),
    );
  }
  return [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: metadata(quotaName),
      spec: { hard: plan.quota },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: metadata(limitRangeName),
      spec: {
        limits: [
          {
            type: 'Container',
            max: plan.containerMax,
            min: plan.containerMin,
            _default: plan.containerDefault,
            defaultRequest: plan.containerDefaultRequest,
          },
        ],
      },
    } as KubernetesObject,
    ...policies,
  ];
}

export function createGuardrailActivities(deps: ActivityDeps) {
  return {
    /** Applies every guardrail; `restored` names the ones that were missing (drift, or the first run). */
    async applyGuardrails(spec: StoreSpec): Promise<{ restored: string[] }> {
      const restored: string[] = [];
      for (const object of guardrailManifests(spec, deps.ingressNamespace)) {
        if (await applyObject(deps.kubeConfig, object)) restored.push(`${object.kind}/${object.metadata?.name}`);
      }
      activityLogger(deps.log, spec.storeId).info({ restored }, 'guardrails applied');
      return { restored };
    },
  };
}
