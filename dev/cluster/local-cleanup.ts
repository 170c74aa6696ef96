// Puts the host back as a real node found it, after a stop or after a run that was killed: stray
// container processes and shims, mounts, network namespaces, interfaces, iptables chains, cgroups,
// directories outside the state dir, sysctls. Safe to run twice; returns what it removed.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CNI_CACHE_DIR, listLinks, OUTSIDE_PATHS, restoreSysctls, type HostRecord } from './local-host.js';
import { FAMILIES, removeNodeChains, removeNodeIpsets } from './local-iptables.js';
import { CGROUP_ROOT, CNI_BRIDGE, CNI_NETWORK, NODE_INTERFACE, type NodeLayout } from './local-layout.js';
import { pollUntil } from '../polling.js';
import { isAlive } from '../process.js';

export async function cleanUpHost(layout: NodeLayout, record: HostRecord): Promise<string[]> {
  const removed: string[] = [];
  removed.push(...(await killStrayProcesses(layout)));
  // Pod network namespaces are under the state dir too (containerd's netns_mounts_under_state_dir).
  removed.push(...(await unmountUnder([layout.dir, ...newOutsidePaths(record)])));
  for (const link of nodeLinks().filter((name) => !record.links.includes(name))) {
    await execa('ip', ['link', 'delete', link], { reject: false });
    removed.push(`interface ${link}`);
  }
  for (const family of FAMILIES)
    removed.push(...(await removeNodeChains(family, new Set(record.chains[family] ?? []))));
  removed.push(...(await removeNodeIpsets(new Set(record.ipsets ?? []))));
  removed.push(...removeCgroups());
  for (const path of newOutsidePaths(record)) {
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  removed.push(...removeCniCache(record));
  // Pre-existing /var/log/containers keeps its own entries; the node's links into its state dir go.
  removed.push(...removeLinksInto('/var/log/containers', layout.dir));
  removed.push(
    ...restoreSysctls(record, { keepForwarding: otherContainersNeedForwarding() }).map((change) => `sysctl ${change}`),
  );
  return removed;
}

function newOutsidePaths(record: HostRecord): string[] {
  return OUTSIDE_PATHS.filter((path) => !record.existingPaths.includes(path) && existsSync(path));
}

/** Our two bridges, and host ends of pod veths still on the pod bridge (they usually go with their namespace). */
function nodeLinks(): string[] {
  return listLinks().filter(
    (name) => name === CNI_BRIDGE || name === NODE_INTERFACE || linkMaster(name) === CNI_BRIDGE,
  );
}

function linkMaster(name: string): string | undefined {
  try {
    return readlinkSync(`/sys/class/net/${name}/master`).split('/').pop();
  } catch {
    return undefined;
  }
}

/** Veths of other container tools (buildah, podman) still up: their containers need forwarding on. */
function otherContainersNeedForwarding(): boolean {
  return listLinks().some((name) => existsSync(`/sys/class/net/${name}/master`) && name.startsWith('veth'));
}

/**
 * go-cni's cached results of the node's pods: one per network a sandbox joined, "<network>-<sandbox
 * id>-<ifname>", ours ("storefleet-<id>-eth0") and containerd's loopback ("cni-loopback-<id>-lo").
 * A graceful stop's CNI DEL removes both; after a kill both stay, and only ours name the node: the
 * loopback entries that go are those of the same sandboxes.
 */
export function nodeCniCacheEntries(entries: string[]): string[] {
  const ours = entries.filter((entry) => entry.startsWith(`${CNI_NETWORK}-`));
  const sandboxes = new Set(ours.map((entry) => entry.slice(CNI_NETWORK.length + 1).replace(/-[^-]+$/, '')));
  const loopback = entries.filter((entry) => {
    const sandbox = /^cni-loopback-(.+)-lo$/.exec(entry)?.[1];
    return sandbox !== undefined && sandboxes.has(sandbox);
  });
  return [...ours, ...loopback];
}

function removeCniCache(record: HostRecord): string[] {
  const results = join(CNI_CACHE_DIR, 'results');
  const removed: string[] = [];
  if (existsSync(results)) {
    for (const name of nodeCniCacheEntries(readdirSync(results))) {
      rmSync(join(results, name), { force: true });
      removed.push(`cni cache ${name}`);
    }
  }
  if (!record.existingPaths.includes(CNI_CACHE_DIR)) {
    for (const dir of [results, CNI_CACHE_DIR]) {
      try {
        rmdirSync(dir);
        removed.push(dir);
      } catch {
        // not there, or another CNI user keeps something in it
      }
    }
  }
  return removed;
}

/** "7 processes, 12 mounts, 2 interfaces, ...": the gist of a cleanup, for one progress line. */
export function summarizeRemoved(removed: string[]): string {
  const counts = new Map<string, number>();
  for (const entry of removed) {
    const kind = entry.startsWith('/') ? 'directory' : (entry.split(' ')[0] ?? '');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const names: Record<string, [string, string]> = {
    process: ['process', 'processes'],
    directory: ['directory outside the state dir', 'directories outside the state dir'],
    iptables: ['iptables chain', 'iptables chains'],
    ip6tables: ['ip6tables chain', 'ip6tables chains'],
    ipset: ['ipset', 'ipsets'],
  };
  return [...counts]
    .map(([kind, count]) => {
      const [one, many] = names[kind] ?? [kind, `${kind}s`];
      return `${count} ${count === 1 ? one : many}`;
    })
    .join(', ');
}

export const NODE_DAEMON =
  /(^|\/)(containerd|containerd-shim-runc-v2|kubelet|kube-proxy|kube-router|local-path-provisioner)$/;

/**
 * The node's processes a stop did not end (or a killed run left): containerd, kubelet, kube-proxy, the
 * add-ons kube-router and local-path-provisioner, and the shims, which all name a path of the node dir
 * in their arguments, and its containers (its cgroups).
 */
async function killStrayProcesses(layout: NodeLayout): Promise<string[]> {
  const containerPids = cgroupDirs().flatMap((dir) => readPids(join(dir, 'cgroup.procs')));
  const daemonPids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      const args = readText(`/proc/${pid}/cmdline`).split('\0');
      return NODE_DAEMON.test(args[0] ?? '') && args.some((arg) => arg.includes(`${layout.dir}/`));
    })
    .map(Number);
  const pids = [...new Set([...daemonPids, ...containerPids])].filter((pid) => pid !== process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await pollUntil(() => !pids.some(isAlive), { timeoutMs: 10_000, intervalMs: 100 });
  return pids.map((pid) => `process ${pid}`);
}

/** Unmounts every mount at or below the given paths, deepest first (lazily if it is busy). */
async function unmountUnder(roots: string[]): Promise<string[]> {
  const under = (mountPoint: string) => roots.some((root) => mountPoint === root || mountPoint.startsWith(`${root}/`));
  const unmounted: string[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const mounts = mountPoints()
      .filter(under)
      .sort((a, b) => b.length - a.length);
    if (!mounts.length) break;
    for (const mountPoint of mounts) {
      const result = await execa('umount', [mountPoint], { reject: false });
      if (result.exitCode !== 0) await execa('umount', ['-l', mountPoint], { reject: false });
      unmounted.push(`mount ${mountPoint}`);
    }
  }
  return [...new Set(unmounted)];
}

export function mountPoints(): string[] {
  // mountinfo's fifth field is the mount point, with spaces and the like escaped as octal.
  return readText('/proc/self/mountinfo')
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    );
}

