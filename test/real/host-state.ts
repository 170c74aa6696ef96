// What a real node may leave on the host, read the same way before a start and after a stop so a
// test can say exactly what differs.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { cgroupDirs, mountPoints } from '../../dev/cluster/local-cleanup.js';
import { CNI_CACHE_DIR, listLinks, NODE_SYSCTLS, OUTSIDE_PATHS, readSysctl } from '../../dev/cluster/local-host.js';
import { FAMILIES, nodeIpsets, parseIptablesSave, removableChains } from '../../dev/cluster/local-iptables.js';
import { liveProcesses } from '../../dev/process.js';

export interface HostState {
  mountsUnderStateDir: string[];
  nodeProcesses: string[];
  /** Interfaces named like the node's (other tools' bridges and veths come and go meanwhile). */
  nodeLinks: string[];
  nodeChains: string[];
  /** kube-router's ipsets. */
  ipsets: string[];
  sysctls: Record<string, string | undefined>;
  outsidePaths: string[];
  cgroups: string[];
}

/**
 * Processes of a node: containerd, its shims, kubelet, kube-proxy, the add-ons (kube-router,
 * local-path-provisioner, CoreDNS in its container), and anything started from the state dir.
 */
export function nodeProcesses(stateDir: string): string[] {
  const nodeCommand =
    /(^|\/)(containerd|containerd-shim-runc-v2|kubelet|kube-proxy|kube-router|local-path-provisioner|coredns)$/;
  return liveProcesses().flatMap(({ pid, cmdline }) => {
    const isNode = nodeCommand.test(cmdline.split(' ')[0] ?? '') || cmdline.includes(stateDir);
    return isNode && pid !== process.pid ? [`${pid} ${cmdline}`] : [];
  });
}

export async function readHostState(stateDir: string): Promise<HostState> {
  const nodeChains: string[] = [];
  for (const family of FAMILIES) {
    const saved = await execa(`${family}-save`, [], { reject: false });
    for (const table of parseIptablesSave(saved.stdout)) {
      nodeChains.push(...removableChains(table, new Set()).map((chain) => `${family} ${table.table}:${chain}`));
    }
  }
  return {
    mountsUnderStateDir: mountPoints().filter((mountPoint) => mountPoint.startsWith(stateDir)),
    nodeProcesses: nodeProcesses(stateDir),
    nodeLinks: listLinks().filter((name) => name.startsWith('sf-')),
    nodeChains,
    ipsets: await nodeIpsets(),
    sysctls: Object.fromEntries(NODE_SYSCTLS.map((key) => [key, readSysctl(key)])),
    outsidePaths: [...OUTSIDE_PATHS, CNI_CACHE_DIR].filter((path) => existsSync(path)),
    cgroups: cgroupDirs(),
  };
}
