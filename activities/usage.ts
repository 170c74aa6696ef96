// What a store uses of its plan: the ResourceQuota's used against hard per resource and its volumes,
// read for one store or, summed, for every store of an owner (the fleet view).
import { CoreV1Api, type V1ResourceQuota } from '@kubernetes/client-node';
import { namespaceName, quotaName, storeLabelKeys } from '../core/names.js';
import { parseQuantity, usedFraction } from '../core/quantity.js';
import type { FleetUsage, QuotaLine, StoreUsage } from '../core/reads.js';
import type { ActivityDeps } from './deps.js';
import { ignoreNotFound } from './kube-objects.js';

function quotaLines(quota: V1ResourceQuota): QuotaLine[] {
  const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
  const used = quota.status?.used ?? {};
  return Object.keys(hard)
    .sort()
    .map((resource) => {
      const line: QuotaLine = { resource, used: used[resource] ?? '0', hard: hard[resource] ?? '0' };
      const fraction = usedFraction(line.used, line.hard);
      return fraction === undefined ? line : { ...line, usedFraction: fraction };
    });
}

function totalsOf(stores: FleetUsage['stores']): FleetUsage['totals'] {
  const sums = new Map<string, { used: number; hard: number }>();
  for (const line of stores.flatMap((s) => s.quota)) {
    const sum = sums.get(line.resource) ?? { used: 0, hard: 0 };
    sum.used += parseQuantity(line.used) ?? 0;
    sum.hard += parseQuantity(line.hard) ?? 0;
    sums.set(line.resource, sum);
  }
  return [...sums].map(([resource, { used, hard }]) => ({
    resource,
    used,
    hard,
    ...(hard > 0 ? { usedFraction: Math.round((used / hard) * 1000) / 1000 } : {}),
  }));
}

export function createUsageActivities(deps: ActivityDeps) {
  const core = () => deps.kubeConfig.makeApiClient(CoreV1Api);
  return {
    async readStoreUsage(storeId: string): Promise<StoreUsage> {
      const namespace = namespaceName(storeId);
      const quota = await ignoreNotFound(core().readNamespacedResourceQuota({ name: quotaName, namespace }));
      if (!quota) return { found: false, quota: [], volumes: [] };
      const claims = await core().listNamespacedPersistentVolumeClaim({ namespace });
      const volumes = claims.items.map((claim) => ({
        name: claim.metadata?.name ?? '',
        requested: claim.spec?.resources?.requests?.storage ?? '',
        ...(claim.status?.capacity?.storage ? { capacity: claim.status.capacity.storage } : {}),
        phase: claim.status?.phase ?? 'Unknown',
      }));
      return { found: true, quota: quotaLines(quota), volumes };
    },

    /** Every store's quota, of one owner or (undefined) of all. */
    async readFleetUsage(owner?: string): Promise<FleetUsage> {
      const labelSelector = [
        `${storeLabelKeys.partOf}=storefleet`,
        ...(owner ? [`${storeLabelKeys.owner}=${owner}`] : []),
      ].join(',');
      const quotas = await core().listResourceQuotaForAllNamespaces({ labelSelector });
      const stores = quotas.items
        .filter((quota) => quota.metadata?.name === quotaName)
        .map((quota) => {
          const labels = quota.metadata?.labels ?? {};
          return {
            storeId: labels[storeLabelKeys.storeId] ?? '',
            plan: labels[storeLabelKeys.plan] ?? '',
            owner: labels[storeLabelKeys.owner] ?? '',
            quota: quotaLines(quota),
          };
        })
        .sort((a, b) => a.storeId.localeCompare(b.storeId));
      return { stores, totals: totalsOf(stores) };
    },
  };
}
