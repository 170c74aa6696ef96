// Everything that needs the real node, in one file: its suites take the node one after another in one
// test worker (a second file would hold a worker idle while it waits for its turn), and the suite
// sequencer (test/harness/sequencer.ts) starts this file first, since it is the longest.
// The stores share one platform: the two WordPress stores and the Medusa store are created together,
// so their provisioning overlaps, and deleted together; the stores with workers of their own come after,
// on the emptier node. What kubelet's once-a-minute garbage collection removes is checked once, at the end.
// One part alone: `STOREFLEET_REAL_NODE=1 npm test -- test/real/node.test.ts -t Medusa`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/store-spec.js';
import { storeId } from '../harness/store-worker.js';
import './local-node.suite.js';
import { medusaProvisionMs, medusaStoreTests } from './medusa.suite.js';
import { realNodeEnabled, startRealPlatform, type RealPlatform } from './real-platform.js';
import { wordPressFailureTests, wordPressStoreTests } from './stores.suite.js';

describe.skipIf(!realNodeEnabled)('stores on a real node (STOREFLEET_REAL_NODE=1)', () => {
  let real: RealPlatform;
  const platform = () => real;
  const wordPress = { shop: storeId('shop'), neighbour: storeId('next') };
  const medusa = storeId('medusa');
  const created: Array<[string, Engine]> = [
    [wordPress.shop, 'woocommerce'],
    [wordPress.neighbour, 'woocommerce'],
    [medusa, 'medusa'],
  ];

  beforeAll(async () => {
    // The storefront check on, as in local mode: it reaches each store through the ingress.
    real = await startRealPlatform('stores', medusaProvisionMs, { storefrontCheck: true });
    for (const [id, engine] of created)
      expect((await real.post('/stores', { storeId: id, engine })).status, `POST of ${engine} store ${id}`).toBe(201);
  }, 40 * 60_000);

  afterAll(() => real?.stop(), 300_000);

  describe('WordPress stores', () => wordPressStoreTests(platform, wordPress));

  describe('a Medusa store', () => medusaStoreTests(platform, medusa));

  it('when the WordPress and Medusa stores are deleted, then their namespaces, volumes and volume directories are gone', async () => {
    const ids = created.map(([id]) => id);
    for (const id of ids) expect((await fetch(`${real.api.url}/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
    for (const id of ids) await real.untilPhase(id, 'Deleted', 300_000);
    await real.expectNothingLeft(ids);
  }, 600_000);

  describe('WordPress stores that fail, or are served over HTTPS', () => wordPressFailureTests(platform));

  // Last, so that kubelet's once-a-minute garbage collection has passed for the deleted stores meanwhile
  // instead of being waited for after each delete.
  it(
    'when kubelet has collected the deleted stores, then no container, sandbox or iptables rule of any of them is left',
    () => real.expectNothingLeftOnNode(),
    240_000,
  );
});
