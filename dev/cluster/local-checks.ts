// Before local mode starts anything: can this machine run a real node at all? Everything missing is
// named in one message, with the apt-get command that installs it, instead of a process failing
// half-way through start-up with an error from deep inside containerd or kubelet.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the checks may ask of the machine; the real one reads /proc and /sys, tests pass their own. */
export interface MachineProbe {
  uid: number;
  exists(path: string): boolean;
  writable(path: string): boolean;
  readText(path: string): string | undefined;
  /** Directories searched for commands (PATH plus the sbin dirs, which a user's PATH may lack). */
  commandDirs: string[];
}

export interface MachineProblem {
  what: string;
  /** The Debian package that fixes it, if one does. */
  aptPackage?: string;
  /** A command that fixes it otherwise (a kernel module to load). */
  fix?: string;
}

/** Debian's containernetworking-plugins puts the plugins here (not /opt/cni/bin). */
export const CNI_PLUGIN_DIR = '/usr/lib/cni';

/** Command, or absolute path, and the Debian package that provides it. */
const requiredFiles: Array<[string, string]> = [
  ['containerd', 'containerd'],
  ['containerd-shim-runc-v2', 'containerd'],
  ['ctr', 'containerd'],
  ['runc', 'runc'],
  ...['bridge', 'host-local', 'loopback', 'portmap'].map((plugin): [string, string] => [
    join(CNI_PLUGIN_DIR, plugin),
    'containernetworking-plugins',
  ]),
  ['iptables', 'iptables'],
  ['ip6tables', 'iptables'],
  ['iptables-save', 'iptables'],
  ['iptables-restore', 'iptables'],
  ['conntrack', 'conntrack'],
  // kube-router's NetworkPolicy firewall keeps each policy's pods in ipsets.
  ['ipset', 'ipset'],
  ['ip', 'iproute2'],
  ['buildah', 'buildah'],
  ['debootstrap', 'debootstrap'],
  // The pause image is a static C program built on the machine.
  ['gcc', 'gcc'],
  // The small image for tests and debugging.
  ['/bin/busybox', 'busybox-static'],
  // The certificates between the apiserver and kubelet.
  ['openssl', 'openssl'],
  // Local mode's ingress proxy (dev/ingress).
  ['nginx', 'nginx-light'],
];

/** kubelet's cgroup manager needs these controllers (cgroup v1 or v2). */
const requiredCgroupControllers = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids'];

export function findMachineProblems(probe: MachineProbe): MachineProblem[] {
  const problems: MachineProblem[] = [];
  if (probe.uid !== 0) {
    problems.push({
      what: 'not running as root: containerd, kubelet and kube-proxy need root (mounts, network namespaces, iptables)',
    });
  }
  for (const [file, aptPackage] of requiredFiles) {
    const found = file.startsWith('/')
      ? probe.exists(file)
      : probe.commandDirs.some((dir) => probe.exists(join(dir, file)));
    if (!found) problems.push({ what: `${file} not found`, aptPackage });
  }
  problems.push(...cgroupProblems(probe));
  if (
    !probe
      .readText('/proc/filesystems')
      ?.split('\n')
      .some((line) => line.trim().endsWith('overlay'))
  ) {
    problems.push({
      what: 'the overlay filesystem is not available (containerd stores image layers with it)',
      fix: 'modprobe overlay',
    });
  }
  if (!probe.exists('/proc/sys/net/bridge/bridge-nf-call-iptables')) {
    problems.push({
      what: 'br_netfilter is not loaded (Service traffic between pods on the bridge must pass iptables)',
      fix: 'modprobe br_netfilter',
    });
  }
  if (!probe.writable('/proc/sys/net/ipv4/ip_forward')) {
    problems.push({
      what: '/proc/sys/net/ipv4/ip_forward is not writable (pods need IP forwarding; is /proc/sys read-only in this container?)',
    });
  }
  return problems;
}

function cgroupProblems(probe: MachineProbe): MachineProblem[] {
  const v2 = probe.exists('/sys/fs/cgroup/cgroup.controllers');
  if (!v2 && !probe.exists('/sys/fs/cgroup/memory')) {
    return [{ what: 'no cgroup hierarchy is mounted at /sys/fs/cgroup (neither v2 nor the v1 memory controller)' }];
  }
  // /proc/cgroups: "subsys_name hierarchy num_cgroups enabled", for v1 and v2 alike.
  const enabled = new Set(
    (probe.readText('/proc/cgroups') ?? '')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '1')
      .map((fields) => fields[0]),
  );
  const missing = requiredCgroupControllers.filter((controller) => !enabled.has(controller));
  return missing.length ? [{ what: `cgroup controllers not enabled: ${missing.join(', ')}` }] : [];
}

/** One message naming everything missing, how to install it, and that simulated mode still works. */
export function describeMachineProblems(problems: MachineProblem[]): string {
  const lines = [
    'STOREFLEET_CLUSTER=local cannot run a real node on this machine:',
    ...problems.map((p) => `  - ${p.what}`),
  ];
  const packages = [...new Set(problems.flatMap((p) => (p.aptPackage ? [p.aptPackage] : [])))];
  if (packages.length) {
    lines.push(
      'Install the missing packages with:',
      `  apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
  const fixes = [...new Set(problems.flatMap((p) => (p.fix ? [p.fix] : [])))];
  if (fixes.length) lines.push('Load the missing kernel features with:', ...fixes.map((fix) => `  ${fix}`));
  lines.push('The simulated cluster (the default, STOREFLEET_CLUSTER=simulated) needs none of this.');
  return lines.join('\n');
}

export class LocalMachineError extends Error {}

/** Throws one LocalMachineError naming everything this machine lacks for local mode. */
export function assertMachineCanRunLocalNode(probe: MachineProbe = realMachine()): void {
  const problems = findMachineProblems(probe);
  if (problems.length) throw new LocalMachineError(describeMachineProblems(problems));
}

export function realMachine(): MachineProbe {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return {
    uid: process.getuid?.() ?? -1,
    exists: existsSync,
    writable: (path) => {
      try {
        accessSync(path, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    readText: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    commandDirs: [
      ...new Set([...pathDirs, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']),
    ],
  };
}
