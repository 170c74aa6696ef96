// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it (client-node 1.4 has no helper):
// one process holds the Lease and renews it; the others take it over once it has not been renewed for
// its duration. Every write carries the resourceVersion it read, so of two racing writers one gets 409.
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { beforeSend, statusOf } from '../activities/kube-objects.js';

export interface LeaseOptions {
  kc: KubeConfig;
  /** Where the Lease lives. */
  namespace: string;
  /** The Lease's name. */
  name: string;
  /** This process (e.g. hostname-pid): the Lease's holderIdentity while it leads. */
  identity: string;
  /** How long a holder's claim lasts without renewal (default 15). */
  leaseSeconds?: number;
  /** How often the holder renews and a follower retries (default 5); less than leaseSeconds. */
  renewSeconds?: number;
  /** Called on becoming leader; `lost` aborts when leadership is lost or stop() is called. */
  onStartedLeading: (lost: AbortSignal) => void | Promise<void>;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface LeaderElection {
  /** Stops trying, aborts `lost` and, when leading, releases the Lease so another takes over at once. Never throws. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

/**
 * Expiry is judged by renewTime against this process's clock, so the processes' clocks must agree to
 * well within one renew period.
 */
export function startLeaderElection(options: LeaseOptions): LeaderElection {
  const { kc, namespace, name, identity, onStartedLeading, log } = options;
  const leaseSeconds = options.leaseSeconds ?? 15;
  const renewSeconds = options.renewSeconds ?? 5;
  if (!(renewSeconds > 0 && renewSeconds < leaseSeconds)) {
    throw new Error(`renewSeconds (${renewSeconds}) must be above 0 and below leaseSeconds (${leaseSeconds})`);
  }
  const leases = kc.makeApiClient(CoordinationV1Api);
  // One deadline for the whole tick, shorter than each call's own (activities/kube-config.ts): a hung
  // request must not stall the loop or stop() past one renew period.
  const withTimeout = () => {
    const signal = AbortSignal.timeout(renewSeconds * 1000);
    return beforeSend((context) => context.setSignal(signal));
  };
  const lease = `${namespace}/${name}`;

  let leadership: AbortController | undefined; // set while this process may act as leader
  let leadershipDeadline: NodeJS.Timeout | undefined;
  let ours: V1Lease | undefined; // the Lease as we last wrote it: stop() releases this version
  let stopped = false;
  let nextTick: NodeJS.Timeout | undefined;
  let tickDone: Promise<void> = Promise.resolve();

  function stopLeading(reason: string): void {
    clearTimeout(leadershipDeadline);
    if (!leadership) return;
    log?.info({ lease, identity, reason }, 'stopped leading');
    leadership.abort(new Error(`leadership of ${lease} lost: ${reason}`));
    leadership = undefined;
  }

  function wrote(written: V1Lease, renewTime: Date): void {
    ours = written;
    // Others may take over at renewTime + leaseSeconds (renewTime was taken before the request went out);
    // stepping down one renew period earlier keeps timer lag and a little clock skew from making two leaders.
    clearTimeout(leadershipDeadline);
    const stepDownInMs = renewTime.getTime() + (leaseSeconds - renewSeconds) * 1000 - Date.now();
    if (stepDownInMs <= 0) {
      stopLeading('renewal came back too late');
      return;
    }
    leadershipDeadline = setTimeout(() => stopLeading('not renewed in time'), stepDownInMs);
    if (leadership || stopped) return;
    leadership = new AbortController();
    const lost = leadership.signal;
    log?.info({ lease, identity }, 'started leading');
    void (async () => {
      try {
        await onStartedLeading(lost);
      } catch (error) {
        log?.warn({ err: error, lease, identity }, 'onStartedLeading failed');
      }
    })();
  }

  function heldByAnother(spec: V1Lease['spec'], now: Date): boolean {
    if (!spec?.holderIdentity || spec.holderIdentity === identity || !spec.renewTime) return false;
    // client-node 1.4 does not parse MicroTime fields: renewTime arrives as the apiserver's string.
    const expiresAt = new Date(spec.renewTime).getTime() + (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
    return expiresAt > now.getTime();
  }

  async function acquireOrRenew(): Promise<void> {
    // V1MicroTime, not Date: the apiserver accepts only six fractional digits, Date#toISOString has three.
    const now = new V1MicroTime();
    const requestOptions = withTimeout(); // one deadline for the whole tick
    const current = await leases.readNamespacedLease({ namespace, name }, requestOptions).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    const claim = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, renewTime: now };
    if (!current) {
      const body = { metadata: { name, namespace }, spec: { ...claim, acquireTime: now, leaseTransitions: 0 } };
      wrote(await leases.createNamespacedLease({ namespace, body }, requestOptions), now);
      return;
    }
    const spec = current.spec ?? {};
    if (heldByAnother(spec, now)) {
      ours = undefined;
      stopLeading(`held by ${spec.holderIdentity}`);
      return;
    }
    const taking = spec.holderIdentity !== identity;
    const transition = taking ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {};
    const body = { ...current, spec: { ...spec, ...claim, ...transition } };
    wrote(await leases.replaceNamespacedLease({ namespace, name, body }, requestOptions), now);
  }

  async function tick(): Promise<void> {
    try {
      await acquireOrRenew();
    } catch (error) {
      if (statusOf(error) === 409) {
        // Someone else wrote the Lease since we read it: whatever we had, they now hold it.
        ours = undefined;
        stopLeading('lost a write race');
      } else {
        // Transient: retry next tick; the leadership deadline steps us down if renewals keep failing.
        log?.warn({ err: error, lease, identity }, 'lease request failed; retrying');
      }
    }
  }

  // A cleared (not unref'd) timer: a standby process waiting for its turn must stay alive.
  function scheduleTick(delayMs: number): void {
    nextTick = setTimeout(() => {
      tickDone = tick().finally(() => {
        if (!stopped) scheduleTick(renewSeconds * 1000);
      });
    }, delayMs);
  }
  scheduleTick(0);

  return {
    isLeader: () => leadership !== undefined,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(nextTick);
      await tickDone;
      stopLeading('stopped');
      if (!ours) return;
      const spec = { ...ours.spec, holderIdentity: undefined, renewTime: new V1MicroTime() };
      try {
        await leases.replaceNamespacedLease({ namespace, name, body: { ...ours, spec } }, withTimeout());
        log?.info({ lease, identity }, 'released lease');
      } catch (error) {
        // 409: another holder wrote it since, so it is not ours to release. Otherwise it expires on its own.
        if (statusOf(error) !== 409) log?.warn({ err: error, lease, identity }, 'could not release lease');
      }
      ours = undefined;
    },
  };
}
