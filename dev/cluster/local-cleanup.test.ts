import { describe, expect, it } from 'vitest';
import { summarizeRemoved } from './local-cleanup.js';

describe('cleanup summary', () => {
  it('when a cleanup removed things of several kinds, then one line counts each kind', () => {
    const removed = ['process 11', 'process 12', 'mount /s/node/kubelet', 'interface sf-cni0', 'iptables nat:KUBE-SERVICES', 'ip6tables nat:KUBE-SERVICES', '/var/lib/kubelet', 'sysctl kernel.panic: 10 -> 1'];
    expect(summarizeRemoved(removed)).toBe(
      '2 processes, 1 mount, 1 interface, 1 iptables chain, 1 ip6tables chain, 1 directory outside the state dir, 1 sysctl',
    );
  });
});
