import { describe, expect, it } from 'vitest';
import { nodeLayout } from './local-layout.js';
import { cniConflist, containerdConfig, kubeletConfig, kubeProxyConfig } from './local-node-config.js';

const layout = nodeLayout('/tmp/storefleet-x/cluster');
const ports = { kubelet: 10250, kubeletHealthz: 10248, kubeProxyHealthz: 10256, kubeProxyMetrics: 10249 };

describe('real node config files', () => {
  it('when containerd is configured, then it keeps to the state dir, restricts oom_score_adj and uses the local pause image', () => {
    const config = containerdConfig(layout, 'localhost/storefleet/pause:abc');
    expect(config).toContain('restrict_oom_score_adj = true');
    expect(config).toContain('sandbox_image = "localhost/storefleet/pause:abc"');
    expect(config).toContain('SystemdCgroup = false');
    expect(config).toContain('netns_mounts_under_state_dir = true');
    expect(config).toContain('bin_dir = "/usr/lib/cni"');
    for (const line of config.split('\n').filter((l) => /^\s*(root|state|address|conf_dir|Root) = /.test(l))) {
      expect(line, line).toContain('/tmp/storefleet-x/cluster/node/');
    }
  });

  it('when the pod network is configured, then it is one bridge without masquerading', () => {
    const conflist = JSON.parse(cniConflist(layout)) as { plugins: Array<Record<string, unknown>> };
    expect(conflist.plugins[0]).toMatchObject({
      type: 'bridge',
      bridge: 'sf-cni0',
      ipMasq: false,
      ipam: { dataDir: layout.cniIpamDir },
    });
  });

  it('when kubelet is configured, then it runs on cgroup v1 with cgroupfs, off swap checks, and never hands pods the host resolvers', () => {
    const config = kubeletConfig(layout, ports);
    for (const setting of [
      'cgroupDriver: cgroupfs',
      'failCgroupV1: false',
      'failSwapOn: false',
      'resolvConf: ""',
      'readOnlyPort: 0',
      'cgroupRoot: /storefleet',
    ]) {
      expect(config).toContain(setting);
    }
    expect(config).toContain(`podLogsDir: ${layout.podLogsDir}`);
  });

  it('when kube-proxy is configured, then it leaves conntrack and route_localnet alone', () => {
    const config = kubeProxyConfig(layout, ports, 'storefleet-node');
    expect(config).toContain('mode: iptables');
    expect(config).toContain('conntrack: {maxPerCore: 0, min: 0,');
    expect(config).toContain('iptables: {localhostNodePorts: false}');
    expect(config).toContain('healthzBindAddress: 127.0.0.1:10256');
  });
});
