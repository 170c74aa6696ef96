// Readies the host for a real node, after recording how it was (local-host.ts) and cleaning up what a
// killed run left behind (local-cleanup.ts): forwarding and bridge netfilter on, no IPv6 addresses
// generated for new interfaces, the node's address on an interface of its own, its cgroup root in every
// hierarchy, and the guard that keeps traffic local.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cgroupDirs, cleanUpHost } from './local-cleanup.js';
import {
  forgetHostRecord,
  loadHostRecord,
  ownerIsRunning,
  recordHost,
  saveHostRecord,
  readSysctl,
  writeSysctl,
  type HostRecord,
} from './local-host.js';
import { installGuard } from './local-iptables.js';
import { CGROUP_ROOT, NODE_INTERFACE, NODE_IP, nodeLayout, type NodeLayout } from './local-layout.js';

const IPV6_ADDRESS_GENERATION = 'net.ipv6.conf.default.addr_gen_mode';
/** The kernel's "none": no link-local (or any other) address is generated for a new interface. */
const ADDRESS_GENERATION_NONE = '1';

export interface PreparedHost {
  record: HostRecord;
  /** What an earlier run left behind and this start removed. */
  leftovers: string[];
}

/**
 * Puts the host back as it was before an earlier run that was killed before its stop finished (its
 * record still says how the host was); returns what it removed, nothing when no such run left a record.
 * Refuses while the node of that record is still running.
 */
export async function cleanUpKilledRun(): Promise<string[]> {
  const earlier = loadHostRecord();
  if (!earlier) return [];
  if (ownerIsRunning(earlier)) {
    throw new Error(
      `a local node of ${earlier.stateDir} is running on this machine (pid ${earlier.owner.pid}); ` +
        'there can be one at a time (one bridge, one cgroup root): stop it first.',
    );
  }
  const leftovers = await cleanUpHost(nodeLayout(earlier.stateDir), earlier.record);
  forgetHostRecord();
  return leftovers;
}

export async function prepareHost(layout: NodeLayout, stateDir: string): Promise<PreparedHost> {
  const leftovers = await cleanUpKilledRun();
  const record = await recordHost();
  saveHostRecord(stateDir, record);

  try {
    writeSysctl('net.ipv4.ip_forward', '1');
    writeSysctl('net.bridge.bridge-nf-call-iptables', '1');
    writeSysctl('net.bridge.bridge-nf-call-ip6tables', '1');
    // Interfaces made from now on (each pod's host end, the bridges) get no IPv6 link-local address: every
    // new address on the host is a network change to a browser there, and Chromium fails the requests it
    // has queued (ERR_NETWORK_CHANGED), so a dashboard open during provisioning would lose them.
    if (readSysctl(IPV6_ADDRESS_GENERATION) !== undefined)
      writeSysctl(IPV6_ADDRESS_GENERATION, ADDRESS_GENERATION_NONE);
    await addNodeInterface();
    createCgroupRoot();
    await installGuard();
  } catch (error) {
    await restoreHost(layout, record);
    throw error;
  }
  return { record, leftovers };
}

/** Undoes prepareHost and everything the node did since; returns what it removed or restored. */
export async function restoreHost(layout: NodeLayout, record: HostRecord): Promise<string[]> {
  const removed = await cleanUpHost(layout, record);
  forgetHostRecord();
  return removed;
}

async function addNodeInterface(): Promise<void> {
  // A bridge with no ports: this kernel has no dummy interfaces, and a bridge holds a local address as well.
  for (const args of [
    ['link', 'add', NODE_INTERFACE, 'type', 'bridge'],
    ['addr', 'add', `${NODE_IP}/32`, 'dev', NODE_INTERFACE],
    ['link', 'set', NODE_INTERFACE, 'up'],
  ]) {
    const result = await execa('ip', args, { reject: false, all: true });
    if (result.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.all}`);
  }
}

/** kubelet needs its cgroup root to exist in every hierarchy; cpuset ones also need cpus and mems to hold tasks. */
function createCgroupRoot(): void {
  const hierarchies = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : v1Hierarchies();
  for (const hierarchy of hierarchies) {
    const dir = join(hierarchy, CGROUP_ROOT);
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const path = join(dir, file);
      if (existsSync(path) && !readFileSync(path, 'utf8').trim())
        writeFileSync(path, readFileSync(join(dirname(dir), file), 'utf8'));
    }
  }
  if (!cgroupDirs().length) throw new Error(`could not create the cgroup ${CGROUP_ROOT}`);
}

/** Mounted v1 hierarchies, from /proc/self/mountinfo (the dirs under /sys/fs/cgroup include symlinks). */
function v1Hierarchies(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(' - cgroup '))
    .map((line) => line.split(' ')[4] ?? '')
    .filter(Boolean);
}
