import { describe, expect, it } from 'vitest';
import { ConfigError, loadPlatformConfig } from './config.js';

describe('loadPlatformConfig', () => {
  it('when nothing is set, then it uses the documented defaults', () => {
    const config = loadPlatformConfig({ HOME: '/home/op' });
    expect(config.ports.temporal).toBe(7233);
    expect(config.ports.temporalUi).toBe(8233);
    expect(config.cluster).toEqual({ mode: 'simulated', nodes: 3 });
    expect(config.cacheDir).toMatch(/storefleet$/);
    expect(config.stateDir).toMatch(/\.storefleet$/);
  });

  const cases: Array<{
    when: string;
    env: Record<string, string>;
    then: (c: ReturnType<typeof loadPlatformConfig>) => void;
  }> = [
    {
      when: 'a port env var is set',
      env: { STOREFLEET_TEMPORAL_UI_PORT: '9000' },
      then: (c) => expect(c.ports.temporalUi).toBe(9000),
    },
    {
      when: 'the cache dir is set',
      env: { STOREFLEET_CACHE_DIR: '/tmp/c' },
      then: (c) => expect(c.cacheDir).toBe('/tmp/c'),
    },
    {
      when: 'XDG_CACHE_HOME is set',
      env: { XDG_CACHE_HOME: '/x' },
      then: (c) => expect(c.cacheDir).toBe('/x/storefleet'),
    },
    {
      when: 'kubeconfig mode is chosen with KUBECONFIG',
      env: { STOREFLEET_CLUSTER: 'kubeconfig', KUBECONFIG: '/k/config' },
      then: (c) => expect(c.cluster).toEqual({ mode: 'kubeconfig', kubeconfigPath: '/k/config' }),
    },
    {
      when: 'local mode is chosen',
      env: { STOREFLEET_CLUSTER: 'local' },
      then: (c) => {
        expect(c.cluster).toEqual({ mode: 'local' });
        expect(c.stateDir).toMatch(/\.storefleet\/local$/);
        expect(c.ports.ingress).toBe(80);
      },
    },
    {
      when: 'local mode is given a state dir',
      env: { STOREFLEET_CLUSTER: 'local', STOREFLEET_STATE_DIR: '/s' },
      then: (c) => expect(c.stateDir).toBe('/s'),
    },
    {
      when: 'the ingress port is set',
      env: { STOREFLEET_INGRESS_PORT: '8000' },
      then: (c) => expect(c.ports.ingress).toBe(8000),
    },
    {
      when: 'more nodes are asked for',
      env: { STOREFLEET_SIMULATED_NODES: '5' },
      then: (c) => expect(c.cluster).toEqual({ mode: 'simulated', nodes: 5 }),
    },
  ];
  for (const { when, env, then } of cases) {
    it(`when ${when}, then the config follows it`, () => then(loadPlatformConfig(env)));
  }

  const invalid: Array<{ when: string; env: Record<string, string>; message: RegExp }> = [
    { when: 'a port is not a number', env: { STOREFLEET_TEMPORAL_PORT: 'abc' }, message: /STOREFLEET_TEMPORAL_PORT/ },
    { when: 'a port is out of range', env: { STOREFLEET_KUBE_API_PORT: '70000' }, message: /STOREFLEET_KUBE_API_PORT/ },
    { when: 'the cluster mode is unknown', env: { STOREFLEET_CLUSTER: 'minikube' }, message: /STOREFLEET_CLUSTER/ },
    {
      when: 'kubeconfig mode has no KUBECONFIG',
      env: { STOREFLEET_CLUSTER: 'kubeconfig' },
      message: /needs KUBECONFIG/,
    },
  ];
  for (const { when, env, message } of invalid) {
    it(`when ${when}, then it refuses with a message naming the setting`, () => {
      expect(() => loadPlatformConfig(env)).toThrow(ConfigError);
      expect(() => loadPlatformConfig(env)).toThrow(message);
    });
  }
});
