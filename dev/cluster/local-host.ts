// The host settings and places a real node touches, recorded before it starts so a stop (or the next
// start, after a killed run) can put everything back: sysctls, directories outside the state dir,
// network namespaces, interfaces and iptables chains.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FAMILIES, nodeChains, nodeIpsets } from './local-iptables.js';

/**
 * Sysctls the node changes: ours (forwarding, bridge netfilter), kubelet's kernel tunables (it sets
 * them without asking), and what kube-proxy or the CNI plugins may set. Restored after a stop.
 */
export const NODE_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv6.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv4.conf.all.route_localnet',
  'net.ipv6.conf.default.addr_gen_mode',
  'kernel.panic',
  'kernel.panic_on_oops',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.netfilter.nf_conntrack_tcp_be_liberal',
  'net.netfilter.nf_conntrack_udp_timeout',
  'net.netfilter.nf_conntrack_udp_timeout_stream',
];

/**
 * Places outside the state dir that kubelet or containerd write to whatever their settings, and that
 * nothing else on the machine uses: removed after a stop when they were not there before it.
 */
export const OUTSIDE_PATHS = [
  '/var/lib/kubelet',
  '/var/log/containers',
  '/var/log/pods',
  '/run/containerd',
  '/opt/containerd',
];

/**
 * Shared with other CNI users (buildah, podman): go-cni keeps each pod's result here. Only the node's
 * own entries go, and the directories once empty, if the node made them.
 */
export const CNI_CACHE_DIR = '/var/lib/cni';

export interface HostRecord {
  sysctls: Record<string, string>;
  /** OUTSIDE_PATHS (and CNI_CACHE_DIR) that existed before: those are never removed, only what the node put in them. */
  existingPaths: string[];
  links: string[];
  /** `table:chain` of node-like chains that were there before, per family. */
  chains: Record<string, string[]>;
  /** Node-like ipsets that were there before (absent in records of runs without kube-router). */
  ipsets?: string[];
}

export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

export function readSysctl(key: string): string | undefined {
  try {
    return readFileSync(sysctlPath(key), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function writeSysctl(key: string, value: string): void {
  writeFileSync(sysctlPath(key), `${value}\n`);
}

export function listLinks(): string[] {
  return readdirSync('/sys/class/net');
}

export async function recordHost(): Promise<HostRecord> {
  const sysctls: Record<string, string> = {};
  for (const key of NODE_SYSCTLS) {
    const value = readSysctl(key);
    if (value !== undefined) sysctls[key] = value;
  }
  const chains: Record<string, string[]> = {};
  for (const family of FAMILIES) chains[family] = await nodeChains(family);
  return {
    sysctls,
    existingPaths: [...OUTSIDE_PATHS, CNI_CACHE_DIR].filter((path) => existsSync(path)),
    links: listLinks(),
    chains,
    ipsets: await nodeIpsets(),
  };
}

/**
 * One record per machine, not per state dir: there is one bridge, one cgroup root and one set of host
 * settings, so any start must find what an earlier node (of any state dir) left, and refuse to run
 * beside a live one.
 */
export const HOST_RECORD_FILE = '/run/storefleet-local-node.json';

export interface HostRecordFile {
  /** The process that runs the node; when it is gone, the record means leftovers. */
  owner: { pid: number; cmdline: string };
  stateDir: string;
  record: HostRecord;
}

export function saveHostRecord(stateDir: string, record: HostRecord, file = HOST_RECORD_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  const owner = { pid: process.pid, cmdline: readCmdline(process.pid) };
  writeFileSync(file, JSON.stringify({ owner, stateDir, record } satisfies HostRecordFile, null, 2));
}

export function loadHostRecord(file = HOST_RECORD_FILE): HostRecordFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HostRecordFile;
  } catch {
    return undefined;
  }
}

/** The record's owner still runs (the same command: pids get reused). */
export function ownerIsRunning(saved: HostRecordFile): boolean {
  return (
    saved.owner.pid !== process.pid &&
    readCmdline(saved.owner.pid) === saved.owner.cmdline &&
    saved.owner.cmdline !== ''
  );
}

export function forgetHostRecord(file = HOST_RECORD_FILE): void {
  rmSync(file, { force: true });
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

const FORWARDING = ['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.ipv6.conf.all.forwarding'];

/**
 * Writes back every recorded sysctl that differs now; returns `key: now -> before` of each. Forwarding
 * stays on while other tools' containers (buildah's, podman's) may be using it, and says so.
 */
export function restoreSysctls(record: HostRecord, options: { keepForwarding?: boolean } = {}): string[] {
  const restored: string[] = [];
  for (const [key, before] of Object.entries(record.sysctls)) {
    const now = readSysctl(key);
    if (now === undefined || now === before) continue;
    if (options.keepForwarding && FORWARDING.includes(key)) {
      restored.push(`${key}: left at ${now} (was ${before}): other containers on this machine may be using it`);
      continue;
    }
    writeSysctl(key, before);
    restored.push(`${key}: ${now.replace(/\s+/g, ' ')} -> ${before.replace(/\s+/g, ' ')}`);
  }
  return restored;
}
