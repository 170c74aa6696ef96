// The config files of a real node's containerd, CNI, kubelet and kube-proxy. Each setting that differs
// from the defaults says why; most keep the node's files under its state dir and its hands off the host.
import { CNI_PLUGIN_DIR } from './local-checks.js';
import {
  CGROUP_ROOT,
  CLUSTER_CIDR,
  CLUSTER_DNS,
  CNI_BRIDGE,
  CNI_NETWORK,
  NODE_IP,
  POD_CIDR,
  POD_GATEWAY,
  type NodeLayout,
} from './local-layout.js';

export interface NodePorts {
  kubelet: number;
  kubeletHealthz: number;
  kubeProxyHealthz: number;
  kubeProxyMetrics: number;
}

export function containerdConfig(layout: NodeLayout, sandboxImage: string): string {
  return `version = 2
root = "${layout.containerdRoot}"
state = "${layout.containerdState}"
# opt writes /opt/containerd; the other snapshotters are unused noise here.
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "${layout.containerdSocket}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${sandboxImage}"
  # Required here: the VM withholds CAP_SYS_RESOURCE, and without this every sandbox fails in runc.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # Pod network namespaces under the state dir instead of /var/run/netns.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_PLUGIN_DIR}"
    conf_dir = "${layout.cniConfDir}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${layout.runcRoot}"
`;
}

/** One bridge for the node's pods; no masquerading, since nothing a pod sends may leave the machine. */
export function cniConflist(layout: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: CNI_NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: CNI_BRIDGE,
          isGateway: true,
          ipMasq: false,
          // A pod reaching itself through its own Service comes back over the same veth.
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_CIDR, gateway: POD_GATEWAY }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: layout.cniIpamDir,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletConfig(layout: NodeLayout, ports: NodePorts): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
port: ${ports.kubelet}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${ports.kubeletHealthz}
containerRuntimeEndpoint: unix://${layout.containerdSocket}
# Debian's containerd and this host's cgroup v1: cgroupfs, and v1 allowed (1.35 refuses it by default).
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
cgroupRoot: ${CGROUP_ROOT}
podLogsDir: ${layout.podLogsDir}
clusterDomain: cluster.local
clusterDNS: [${CLUSTER_DNS}]
# Pods never get the host's resolvers: they would send DNS queries off the machine.
resolvConf: ""
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${layout.pkiDir}/ca.crt}
authorization: {mode: Webhook}
serializeImagePulls: false
# A dev node on a shared disk: evict only when it is really full.
evictionHard: {nodefs.available: "2%", imagefs.available: "2%", memory.available: "100Mi"}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
`;
}

export function kubeProxyConfig(layout: NodeLayout, ports: NodePorts, nodeName: string): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: ${nodeName}
clientConnection: {kubeconfig: ${layout.kubeProxyKubeconfig}}
bindAddress: ${NODE_IP}
healthzBindAddress: 127.0.0.1:${ports.kubeProxyHealthz}
metricsBindAddress: 127.0.0.1:${ports.kubeProxyMetrics}
clusterCIDR: ${CLUSTER_CIDR}
nodePortAddresses: [${NODE_IP}/32]
# 0: leave the host's conntrack settings alone (kube-proxy would otherwise raise them, system-wide).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s}
# true would set net.ipv4.conf.all.route_localnet for the whole host.
iptables: {localhostNodePorts: false}
`;
}

/** A kubeconfig whose user is a static token of the apiserver's token file. */
export function tokenKubeconfig(server: string, caData: string, user: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: storefleet
  cluster: {server: "${server}", certificate-authority-data: ${caData}}
users:
- name: ${user}
  user: {token: ${token}}
contexts:
- name: storefleet
  context: {cluster: storefleet, user: ${user}}
current-context: storefleet
`;
}
