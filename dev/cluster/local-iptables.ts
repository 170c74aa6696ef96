// iptables for a real node: a guard of ours that keeps pod and Service traffic on this machine, and
// the removal of every chain the node's pieces made (kubelet, kube-proxy and kube-router's KUBE-*, our
// STOREFLEET-*, the CNI plugins' CNI-* of our pods) together with the rules that jump to them, and of
// kube-router's ipsets once no rule refers to them.
import { execa } from 'execa';
import { CLUSTER_CIDR, CNI_BRIDGE, SERVICE_CIDR } from './local-layout.js';

export type IptablesFamily = 'iptables' | 'ip6tables';
export const FAMILIES: IptablesFamily[] = ['iptables', 'ip6tables'];

/** Chains whose names say a Kubernetes node, its CNI plugins or storefleet made them. */
export const NODE_CHAIN = /^(KUBE-|CNI-|STOREFLEET-)/;

/** Every address of CLUSTER_CIDR (a /16) starts so. */
const POD_NETWORK_PREFIX = `${CLUSTER_CIDR.split('.').slice(0, 2).join('.')}.`;

/**
 * Whether a chain is the node's to remove. CNI-* chains are shared with other CNI users on the machine
 * (buildah and podman make CNI-FORWARD, CNI-HOSTPORT-*): only those empty or naming the pod network are.
 */
export function isNodeChain(chain: string, rulesOfChain: string[]): boolean {
  if (/^(KUBE-|STOREFLEET-)/.test(chain)) return true;
  return (
    chain.startsWith('CNI-') &&
    (rulesOfChain.length === 0 || rulesOfChain.some((rule) => rule.includes(POD_NETWORK_PREFIX)))
  );
}

function rulesOf(table: SavedTable, chain: string): string[] {
  return table.rules.filter((rule) => rule.startsWith(`${chain} `));
}

/** The node's chains of a table that are not in `keep`. */
export function removableChains(table: SavedTable, keep: Set<string>): string[] {
  return table.chains.filter(
    (chain) => !keep.has(`${table.table}:${chain}`) && isNodeChain(chain, rulesOf(table, chain)),
  );
}

export interface SavedTable {
  table: string;
  chains: string[];
  /** Rules as iptables-save prints them, without the leading `-A `. */
  rules: string[];
}

/** Parses iptables-save output into tables, their chains and rules. */
export function parseIptablesSave(text: string): SavedTable[] {
  const tables: SavedTable[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) tables.push({ table: line.slice(1).trim(), chains: [], rules: [] });
    const current = tables.at(-1);
    if (!current) continue;
    if (line.startsWith(':')) current.chains.push(line.slice(1).split(' ')[0] ?? '');
    if (line.startsWith('-A ')) current.rules.push(line.slice(3));
  }
  return tables;
}

/** `table:chain` of every node chain now present, so a cleanup can leave the ones that were there before. */
export async function nodeChains(family: IptablesFamily): Promise<string[]> {
  return parseIptablesSave(await iptablesSave(family)).flatMap(({ table, chains }) =>
    chains.filter((chain) => NODE_CHAIN.test(chain)).map((chain) => `${table}:${chain}`),
  );
}

/**
 * iptables-restore input that deletes the node's chains not in `keep`: first the rules elsewhere that
 * jump to one, then their rules, then the chains themselves.
 */
export function chainRemovalScript(tables: SavedTable[], keep: Set<string>): string {
  const lines: string[] = [];
  for (const table of tables) {
    const removed = new Set(removableChains(table, keep));
    if (!removed.size) continue;
    const jumps = table.rules.filter((rule) => {
      const [chain] = rule.split(' ');
      const target = /(?:^| )-[jg] (\S+)/.exec(rule)?.[1];
      return !removed.has(chain ?? '') && target !== undefined && removed.has(target);
    });
    lines.push(
      `*${table.table}`,
      ...jumps.map((rule) => `-D ${rule}`),
      ...[...removed].map((c) => `-F ${c}`),
      ...[...removed].map((c) => `-X ${c}`),
      'COMMIT',
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * Removes the node's chains not in `keep`; returns `family table:chain` of each removed one. Twice: a
 * shared CNI chain whose only rules jumped to the node's own is empty, and so the node's, after one pass.
 */
export async function removeNodeChains(family: IptablesFamily, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const tables = parseIptablesSave(await iptablesSave(family));
    const script = chainRemovalScript(tables, keep);
    if (!script) break;
    const result = await execa(`${family}-restore`, ['--noflush'], { input: script, reject: false, all: true });
    if (result.exitCode !== 0)
      throw new Error(`${family}-restore failed removing node chains: ${result.all}\n${script}`);
    removed.push(
      ...tables.flatMap((table) => removableChains(table, keep).map((chain) => `${family} ${table.table}:${chain}`)),
    );
  }
  return removed;
}

/**
 * Keeps pod and Service traffic on this machine. The bridge does no masquerading, but a pod's packet to
 * an outside address would still be routed out, as would the host's to a Service IP kube-proxy did not
 * translate. In mangle POSTROUTING the out interface is the final one (after kube-proxy's DNAT) and the
 * source still the pod's (before any masquerade): anything of the pod or Service networks that is not
 * leaving through the pod bridge is dropped.
 */
export function guardScript(): string {
  return `*mangle
:STOREFLEET-EGRESS - [0:0]
-A STOREFLEET-EGRESS -d ${SERVICE_CIDR} -j DROP
-A STOREFLEET-EGRESS -d ${CLUSTER_CIDR} ! -o ${CNI_BRIDGE} -j DROP
-A STOREFLEET-EGRESS -s ${CLUSTER_CIDR} ! -o ${CNI_BRIDGE} -j DROP
-I POSTROUTING 1 -j STOREFLEET-EGRESS
COMMIT
`;
}

export async function installGuard(): Promise<void> {
  const result = await execa('iptables-restore', ['--noflush'], { input: guardScript(), reject: false, all: true });
  if (result.exitCode !== 0)
    throw new Error(`iptables-restore failed installing the storefleet guard chain: ${result.all}`);
}

/** kube-router's firewall keeps the pods of each policy in ipsets: KUBE-SRC-*, KUBE-DST-* (inet6: for IPv6). */
export const NODE_IPSET = /^(inet6:)?KUBE-/;

/** Names of the node-like ipsets now present (none when ipset is not installed). */
export async function nodeIpsets(): Promise<string[]> {
  const result = await execa('ipset', ['list', '-n'], { reject: false });
  return result.exitCode === 0 ? result.stdout.split('\n').filter((name) => NODE_IPSET.test(name)) : [];
}

/** Destroys the node's ipsets not in `keep` (after its chains are gone: a set in use cannot go); returns `ipset <name>` of each. */
export async function removeNodeIpsets(keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const name of (await nodeIpsets()).filter((set) => !keep.has(set))) {
    const result = await execa('ipset', ['destroy', name], { reject: false, all: true });
    if (result.exitCode !== 0) throw new Error(`ipset destroy ${name} failed: ${result.all}`);
    removed.push(`ipset ${name}`);
  }
  return removed;
}

async function iptablesSave(family: IptablesFamily): Promise<string> {
  const result = await execa(`${family}-save`, [], { reject: false });
  return result.exitCode === 0 ? result.stdout : '';
}
