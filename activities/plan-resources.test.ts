import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { plans } from '../core/plans.js';
import { resourceFits } from './plan-resources.js';

const container = (cpu?: string, memory?: string) => ({
  name: 'c',
  image: 'x',
  ...(cpu && memory ? { resources: { requests: { cpu, memory }, limits: { cpu, memory } } } : {}),
});
const workload = (kind: string, copies: number, containers: object[], extra: object = {}): KubernetesObject =>
  ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: kind.toLowerCase() },
    spec: { replicas: copies, template: { spec: { containers } }, ...extra },
  }) as KubernetesObject;
const fitsOf = (objects: KubernetesObject[]) =>
  Object.fromEntries(resourceFits(objects, plans.small).map((f) => [f.resource, f]));

describe('resourceFits', () => {
  it('when workloads name their resources, then replicas, claim templates and claims add up', () => {
    const fits = fitsOf([
      workload('Deployment', 2, [container('250m', '256Mi')]),
      workload('StatefulSet', 1, [container('500m', '1Gi')], {
        volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '5Gi' } } } }],
      }),
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'files' },
        spec: { resources: { requests: { storage: '2Gi' } } },
      } as KubernetesObject,
    ]);
    expect(fits.pods).toMatchObject({ requested: 3, quota: 20, fits: true });
    expect(fits['requests.cpu']).toMatchObject({ requested: 1, quota: 2, fits: true });
    expect(fits['requests.memory']?.requested).toBe(1.5 * 2 ** 30);
    expect(fits.persistentvolumeclaims).toMatchObject({ requested: 2, fits: true });
    expect(fits['requests.storage']?.requested).toBe(7 * 2 ** 30);
  });

  it("when a container names no resources, then the plan's LimitRange defaults count for it", () => {
    const fits = fitsOf([workload('Deployment', 1, [container()])]);
    expect(fits['requests.cpu']?.requested).toBe(0.1);
    expect(fits['limits.memory']?.requested).toBe(512 * 2 ** 20);
  });

  it("when an init container asks for more than the containers, then the pod needs the init container's share", () => {
    const withInit = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        template: { spec: { initContainers: [container('1', '1Gi')], containers: [container('100m', '128Mi')] } },
      },
    };
    const fits = fitsOf([withInit]);
    expect(fits['requests.cpu']?.requested).toBe(1);
  });

  it('when the chart asks for more than the plan allows, then that resource does not fit', () => {
    const fits = fitsOf([workload('Deployment', 5, [container('1', '1Gi')])]);
    expect(fits['requests.cpu']).toMatchObject({ requested: 5, quota: 2, fits: false });
    expect(fits['requests.memory']?.fits).toBe(false);
    expect(fits.pods?.fits).toBe(true);
  });
});
