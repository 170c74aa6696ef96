// Where a real node keeps its files (all under the cluster's state dir) and the addresses it uses.
// Every network here exists only on this machine: a bridge for pods, a port-less bridge that holds
// the node's own address, and Service IPs that only kube-proxy's rules answer.
import { join } from 'node:path';

export const NODE_NAME = 'storefleet-node';
/** A port-less bridge holding NODE_IP: kubelet refuses a loopback node IP, and eth0 would expose its ports. */
export const NODE_INTERFACE = 'sf-node0';
export const NODE_IP = '10.250.0.1';
/** The CNI bridge the pods' veths join, and the name of the CNI network. */
export const CNI_BRIDGE = 'sf-cni0';
export const CNI_NETWORK = 'storefleet';
export const POD_CIDR = '10.244.0.0/24';
export const CLUSTER_CIDR = '10.244.0.0/16';
export const POD_GATEWAY = '10.244.0.1';
/** Must match the control plane's --service-cluster-ip-range. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const CLUSTER_DNS = '10.96.0.10';
/** Every pod, QoS class and container cgroup of the node lives below this, in every hierarchy. */
export const CGROUP_ROOT = '/storefleet';

export interface NodeLayout {
  dir: string;
  logDir: string;
  containerdConfig: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  runcRoot: string;
  cniConfDir: string;
  cniIpamDir: string;
  kubeletRoot: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  podLogsDir: string;
  kubeProxyConfig: string;
  kubeProxyKubeconfig: string;
  imagesDir: string;
  /** The CA kubelet trusts for client certificates, and the apiserver's client certificate. */
  pkiDir: string;
  kubeRouterKubeconfig: string;
  localPathKubeconfig: string;
  localPathConfig: string;
  localPathHelperPod: string;
  /** Where local-path-provisioner makes the volumes' directories: data, kept across restarts like etcd's. */
  volumesDir: string;
}

/** Short paths on purpose: containerd's socket path must stay under the 108-byte limit of unix sockets. */
export function nodeLayout(clusterStateDir: string): NodeLayout {
  const dir = join(clusterStateDir, 'node');
  return {
    dir,
    logDir: join(clusterStateDir, 'logs'),
    containerdConfig: join(dir, 'containerd.toml'),
    containerdRoot: join(dir, 'containerd'),
    containerdState: join(dir, 'run', 'containerd'),
    containerdSocket: join(dir, 'run', 'containerd.sock'),
    runcRoot: join(dir, 'run', 'runc'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    cniIpamDir: join(dir, 'cni', 'ipam'),
    kubeletRoot: join(dir, 'kubelet'),
    kubeletConfig: join(dir, 'kubelet.yaml'),
    kubeletKubeconfig: join(dir, 'kubelet.kubeconfig'),
    podLogsDir: join(dir, 'pod-logs'),
    kubeProxyConfig: join(dir, 'kube-proxy.yaml'),
    kubeProxyKubeconfig: join(dir, 'kube-proxy.kubeconfig'),
    imagesDir: join(dir, 'images'),
    pkiDir: join(dir, 'pki'),
    kubeRouterKubeconfig: join(dir, 'kube-router.kubeconfig'),
    localPathKubeconfig: join(dir, 'local-path.kubeconfig'),
    localPathConfig: join(dir, 'local-path', 'config.json'),
    localPathHelperPod: join(dir, 'local-path', 'helperPod.yaml'),
    volumesDir: join(clusterStateDir, 'volumes'),
  };
}
