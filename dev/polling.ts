// Waiting for the platform's parts to come up or go away: one polling loop, so each caller says only what
// it waits for, how to tell, and what to say when it did not come.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiextensionsV1Api } from '@kubernetes/client-node';

/** Calls `check` every `intervalMs` until it is true: false when `timeoutMs` passed first. A check that throws counts as false. */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return true;
    if (Date.now() >= deadline) return false;
    await sleep(options.intervalMs);
  }
}

/**
 * Calls `missing` every `intervalMs` until it names nothing missing (undefined). On timeout, throws
 * "<failure> after <N>s (<what was still missing>)", so a slow start reads differently from a stuck one;
 * a check that throws counts as missing what its error says.
 */
export async function waitUntilNothingMissing(
  failure: string,
  missing: () => Promise<string | undefined>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  let lastMissing: string | undefined;
  const done = await pollUntil(async () => {
    lastMissing = await missing().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    return lastMissing === undefined;
  }, options);
  if (!done) throw new Error(`${failure} after ${options.timeoutMs / 1000}s (${lastMissing})`);
}

/** Waits until the apiserver has Established the CRD `name`, so its resources can be served. */
export function waitForCrdEstablished(crds: ApiextensionsV1Api, name: string, timeoutMs: number): Promise<void> {
  return waitUntilNothingMissing(
    `the apiserver did not establish the CRD ${name}`,
    async () => {
      const crd = await crds.readCustomResourceDefinition({ name });
      const established = crd.status?.conditions?.find((condition) => condition.type === 'Established');
      return established?.status === 'True' ? undefined : `Established=${established?.status ?? 'not reported'}`;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
