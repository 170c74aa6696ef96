import { describe, expect, it } from 'vitest';
import {
  assertMachineCanRunLocalNode,
  describeMachineProblems,
  findMachineProblems,
  LocalMachineError,
  realMachine,
  type MachineProbe,
} from './local-checks.js';

const cgroupsV1 = `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t1\t1
cpu\t1\t1\t1
cpuacct\t2\t1\t1
memory\t4\t51\t1
pids\t8\t1\t1
`;

/** A machine that has everything, minus what a test takes away. */
function machine(
  overrides: { uid?: number; absent?: string[]; readOnly?: string[]; texts?: Record<string, string> } = {},
): MachineProbe {
  const absent = new Set(overrides.absent ?? []);
  const texts: Record<string, string> = {
    '/proc/cgroups': cgroupsV1,
    '/proc/filesystems': 'nodev\tcgroup\nnodev\toverlay\n',
    ...overrides.texts,
  };
  return {
    uid: overrides.uid ?? 0,
    exists: (path) => !absent.has(path) && path !== '/sys/fs/cgroup/cgroup.controllers',
    writable: (path) => !(overrides.readOnly ?? []).includes(path),
    readText: (path) => texts[path],
    commandDirs: ['/usr/sbin', '/usr/bin'],
  };
}

/** A command in none of the searched dirs. */
const nowhere = (command: string) => [`/usr/sbin/${command}`, `/usr/bin/${command}`];

describe('local machine checks', () => {
  it('when the machine has everything, then there is no problem', () => {
    expect(findMachineProblems(machine())).toEqual([]);
    expect(() => assertMachineCanRunLocalNode(machine())).not.toThrow();
  });

  it('when Debian packages are missing, then one message names each file and one apt-get command installs them all', () => {
    const probe = machine({
      absent: [
        ...nowhere('containerd'),
        ...nowhere('ctr'),
        ...nowhere('runc'),
        '/usr/lib/cni/bridge',
        '/usr/lib/cni/portmap',
      ],
    });
    const message = describeMachineProblems(findMachineProblems(probe));
    expect(message).toContain('  - containerd not found');
    expect(message).toContain('  - runc not found');
    expect(message).toContain('  - /usr/lib/cni/bridge not found');
    // Each package once, in the order first needed.
    expect(message).toContain(
      'apt-get update && apt-get install -y --no-install-recommends containerd runc containernetworking-plugins\n',
    );
  });

  it('when a command is in any of the searched dirs, then it counts as found', () => {
    const probe = machine({ absent: ['/usr/sbin/iptables'] });
    expect(findMachineProblems(probe)).toEqual([]);
  });

  it('when not root, then the message says so and offers no package for it', () => {
    const message = describeMachineProblems(findMachineProblems(machine({ uid: 1000 })));
    expect(message).toMatch(/not running as root/);
    expect(message).not.toContain('apt-get');
  });

  it('when kernel features are missing, then the message names them and the modprobe that loads them', () => {
    const probe = machine({
      absent: ['/proc/sys/net/bridge/bridge-nf-call-iptables'],
      texts: { '/proc/filesystems': 'nodev\tcgroup\n' },
      readOnly: ['/proc/sys/net/ipv4/ip_forward'],
    });
    const message = describeMachineProblems(findMachineProblems(probe));
    expect(message).toMatch(/br_netfilter is not loaded/);
    expect(message).toMatch(/overlay filesystem is not available/);
    expect(message).toMatch(/ip_forward is not writable/);
    expect(message).toContain('  modprobe overlay\n  modprobe br_netfilter');
  });

  it('when no cgroup hierarchy is mounted, then that is the cgroup problem', () => {
    const problems = findMachineProblems(machine({ absent: ['/sys/fs/cgroup/memory'] }));
    expect(problems.map((p) => p.what)).toEqual([
      'no cgroup hierarchy is mounted at /sys/fs/cgroup (neither v2 nor the v1 memory controller)',
    ]);
  });

  it('when a cgroup controller is disabled, then it is named', () => {
    const problems = findMachineProblems(
      machine({ texts: { '/proc/cgroups': cgroupsV1.replace('pids\t8\t1\t1', 'pids\t0\t1\t0') } }),
    );
    expect(problems.map((p) => p.what)).toEqual(['cgroup controllers not enabled: pids']);
  });

  it('when anything is missing, then the error says the simulated cluster still works', () => {
    expect(() => assertMachineCanRunLocalNode(machine({ uid: 1000 }))).toThrow(LocalMachineError);
    expect(() => assertMachineCanRunLocalNode(machine({ uid: 1000 }))).toThrow(
      /simulated cluster .* needs none of this/,
    );
  });

  it('when probing the real machine, then the root and command facts come from this process', () => {
    const probe = realMachine();
    expect(probe.uid).toBe(process.getuid?.());
    expect(probe.commandDirs).toContain('/usr/sbin');
    expect(probe.readText('/proc/filesystems')).toBeTruthy();
  });
});
