import { describe, expect, it } from 'vitest';
import { maxEvents } from '../core/status.js';
import {
  failOpenConditions,
  initialStatus,
  readyMessage,
  recordCommerce,
  recordEvent,
  setCondition,
} from './store-status.js';

const spec = { storeId: 'demo', engine: 'woocommerce', plan: 'small', owner: 'team-a' } as const;

describe('store status', () => {
  it('when a store starts, then it is Provisioning with every condition Unknown', () => {
    const status = initialStatus(spec, 't0');
    expect(status.phase).toBe('Provisioning');
    expect(status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'NamespaceReady=Unknown',
      'GuardrailsApplied=Unknown',
      'ReleaseDeployed=Unknown',
      'StoreReady=Unknown',
      'CommerceReady=Unknown',
      'StorefrontReachable=Unknown',
    ]);
  });

  it('when more events than the cap are recorded, then only the newest are kept', () => {
    const status = initialStatus(spec, 't0');
    for (let i = 0; i < maxEvents + 5; i++)
      recordEvent(status, { type: 'Normal', reason: 'R', message: `m${i}` }, `t${i}`);
    expect(status.events).toHaveLength(maxEvents);
    expect(status.events[0]?.message).toBe('m5');
  });

  it('when a condition keeps its status, then its transition time stays; when it changes, the time moves', () => {
    const status = initialStatus(spec, 't0');
    setCondition(status, 'StoreReady', 'True', 'StoreReady', 'a', 't1');
    setCondition(status, 'StoreReady', 'True', 'StoreReady', 'b', 't2');
    expect(status.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
      message: 'b',
      lastTransitionTime: 't1',
    });
    setCondition(status, 'StoreReady', 'False', 'Deleted', 'c', 't3');
    expect(status.conditions.find((c) => c.type === 'StoreReady')?.lastTransitionTime).toBe('t3');
  });

  it('when provisioning fails, then only the conditions not yet True become False with the reason', () => {
    const status = initialStatus(spec, 't0');
    setCondition(status, 'NamespaceReady', 'True', 'NamespaceCreated', '', 't1');
    failOpenConditions(status, 'QuotaExceeded', 'too big', 't2');
    expect(status.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'NamespaceReady=True/NamespaceCreated',
      'GuardrailsApplied=False/QuotaExceeded',
      'ReleaseDeployed=False/QuotaExceeded',
      'StoreReady=False/QuotaExceeded',
      'CommerceReady=False/QuotaExceeded',
      'StorefrontReachable=False/QuotaExceeded',
    ]);
  });

  it('when the setup skipped WooCommerce, then CommerceReady is False with the reason, a Warning says so once, and the ready message says it is no shop', () => {
    const status = { ...initialStatus(spec, 't0'), url: 'http://demo.localhost' };
    const skipped = {
      status: 'False',
      reason: 'PluginUnavailable',
      message:
        'setup Job s skipped WooCommerce, so the store is a WordPress site without a shop: never contacts wordpress.org',
    } as const;
    recordCommerce(status, skipped, 't1');
    recordCommerce(status, skipped, 't2');
    expect(status.conditions.find((c) => c.type === 'CommerceReady')).toMatchObject({
      status: 'False',
      reason: 'PluginUnavailable',
      lastTransitionTime: 't1',
    });
    expect(status.events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Warning/PluginUnavailable']);
    expect(readyMessage(status)).toBe(
      `the site is ready at http://demo.localhost, but it is not a shop (PluginUnavailable): ${skipped.message}`,
    );
    expect(readyMessage(status)).not.toMatch(/store is ready/);
  });

  it('when WooCommerce is active, or nothing was reported (a worker from before), then no Warning and the store is ready', () => {
    const status = { ...initialStatus(spec, 't0'), url: 'http://demo.localhost' };
    recordCommerce(
      status,
      { status: 'True', reason: 'CommerceReady', message: 'WooCommerce is installed and active' },
      't1',
    );
    expect(readyMessage(status)).toBe('store is ready at http://demo.localhost');
    recordCommerce(status, undefined, 't2');
    expect(status.conditions.find((c) => c.type === 'CommerceReady')).toMatchObject({
      status: 'Unknown',
      reason: 'SetupOutcomeUnknown',
    });
    expect(status.events).toEqual([]);
  });
});