/** CGROUP_ROOT in every mounted hierarchy (v1: one per controller; v2: the one). */
export function cgroupDirs(): string[] {
  const roots = existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? ['/sys/fs/cgroup']
    : readdirSync('/sys/fs/cgroup')
        .map((name) => join('/sys/fs/cgroup', name))
        .filter((dir) => isRealDir(dir));
  return roots
    .map((root) => join(root, CGROUP_ROOT))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => [dir, ...subdirs(dir)]);
}

/** Removes the node's cgroups, deepest first; a cgroup can only go once it holds no process. */
function removeCgroups(): string[] {
  const dirs = cgroupDirs().sort((a, b) => b.length - a.length);
  const removed: string[] = [];
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
      removed.push(`cgroup ${dir}`);
    } catch {
      // still busy or already gone; the check after a stop reports what is left
    }
  }
  return removed.filter((entry) => entry.endsWith(CGROUP_ROOT)).map((entry) => `${entry} (and below)`);
}

function removeLinksInto(dir: string, target: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (readlinkSync(path).startsWith(target)) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    } catch {
      // not a link
    }
  }
  return removed;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [join(dir, entry.name), ...subdirs(join(dir, entry.name))]);
}

function isRealDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readPids(file: string): number[] {
  return readText(file).split('\n').filter(Boolean).map(Number);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
