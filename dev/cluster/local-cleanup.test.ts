import { describe, expect, it } from 'vitest';
import { nodeCniCacheEntries, summarizeRemoved } from './local-cleanup.js';

describe('cleanup summary', () => {
  it('when a cleanup removed things of several kinds, then one line counts each kind', () => {
    const removed = [
      'process 11',
      'process 12',
      'mount /s/node/kubelet',
      'interface sf-cni0',
      'iptables nat:KUBE-SERVICES',
      'ip6tables nat:KUBE-SERVICES',
      '/var/lib/kubelet',
      'sysctl kernel.panic: 10 -> 1',
    ];
    expect(summarizeRemoved(removed)).toBe(
      '2 processes, 1 mount, 1 interface, 1 iptables chain, 1 ip6tables chain, 1 directory outside the state dir, 1 sysctl',
    );
  });
});

describe("the node's entries in the CNI cache", () => {
  it.each([
    [
      'a killed pod left its network and its loopback entry',
      ['storefleet-abc123-eth0', 'cni-loopback-abc123-lo'],
      ['storefleet-abc123-eth0', 'cni-loopback-abc123-lo'],
    ],
    [
      "another runtime's loopback entry, of a sandbox not on our network",
      ['storefleet-abc123-eth0', 'cni-loopback-ffff-lo'],
      ['storefleet-abc123-eth0'],
    ],
    ["another tool's network", ['podman-xyz-eth0', 'cni-loopback-xyz-lo'], []],
    ['nothing cached', [], []],
  ])("when %s, then exactly the node's entries are chosen", (_case, entries, expected) => {
    expect(nodeCniCacheEntries(entries)).toEqual(expected);
  });
});
