// Leader election on a Lease against the run's real kube-apiserver, with real timers and short leases
// (6 s, renewed every 2 s) so that expiry and takeover happen within a test. Shorter (3 s, every second)
// was too short for the busiest minutes of a full run: a renewal answered in over a second, and the
// leader rightly stepped down.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubeConfig, uniqueName } from '../test/harness/clients.js';
import { startLeaderElection, type LeaderElection } from './leader-lease.js';

const kc = kubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const leases = kc.makeApiClient(CoordinationV1Api);
const namespace = uniqueName('leader-lease');
const leaseSeconds = 6;
const renewSeconds = 2;

interface Candidate {
  identity: string;
  election: LeaderElection;
  /** One per time it started leading: when, and the signal it was given. */
  terms: { startedAt: number; lost: AbortSignal; lostAt?: number }[];
  warnings: string[];
}

const running: LeaderElection[] = [];

function candidate(leaseName: string, identity: string, config: KubeConfig = kc): Candidate {
  const terms: Candidate['terms'] = [];
  const warnings: string[] = [];
  const election = startLeaderElection({
    kc: config,
    namespace,
    name: leaseName,
    identity,
    leaseSeconds,
    renewSeconds,
    onStartedLeading: (lost) => {
      const term: Candidate['terms'][number] = { startedAt: Date.now(), lost };
      lost.addEventListener('abort', () => (term.lostAt = Date.now()));
      terms.push(term);
    },
    log: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg) },
  });
  running.push(election);
  return { identity, election, terms, warnings };
}

async function leaseSpec(leaseName: string): Promise<NonNullable<V1Lease['spec']>> {
  return (await leases.readNamespacedLease({ namespace, name: leaseName })).spec ?? {};
}

const leaderOf = (...candidates: Candidate[]) =>
  eventually('a leader', () => candidates.find((c) => c.election.isLeader()), 10_000);

/** A TCP relay to the apiserver that can be cut, as a network partition cuts one process off. */
async function cuttableRelay(server: string): Promise<{ server: string; cut(): void }> {
  const target = new URL(server);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, target.hostname, resolve));
  const relayed = new URL(server);
  relayed.port = String((relay.address() as AddressInfo).port);
  return {
    server: relayed.origin,
    cut: () => {
      relay.close();
      sockets.forEach((socket) => socket.destroy());
    },
  };
}

