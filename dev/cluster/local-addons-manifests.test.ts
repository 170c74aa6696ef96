import { describe, expect, it } from 'vitest';
import {
  corefile,
  dnsManifests,
  kubeRouterManifests,
  localPathConfig,
  localPathHelperPod,
  localPathManifests,
} from './local-addons-manifests.js';
import { CLUSTER_DNS } from './local-layout.js';

type Loose = {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
};
const byKind = (objects: unknown[], kind: string) => (objects as Loose[]).filter((object) => object.kind === kind);

describe('local add-on manifests', () => {
  it('when the Corefile is written, then it serves the cluster zones and answers everything else NXDOMAIN, never forwarding', () => {
    const text = corefile();
    expect(text).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(text).toMatch(/\.:53 \{[^}]*template ANY ANY \{\s*rcode NXDOMAIN/);
    const directives = text.replace(/#.*$/gm, '');
    expect(directives).not.toMatch(/\bforward\b|\bproxy\b|resolv\.conf/);
  });

  it('when CoreDNS is deployed, then the kube-dns Service holds the address kubelet gives pods and the image is never pulled', () => {
    const objects = dnsManifests('localhost/storefleet/coredns:abc');
    const [service] = byKind(objects, 'Service') as Array<{ spec: { clusterIP: string } }>;
    expect(service?.spec.clusterIP).toBe(CLUSTER_DNS);
    const [deployment] = byKind(objects, 'Deployment') as Array<{
      spec: { template: { spec: { containers: Array<{ image: string; imagePullPolicy: string }> } } };
    }>;
    expect(deployment?.spec.template.spec.containers[0]).toMatchObject({
      image: 'localhost/storefleet/coredns:abc',
      imagePullPolicy: 'Never',
    });
  });

  it('when kube-router gets its permissions, then it may only read', () => {
    const [role] = byKind(kubeRouterManifests(), 'ClusterRole') as Array<{ rules: Array<{ verbs: string[] }> }>;
    expect(new Set(role?.rules.flatMap((rule) => rule.verbs))).toEqual(new Set(['get', 'list', 'watch']));
  });

  it('when local-path-provisioner is set up, then the default StorageClass is `standard`, waits for the pod, and volumes go under the given dir', () => {
    const [storageClass] = byKind(localPathManifests(), 'StorageClass') as Array<
      Loose & { provisioner: string; volumeBindingMode: string }
    >;
    expect(storageClass?.metadata?.name).toBe('standard');
    expect(storageClass?.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(storageClass).toMatchObject({
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(JSON.parse(localPathConfig('/state/volumes'))).toEqual({
      nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/state/volumes'] }],
    });
    const helper = JSON.parse(localPathHelperPod('localhost/storefleet/busybox:abc')) as {
      spec: { containers: unknown[] };
    };
    expect(helper.spec.containers[0]).toMatchObject({
      image: 'localhost/storefleet/busybox:abc',
      imagePullPolicy: 'Never',
    });
  });
});
