// What local mode (a real single node) needs on top of the control plane: kubelet and kube-proxy (and kubectl),
// cluster DNS, a NetworkPolicy enforcer and a dynamic volume provisioner. A set of its own, built only
// when asked for (`npm run toolchain -- --local`), so the default toolchain and CI stay as they are.
import { components, KUBE_VERSION, kubeLdflags, modulesDir, type Component } from './components.js';

const buildCommand = 'npm run toolchain -- --local';

/**
 * kubectl: for looking inside a real store (logs, exec, port-forward), and the tests drive Store objects
 * with it; nothing else on these machines has it. Built from the node's module, where its requirements
 * are pinned beside kubelet's.
 */
export const kubectlComponent: Component = {
  name: 'kubectl',
  version: KUBE_VERSION,
  binaries: ['kubectl'],
  versionArgs: ['version', '--client'],
  versionText: `Client Version: ${KUBE_VERSION}`,
  build: {
    kind: 'module',
    dir: `${modulesDir}kube-node`,
    packages: ['k8s.io/kubernetes/cmd/kubectl'],
    ldflags: kubeLdflags,
  },
  lowPriority: true,
  buildCommand,
  coldBuildMinutes: 5,
};

export const localComponents: Component[] = [
  {
    // Its own helper module and cache dir: kubelet needs requirements the control plane's module does not
    // have, and adding them there would change the pins (and the cached build) of kube-apiserver & co.
    name: 'kube-node',
    version: KUBE_VERSION,
    binaries: ['kubelet', 'kube-proxy'],
    versionArgs: ['--version'],
    versionText: `Kubernetes ${KUBE_VERSION}`,
    build: {
      kind: 'module',
      dir: `${modulesDir}kube-node`,
      packages: ['kubelet', 'kube-proxy'].map((c) => `k8s.io/kubernetes/cmd/${c}`),
      ldflags: kubeLdflags,
    },
    lowPriority: true,
    buildCommand,
    coldBuildMinutes: 12,
  },
  kubectlComponent,
  {
    name: 'coredns',
    version: 'v1.14.7',
    binaries: ['coredns'],
    versionArgs: ['-version'],
    versionText: 'CoreDNS-1.14.7',
    build: { kind: 'install', packages: ['github.com/coredns/coredns@v1.14.7'] },
    lowPriority: true,
    buildCommand,
    coldBuildMinutes: 3,
  },
  {
    name: 'kube-router',
    version: 'v2.1.0',
    binaries: ['kube-router'],
    versionArgs: ['--version'],
    versionText: 'version v2.1.0',
    build: {
      kind: 'install',
      packages: ['github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v2.1.0'],
      ldflags: '-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=v2.1.0',
    },
    lowPriority: true,
    buildCommand,
    coldBuildMinutes: 3,
  },
  {
    name: 'local-path-provisioner',
    version: 'v0.0.30',
    binaries: ['local-path-provisioner'],
    versionArgs: ['--version'],
    versionText: 'version v0.0.30',
    build: {
      kind: 'install',
      packages: ['github.com/rancher/local-path-provisioner@v0.0.30'],
      ldflags: '-X main.VERSION=v0.0.30',
    },
    lowPriority: true,
    buildCommand,
    coldBuildMinutes: 2,
  },
];

/** What a real node runs: the control plane's binaries (kube, etcd) and the whole local set. */
export const localNodeComponents: Component[] = [
  ...components.filter((c) => ['kube', 'etcd'].includes(c.name)),
  ...localComponents,
];
