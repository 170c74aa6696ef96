// The cluster add-ons of a real node, as objects and config files: cluster DNS (CoreDNS, a pod in
// kube-system like upstream's, behind the kube-dns Service at the address kubelet gives pods), the
// NetworkPolicy enforcer's and the volume provisioner's permissions (both run as host processes), and
// the default StorageClass. Pure, so what each allows is read and tested here.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KUBE_ROUTER_USER, LOCAL_PATH_USER } from './local-credentials.js';
import { CLUSTER_DNS } from './local-layout.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_APP_LABEL = { 'k8s-app': 'kube-dns' };
export const LOCAL_PATH_NAMESPACE = 'local-path-storage';
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_SERVICE_ACCOUNT = 'local-path-provisioner-service-account';
export const LOCAL_PATH_CONFIGMAP = 'local-path-config';
/** The simulated cluster's default StorageClass is `standard` too: charts leave storageClassName empty. */
export const STORAGE_CLASS = 'standard';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

function clusterRoleFor(
  name: string,
  subject: { kind: 'User' | 'ServiceAccount'; name: string; namespace?: string },
  rules: Rule[],
): KubernetesObject[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject.kind === 'User' ? { apiGroup: 'rbac.authorization.k8s.io', ...subject } : subject],
    } as KubernetesObject,
  ];
}

const read = ['get', 'list', 'watch'];

/**
 * Only names inside the cluster are answered. Everything else gets NXDOMAIN from this server, never a
 * forward: pods must not send DNS queries (or anything) off this machine.
 */
export function corefile(): string {
  return `cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
    errors
    health :8080
    ready :8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        ttl 30
    }
    cache 30
    loadbalance
}
.:53 {
    errors
    # No forward plugin and no upstream: any other name does not exist, as far as pods can tell.
    template ANY ANY {
        rcode NXDOMAIN
    }
}
`;
}

export function dnsManifests(image: string): KubernetesObject[] {
  const metadata = (name: string) => ({ name, namespace: DNS_NAMESPACE, labels: { ...DNS_APP_LABEL } });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata('coredns') },
    // What upstream's system:coredns allows: reading Services, endpoints, pods and namespaces.
    ...clusterRoleFor('storefleet:coredns', { kind: 'ServiceAccount', name: 'coredns', namespace: DNS_NAMESPACE }, [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata('coredns'),
      data: { Corefile: corefile() },
    } as KubernetesObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata('coredns'),
      spec: {
        replicas: 1,
        selector: { matchLabels: DNS_APP_LABEL },
        template: {
          metadata: { labels: DNS_APP_LABEL },
          spec: {
            serviceAccountName: 'coredns',
            priorityClassName: 'system-cluster-critical',
            // The node's resolv.conf, which is empty: CoreDNS itself resolves nothing outside the cluster.
            dnsPolicy: 'Default',
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'coredns',
                image,
                imagePullPolicy: 'Never',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                ],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '170Mi' } },
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/health', port: 8080 }, initialDelaySeconds: 30, periodSeconds: 10 },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
                },
                volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...metadata('kube-dns'), labels: { ...DNS_APP_LABEL, 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        // kubelet's clusterDNS: every pod's resolv.conf names this address.
        clusterIP: CLUSTER_DNS,
        selector: DNS_APP_LABEL,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    } as KubernetesObject,
  ];
}

/** kube-router's firewall reads pods, namespaces and policies (its informers also list Services, endpoints and nodes). */
export function kubeRouterManifests(): KubernetesObject[] {
  return clusterRoleFor('storefleet:kube-router', { kind: 'User', name: KUBE_ROUTER_USER }, [
    { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes', 'endpoints'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: read },
  ]);
}

/**
 * local-path-provisioner: upstream's permissions, for the token it runs with; its helper pods (which
 * make and remove the volumes' directories) run in its namespace as its service account, with the
 * setup and teardown scripts of upstream's ConfigMap.
 */
export function localPathManifests(): KubernetesObject[] {
  const metadata = (name: string) => ({ name, namespace: LOCAL_PATH_NAMESPACE });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LOCAL_PATH_NAMESPACE } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(LOCAL_PATH_SERVICE_ACCOUNT) },
    ...clusterRoleFor('storefleet:local-path-provisioner', { kind: 'User', name: LOCAL_PATH_USER }, [
      {
        apiGroups: [''],
        resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'],
        verbs: read,
      },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: [...read, 'create', 'patch', 'update', 'delete'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: read },
    ]),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata('storefleet:local-path-provisioner'),
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: [...read, 'create', 'patch', 'update', 'delete'] }],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata('storefleet:local-path-provisioner'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'storefleet:local-path-provisioner' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: LOCAL_PATH_USER }],
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(LOCAL_PATH_CONFIGMAP),
      data: {
        setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n',
        teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n',
      },
    } as KubernetesObject,
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: LOCAL_PATH_PROVISIONER,
      // The volume is a directory on the node the pod runs on, so the claim waits for the pod's node.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    } as KubernetesObject,
  ];
}

/** local-path-provisioner's config.json: every node's volumes under the state dir. */
export function localPathConfig(volumesDir: string): string {
  return JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [volumesDir] }] }, null, 2);
}

/** The helper pod template: our busybox image, never pulled. */
export function localPathHelperPod(busyboxImage: string): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'helper-pod' },
      spec: {
        priorityClassName: 'system-node-critical',
        tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{ name: 'helper-pod', image: busyboxImage, imagePullPolicy: 'Never' }],
      },
    },
    null,
    2,
  );
}
