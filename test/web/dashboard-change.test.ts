// The dashboard's plan change / chart upgrade of one store and its fleet upgrades, in a real Chromium
// against the real API and a real worker whose charts directory has a second woocommerce version
// (test/harness/chart-catalog.ts). The stores belong to one owner of their own (an API key), so the
// fleet upgrades here reach no other test's stores. STOREFLEET_SCREENSHOTS=1 refreshes
// docs/screenshots/store-change.png and fleet-upgrade.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartCatalog, type ChartCatalog } from '../harness/chart-catalog.js';
import { eventually, GiveUp, uniqueName } from '../harness/clients.js';
import { storeId } from '../harness/store-worker.js';
import { activeId, detailIn, provisionMs, screenshot, text, useDashboard } from './dashboard-page.js';

const owner = uniqueName('web-change');
const key = `key-${owner}-0123456789`;
let catalog: ChartCatalog;
const dashboard = useDashboard({
  worker: async () => ({ chartsDir: (catalog = await chartCatalog()).dir, maxProvisionSeconds: 120 }),
  auth: { keys: new Map([[key, owner]]), adminKeys: new Set() },
});
// One store for the change, two for the fleet upgrade, two for the cancelled one: provisioned at once.
const stores = {
  change: storeId('chg'),
  fleet: [storeId('fup-a'), storeId('fup-b')],
  cancel: [storeId('fcx-a'), storeId('fcx-b')],
};

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${dashboard.api.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A fresh browser context at `path` with the owner's key saved through the key form, as a user does. */
async function open(path = '/'): Promise<Page> {
  const page = await dashboard.open(path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Save key' }).click();
  await page.locator('#key-state', { hasText: 'key saved' }).waitFor();
  return page;
}

beforeAll(async () => {
  const ids = [stores.change, ...stores.fleet, ...stores.cancel];
  for (const id of ids)
    expect((await call('POST', '/stores', { storeId: id, engine: 'woocommerce', plan: 'small' })).status).toBe(201);
  await Promise.all(
    ids.map((id) =>
      eventually(
        `store ${id} Ready`,
        async () => {
          const { body } = await call('GET', `/stores/${id}`);
          if (body.phase === 'Failed') throw new GiveUp(`store ${id} failed: ${String(body.lastError)}`);
          return body.phase === 'Ready' ? body : undefined;
        },
        provisionMs,
      ),
    ),
  );
}, 240_000);

afterAll(() => catalog?.remove());

/** Fills the fleet upgrade form; the store ids go into "Only these stores". */
async function fillUpgradeForm(page: Page, ids: string[], pauseSeconds: number): Promise<void> {
  await page.getByLabel('Chart', { exact: true }).selectOption('woocommerce');
  await page.getByLabel('To version').fill(catalog.next);
  await page.getByLabel('Wave size').fill('1');
  await page.getByLabel('Max failures').fill('0');
  await page.getByLabel('Pause between waves (s)').fill(String(pauseSeconds));
  await page.getByLabel('Only owner').fill(owner);
  await page.getByLabel('Only plan').selectOption('small');
  await page.getByLabel('Only these stores').fill(ids.join(', '));
}

/**
 * Asks for the dry run of what the change form holds and waits for the plan's banner. An error the
 * form shows instead fails the test with its text, not with a bare timeout.
 */
async function dryRunBanner(page: Page, banner: string): Promise<void> {
  await page.locator('#change-form').getByRole('button', { name: 'Check first (dry run)' }).click();
  const error = page.locator('#change-error[role="alert"]:visible');
  await page.locator('#change-result .banner', { hasText: banner }).or(error).first().waitFor();
  expect((await error.count()) ? await error.textContent() : 'no error').toBe('no error');
}

const upgradeIn = (page: Page, state: string, timeout = 30_000) =>
  page.locator(`#upgrade-detail[data-state="${state}"]`).waitFor({ timeout });
const visible = (page: Page, name: string) =>
  page.locator('#upgrade-detail').getByRole('button', { name, exact: true }).isVisible();

describe('dashboard: changing a store', () => {
  it("when a Ready store's chart version is changed from the detail panel, then the dry run lists the objects, Apply shows phase Upgrading then Ready with the new chart version and last change Upgraded", async () => {
    const id = stores.change;
    const page = await open(`/#/stores/${id}`);
    await detailIn(page, id, 'Ready');
    expect(await text(page, '#detail .facts')).toMatch(
      new RegExp(`Chart version\\s*${catalog.shipped.replaceAll('.', '\\.')}\\s*Release revision\\s*1`),
    );
    expect(await page.locator('#detail-last-change .last-change').count()).toBe(0);

    const form = page.locator('#change-form');
    const chart = page.getByLabel('New chart version');
    expect(await page.getByLabel('New plan').inputValue()).toBe('small');
    expect(await chart.getAttribute('placeholder')).toBe(catalog.shipped);

    // A version the worker does not have: the dry run lists the problem, Apply shows the API's refusal.
    await chart.fill('7.0.0');
    await form.getByRole('button', { name: 'Check first (dry run)' }).click();
    await page.locator('#change-result .problems li', { hasText: 'no woocommerce chart 7.0.0' }).waitFor();
    await form.getByRole('button', { name: 'Apply change' }).click();
    const alert = page.locator('#change-error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/409 change_refused.*no woocommerce chart 7\.0\.0/);

    // The next version: the dry run fits and lists what the chart adds (its migration Job).
    await chart.fill(catalog.next);
    await dryRunBanner(page, 'Fits');
    const plan = page.locator('#change-result');
    expect(await plan.textContent()).toContain(
      `from plan small, chart ${catalog.shipped} to plan small, chart ${catalog.next}`,
    );
    expect(await plan.textContent()).toMatch(/chart: .*Job \S+-migrate-0-2-0/);
    expect(await plan.locator('tr[data-resource="pods"]').textContent()).toMatch(/\d+ of 20/);
    expect(await page.locator('#detail').getAttribute('data-phase')).toBe('Ready');

    // Apply: every phase the detail shows is recorded, so a short Upgrading is not missed.
    await page.evaluate(`(() => {
      const detail = document.getElementById('detail');
      window.seenPhases = [];
      new MutationObserver(() => window.seenPhases.push(detail.dataset.phase)).observe(detail, { attributes: true, attributeFilter: ['data-phase'] });
    })()`);
    await form.getByRole('button', { name: 'Apply change' }).click();
    await page.locator('#action-result', { hasText: 'change accepted' }).waitFor();
    // Polled from here: page.waitForFunction evaluates its text inside the page, which the dashboard's CSP forbids.
    await expect.poll(() => page.evaluate('window.seenPhases.includes("Upgrading")')).toBe(true);
    await expect
      .poll(() => page.evaluate('window.seenPhases.indexOf("Ready", window.seenPhases.indexOf("Upgrading")) > 0'), {
        timeout: provisionMs,
      })
      .toBe(true);
    expect(await page.evaluate('window.seenPhases')).not.toContain('Failed');

    const lastChange = page.locator('#detail-last-change .last-change[data-result="Upgraded"]');
    await lastChange.waitFor({ timeout: 15_000 });
    expect(await lastChange.textContent()).toContain(
      `from plan small, chart ${catalog.shipped} to plan small, chart ${catalog.next}; release revision 2`,
    );
    expect(await lastChange.textContent()).toContain(`owner ${owner}`);
    expect(await text(page, '#detail .facts')).toMatch(
      new RegExp(`Chart version\\s*${catalog.next.replaceAll('.', '\\.')}\\s*Release revision\\s*2`),
    );
    await page.locator('#detail .timeline li', { hasText: 'Upgraded' }).first().waitFor();

    // Ready again, the form is back for the next change, starting from the new release.
    await form.waitFor();
    expect(await chart.getAttribute('placeholder')).toBe(catalog.next);
    expect(await chart.inputValue()).toBe('');
    await page.getByLabel('New plan').selectOption('medium');
    await dryRunBanner(page, `to plan medium, chart ${catalog.next}`);
    await screenshot(page, 'store-change', '#detail');
  });
});

describe('dashboard: fleet upgrades', () => {
  it("when a fleet upgrade is started from the form over two small stores of a unique owner, then its waves and results show and it ends Completed with each store's chart version; the buttons follow its state", async () => {
    const page = await open('/');
    await fillUpgradeForm(page, stores.fleet, 8);
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    await page
      .locator('#announcer', { hasText: `fleet upgrade of woocommerce to chart ${catalog.next} started` })
      .waitFor();

    // Running: Pause and Cancel; Paused: Resume and Cancel. Pause acts before the next wave (8 s away).
    await upgradeIn(page, 'Running');
    const id = ((await text(page, '#upgrade-heading')).match(/^Upgrade ([0-9a-f]{8})$/) ?? [])[1];
    expect(id).toBeDefined();
    await page.locator(`#upgrade-list li.current[data-upgrade="${id}"]`).waitFor();
    expect([
      await visible(page, 'Pause'),
      await visible(page, 'Resume'),
      await visible(page, 'Cancel upgrade'),
    ]).toEqual([true, false, true]);
    expect(await text(page, '#upgrade-summary')).toContain(
      `owner ${owner}; plan small; storeIds ${stores.fleet.join(', ')}`,
    );
    await page.locator('#upgrade-detail').getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('#upgrade-action-result', { hasText: 'pause requested' }).waitFor();
    await upgradeIn(page, 'Paused');
    expect([
      await visible(page, 'Pause'),
      await visible(page, 'Resume'),
      await visible(page, 'Cancel upgrade'),
    ]).toEqual([false, true, true]);
    await page.locator('#upgrade-detail').getByRole('button', { name: 'Resume', exact: true }).click();
    await page.locator('#upgrade-action-result', { hasText: 'resume requested' }).waitFor();

    await upgradeIn(page, 'Completed', 180_000);
    expect([
      await visible(page, 'Pause'),
      await visible(page, 'Resume'),
      await visible(page, 'Cancel upgrade'),
    ]).toEqual([false, false, false]);
    // The "resume requested" banner went with the end, and keyboard focus with it to the heading.
    expect(await page.locator('#upgrade-action-result').isVisible()).toBe(false);
    expect(await activeId(page)).toBe('upgrade-heading');
    const waves = page.locator('#upgrade-waves .wave');
    expect(await waves.count()).toBe(2);
    expect(await page.locator('#upgrade-waves .wave[data-state="Done"]').count()).toBe(2);
    for (const store of stores.fleet) {
      const cells = await page.locator(`#upgrade-waves tr[data-store="${store}"] > *`).allTextContents();
      expect(cells.slice(0, 4)).toEqual([store, 'Upgraded', catalog.next, '2']);
    }
    await page.locator(`#upgrade-list li[data-upgrade="${id}"] [data-result="Completed"]`).waitFor();
    await screenshot(page, 'fleet-upgrade', '#upgrades-section');

    // The store's own detail, reached from the wave table, says who upgraded it.
    await page.locator(`#upgrade-waves tr[data-store="${stores.fleet[0]}"] a`).click();
    await detailIn(page, stores.fleet[0]!, 'Ready');
    expect(await text(page, '#detail-last-change')).toContain(`fleet upgrade ${id}`);
  });

  it('when a fleet upgrade is cancelled between its waves, then it ends Cancelled, the stores not reached are NotStarted, and a refused start shows the API message', async () => {
    const page = await open('/');
    // A bad request first: the API's validation message appears in the form's alert.
    await fillUpgradeForm(page, stores.cancel, 60);
    await page.getByLabel('To version').fill('latest');
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    const alert = page.locator('#upgrade-error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/The API refused \(400 validation_failed\)/);
    expect(await alert.textContent()).toContain('chartVersion');

    await page.getByLabel('To version').fill(catalog.next);
    await page.getByRole('button', { name: 'Start upgrade' }).click();
    await upgradeIn(page, 'Running');
    expect(await alert.isVisible()).toBe(false);
    // The first wave done, the second waits 60 s: cancel then.
    await page.locator('#upgrade-waves .wave[data-wave="1"][data-state="Done"]').waitFor({ timeout: provisionMs });
    await page.locator('#upgrade-detail').getByRole('button', { name: 'Cancel upgrade' }).click();
    await page.locator('#upgrade-action-result', { hasText: 'cancel requested' }).waitFor();
    await upgradeIn(page, 'Cancelled');
    expect(await text(page, '#upgrade-summary')).toMatch(new RegExp(`Why\\s*cancelled by .*owner ${owner}`));
    expect([
      await visible(page, 'Pause'),
      await visible(page, 'Resume'),
      await visible(page, 'Cancel upgrade'),
    ]).toEqual([false, false, false]);
    expect(await page.locator('#upgrade-waves .wave[data-wave="2"]').getAttribute('data-state')).toBe('Skipped');
    const results = await page.locator('#upgrade-waves tbody [data-result]').allTextContents();
    expect(results.sort()).toEqual(['NotStarted', 'Upgraded']);
    // Both upgrades of this owner are listed, the newest first.
    expect(await page.locator('#upgrade-list li').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#upgrade-list li').first().getAttribute('class')).toBe('current');
  });
});