/** The run's kubeconfig with the apiserver reached at another address. */
function kubeConfigVia(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: kc.clusters.map((cluster) => ({ ...cluster, server })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return config;
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((election) => election.stop()));
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('leader election on a Lease', () => {
  it('when two electors share one Lease, then exactly one leads, keeps leading and the Lease names it', async () => {
    const leaseName = uniqueName('lease');
    const a = candidate(leaseName, 'a');
    const b = candidate(leaseName, 'b');
    const leader = await leaderOf(a, b);
    const follower = leader === a ? b : a;
    const firstRenewal = new Date((await leaseSpec(leaseName)).renewTime!).getTime();

    // Longer than a lease: the leader must have renewed, and the follower must never have taken over.
    for (let sample = 0; sample < (leaseSeconds + 1) * 4; sample++) {
      expect(
        [a, b].filter((c) => c.election.isLeader()).map((c) => c.identity),
        `warnings: ${[...a.warnings, ...b.warnings].join('; ')}`,
      ).toEqual([leader.identity]);
      await sleep(250);
    }
    expect(leader.terms).toHaveLength(1);
    expect(leader.terms[0]!.lost.aborted).toBe(false);
    expect(follower.terms).toHaveLength(0);
    const spec = await leaseSpec(leaseName);
    expect(spec).toMatchObject({ holderIdentity: leader.identity, leaseDurationSeconds: leaseSeconds });
    expect(new Date(spec.renewTime!).getTime()).toBeGreaterThan(firstRenewal);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('when the leader stops gracefully, then its signal aborts and the other leads within two renew periods', async () => {
    const leaseName = uniqueName('lease');
    const a = candidate(leaseName, 'a');
    const b = candidate(leaseName, 'b');
    const leader = await leaderOf(a, b);
    const follower = leader === a ? b : a;
    const transitionsBefore = (await leaseSpec(leaseName)).leaseTransitions ?? 0;

    await leader.election.stop();
    const stoppedAt = Date.now();
    expect(leader.election.isLeader()).toBe(false);
    expect(leader.terms[0]!.lost.aborted).toBe(true);

    await eventually('the follower to lead', () => follower.election.isLeader() || undefined, 10_000);
    expect(Date.now() - stoppedAt).toBeLessThan(2 * renewSeconds * 1000);
    expect(await leaseSpec(leaseName)).toMatchObject({
      holderIdentity: follower.identity,
      leaseTransitions: transitionsBefore + 1,
    });
  });

  it('when the only leader stops, then the Lease is left with no holder', async () => {
    const leaseName = uniqueName('lease');
    const only = candidate(leaseName, 'only');
    await leaderOf(only);

    await only.election.stop();
    await only.election.stop(); // a second stop is harmless
    expect((await leaseSpec(leaseName)).holderIdentity).toBeUndefined();
    expect(only.terms.map((term) => term.lost.aborted)).toEqual([true]);
  });

  it('when the holder died without releasing the Lease, then another takes over only once the lease expired', async () => {
    const leaseName = uniqueName('lease');
    const lastRenewal = new V1MicroTime();
    const spec = { holderIdentity: 'crashed-pod', leaseDurationSeconds: leaseSeconds, renewTime: lastRenewal };
    await leases.createNamespacedLease({ namespace, body: { metadata: { name: leaseName }, spec } });

    const heir = candidate(leaseName, 'heir');
    const tookOverAt = await eventually('the heir to lead', () => heir.terms[0]?.startedAt, 20_000);
    // Not before the dead holder's claim ran out; at most one retry period (plus a request) after.
    expect(tookOverAt - lastRenewal.getTime()).toBeGreaterThanOrEqual(leaseSeconds * 1000);
    expect(tookOverAt - lastRenewal.getTime()).toBeLessThan((leaseSeconds + renewSeconds) * 1000 + 500);
    expect(await leaseSpec(leaseName)).toMatchObject({ holderIdentity: 'heir', leaseTransitions: 1 });
  });

  it('when another writer takes the Lease over, then the leader stops leading and does not take it back while it is held', async () => {
    const leaseName = uniqueName('lease');
    const leader = candidate(leaseName, 'leader');
    await leaderOf(leader);

    // A renewal a moment ago by another holder, written with the resourceVersion read (a 409 means a
    // renewal of ours came in between: read again).
    await eventually('the usurper to write the Lease', async () => {
      const current = await leases.readNamespacedLease({ namespace, name: leaseName });
      const spec = { ...current.spec, holderIdentity: 'usurper', renewTime: new V1MicroTime() };
      return leases.replaceNamespacedLease({ namespace, name: leaseName, body: { ...current, spec } });
    });
    const usurpedAt = Date.now();
    await eventually('the leader to stop leading', () => leader.terms[0]!.lostAt, 10_000);
    expect(leader.terms[0]!.lostAt! - usurpedAt).toBeLessThan(renewSeconds * 1000 + 500);
    expect(leader.election.isLeader()).toBe(false);

    // The usurper's claim (renewed before usurpedAt) still holds for this whole wait.
    await sleep(usurpedAt + (leaseSeconds - 1) * 1000 - Date.now());
    expect(leader.election.isLeader()).toBe(false);
    expect(leader.terms).toHaveLength(1);
    expect((await leaseSpec(leaseName)).holderIdentity).toBe('usurper');
  });

  it('when the leader is cut off from the apiserver, then it stops leading before the other leads, and stop() does not throw', async () => {
    const leaseName = uniqueName('lease');
    const relay = await cuttableRelay(kc.getCurrentCluster()!.server);
    const cutOff = candidate(leaseName, 'cut-off', kubeConfigVia(relay.server));
    await leaderOf(cutOff);
    const other = candidate(leaseName, 'other');

    relay.cut();
    const cutAt = Date.now();
    const otherLeadsAt = await eventually('the other to lead', () => other.terms[0]?.startedAt, 20_000);
    const lostAt = cutOff.terms[0]!.lostAt;
    expect(lostAt).toBeDefined();
    expect(lostAt!).toBeLessThan(otherLeadsAt);
    expect(lostAt! - cutAt).toBeLessThan(leaseSeconds * 1000);
    expect(cutOff.warnings).toContain('lease request failed; retrying');

    const stopping = Date.now();
    await expect(cutOff.election.stop()).resolves.toBeUndefined();
    expect(Date.now() - stopping).toBeLessThan(renewSeconds * 1000 + 500);
    expect((await leaseSpec(leaseName)).holderIdentity).toBe('other');
  });
});
