// The dashboard in a real Chromium against the real API and worker: create a store and watch it, a
// refused create, inline validation, retry of a Failed store, the links, delete. STOREFLEET_SCREENSHOTS=1
// also refreshes docs/screenshots/, which the README shows.
import { describe, expect, it } from 'vitest';
import { namespaceName, storeWorkflowId } from '../../core/names.js';
import { injectPodFault } from '../harness/faults.js';
import { storeId, waitForPhase } from '../harness/store-worker.js';
import {
  activeId,
  createFromForm,
  createViaApi,
  detailIn,
  listCatchUpMs,
  provisionMs,
  row,
  screenshot,
  text,
  useDashboard,
} from './dashboard-page.js';

const dashboard = useDashboard();

describe('dashboard', () => {
  it('when a store is created from the form, then the list and its detail show it reach Ready without a reload', async () => {
    const id = storeId('shop');
    const page = await dashboard.open();
    await page.evaluate('window.sameDocument = true');

    // The dry run first: it says the store fits and lists what would be made, and creates nothing.
    await page.getByLabel('Store id').fill(id);
    await page.getByLabel('Engine').selectOption('medusa');
    await page.getByRole('button', { name: 'Check first (dry run)' }).click();
    const plan = page.locator('#create-plan');
    await plan.locator('.banner', { hasText: 'Fits plan small' }).waitFor();
    expect(await plan.textContent()).toMatch(new RegExp(`Namespace store-${id}.*ResourceQuota store-quota`));
    expect(await plan.locator('tr[data-resource="pods"]').textContent()).toMatch(/\d+ of 20/);
    await screenshot(page, 'dry-run', '#create-section');
    expect(await row(page, id).count()).toBe(0);

    await createFromForm(page, id, 'medusa');

    await page.locator('#announcer', { hasText: `Store ${id} created` }).waitFor();
    await row(page, id).waitFor();
    await detailIn(page, id, 'Ready');
    await row(page, id).locator('[data-phase="Ready"]').waitFor({ timeout: listCatchUpMs });
    await row(page, id)
      .getByRole('link', { name: `http://${id}.127.0.0.1.nip.io` })
      .waitFor({ timeout: listCatchUpMs });
    expect(await page.evaluate('window.sameDocument')).toBe(true);

    const detail = page.locator('#detail');
    expect(await detail.getByRole('link', { name: `http://${id}.127.0.0.1.nip.io/app` }).count()).toBe(1);
    for (const type of ['NamespaceReady', 'GuardrailsApplied', 'ReleaseDeployed', 'StoreReady']) {
      expect(await text(page, `#detail [data-condition="${type}"]`)).toContain('True');
    }
    await detail.locator('.timeline li', { hasText: 'StoreReady' }).first().waitFor();
    expect(await text(page, '#stream-state')).toMatch(/^Live/);
    expect(await detail.getByRole('button', { name: 'Retry' }).isVisible()).toBe(false);
    await screenshot(page, 'store-ready');
  });

  it('when the API refuses a create, then the form shows the API message and what to do', async () => {
    const id = storeId('taken');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open();
    await createFromForm(page, id, 'medusa');

    const error = page.locator('#create-error[role="alert"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(`409 store_exists`);
    expect(await error.textContent()).toContain(`store ${id} exists as woocommerce/small, not medusa/small`);
    expect(await error.textContent()).toContain('Pick another id');
    expect(await page.getByLabel('Store id').inputValue()).toBe(id);
    await screenshot(page, 'create-error', '#create-section');
  });

  it('when the store id breaks the naming rule, then the form says why as you type and sends nothing', async () => {
    const page = await dashboard.open();
    const posts: string[] = [];
    page.on('request', (request) => request.method() === 'POST' && posts.push(request.url()));
    const input = page.getByLabel('Store id');
    const error = page.locator('#store-id-error');
    for (const [value, message] of [
      ['My_Store', 'lowercase'],
      ['ab', 'at least 3 characters'],
      ['-shop', 'starting and ending with a letter or digit'],
      ['shop-', 'starting and ending with a letter or digit'],
    ] as const) {
      await input.fill(value);
      await input.blur();
      // The check runs in the page's own handlers: wait for it (on a loaded machine it can lag the blur).
      await error.filter({ hasText: message }).waitFor({ state: 'attached', timeout: 10_000 });
      expect(await error.textContent()).toContain(message);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
    }
    await page.getByRole('button', { name: 'Create store' }).click();
    expect(await activeId(page)).toBe('store-id');
    await input.fill('fine-shop-1');
    expect(await error.isVisible()).toBe(false);
    expect(posts).toEqual([]);
  });

  it('when a store fails, then the UI shows why, and Retry after the fix brings it to Ready', async () => {
    const id = storeId('flaky');
    const fault = await injectPodFault(namespaceName(id), 'ImagePullBackOff');
    try {
      const page = await dashboard.open();
      await createFromForm(page, id);
      await detailIn(page, id, 'Failed');
      expect(await text(page, '#detail-last-error')).toMatch(/ImagePullBackOff/);
      expect(await text(page, '#detail [data-condition="StoreReady"]')).toContain('ProvisionTimeout');
      await row(page, id).locator('[data-phase="Failed"]').waitFor({ timeout: listCatchUpMs });
      await screenshot(page, 'store-failed');

      // The filter shows only Failed stores; the list alone makes the list screenshot.
      await page.getByLabel('Phase').selectOption('Failed');
      await page.locator('#list-state', { hasText: 'in phase Failed' }).waitFor();
      expect(new Set(await page.locator('#store-list tbody .phase-name').allTextContents())).toEqual(
        new Set(['Failed']),
      );
      await page.getByLabel('Phase').selectOption('');
      await page.goto(`${dashboard.api.url}/#/`);
      await row(page, id).waitFor();
      await screenshot(page, 'store-list');
      await page.goto(`${dashboard.api.url}/#/stores/${id}`);

      await fault.remove();
      await page.getByRole('button', { name: 'Retry' }).click();
      await page.locator('#action-result', { hasText: 'retry requested' }).waitFor();
      await detailIn(page, id, 'Ready', { failFast: false });
      expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(false);
      expect(await text(page, '#detail .facts')).toMatch(/Attempts\s*2/);
      await page.locator('#detail .timeline li', { hasText: 'RetryRequested' }).first().waitFor();

      // The audit trail: the failed wait with its reason, then the retry and who sent it.
      await page.getByText('Audit trail: who asked, each step, its attempts and retries').click();
      const trail = page.locator('#detail-history-body table');
      await trail.waitFor();
      expect(
        await trail.locator('tr[data-kind="step"][data-outcome="failed"]', { hasText: 'waitForReady' }).textContent(),
      ).toMatch(/ImagePullBackOff/);
      expect(await trail.locator('tr[data-kind="signal"]', { hasText: 'signal retry' }).textContent()).toContain(
        'storefleet-api: owner default (key none)',
      );
      await screenshot(page, 'audit-trail', '#detail');
    } finally {
      await fault.remove();
    }
  });

  it('when the first read of a store fails (the API busy), then the detail says it tries again, and shows the store once a read succeeds', async () => {
    const id = storeId('blip');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open();
    let refused = 0;
    await page.route(`**/api/v1/stores/${id}`, async (route) => {
      if (refused++ > 0) return route.continue();
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'temporal_unavailable', message: 'Temporal did not answer in time; try again shortly' },
        }),
      });
    });
    // No stream either: its first events would trigger a re-read, and the retry is what is under test.
    await page.route(`**/api/v1/stores/${id}/stream*`, (route) => route.abort());
    await page.goto(`${dashboard.api.url}/#/stores/${id}`);
    await page.locator('#detail', { hasText: `Could not load store ${id}` }).waitFor();
    expect(await page.locator('#detail .banner-error').textContent()).toMatch(/trying again in 2 s/);
    await page.getByRole('link', { name: /in the Temporal Web UI/ }).waitFor({ timeout: 10_000 });
    expect(refused).toBeGreaterThanOrEqual(2);
  });

  it('when an older read of a store answers after a newer one (the API slow), then the detail keeps the newer', async () => {
    const id = storeId('late');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open();
    // The page's first read answers only after the next one (the re-read its stream's first phase asks
    // for) is shown and watched, and with a phase this store never has, as an older read could.
    let reads = 0;
    let watching!: () => void;
    const watched = new Promise<void>((resolve) => (watching = resolve));
    let firstAnswered = false;
    await page.route(`**/api/v1/stores/${id}`, async (route) => {
      const read = ++reads;
      const response = await route.fetch();
      if (read === 1) {
        const body = (await response.json()) as Record<string, unknown>;
        await watched;
        await route.fulfill({ response, json: { ...body, phase: 'Hibernated' } });
        firstAnswered = true;
        return;
      }
      await route.fulfill({ response });
    });
    await page.goto(`${dashboard.api.url}/#/stores/${id}`);
    await page.locator('#detail[data-phase]').waitFor();
    await page.evaluate(`(() => {
      const detail = document.getElementById('detail');
      window.seenPhases = [detail.dataset.phase];
      new MutationObserver(() => window.seenPhases.push(detail.dataset.phase)).observe(detail, { attributes: true, attributeFilter: ['data-phase'] });
    })()`);
    expect(reads).toBeGreaterThanOrEqual(2);
    watching();
    await expect.poll(() => firstAnswered).toBe(true);
    // Room for the page to handle the late answer, had it taken it.
    await page.waitForTimeout(1000);
    expect(await page.evaluate('window.seenPhases')).not.toContain('Hibernated');
    expect(await page.locator('#detail').getAttribute('data-phase')).not.toBe('Hibernated');
  });

  it('when Ready stores are listed, then each row shows the url the list answered, and the page asks for no store one by one', async () => {
    const id = storeId('listed');
    await createViaApi(dashboard.api.url, id);
    await waitForPhase(dashboard.worker.client.workflow.getHandle(storeWorkflowId(id)), 'Ready', provisionMs);
    const page = await dashboard.open();
    await row(page, id)
      .getByRole('link', { name: `http://${id}.127.0.0.1.nip.io` })
      .waitFor({ timeout: listCatchUpMs });
    // The API's request log: the create and the list's polls, and no read of this store for its url.
    const reads = dashboard.api.logs
      .map((line) => (JSON.parse(line) as { req?: { method: string; url: string } }).req)
      .filter((req) => req?.method === 'GET' && req.url.startsWith(`/api/v1/stores/${id}`));
    expect(reads).toEqual([]);
  });

  it('when a store is opened by its link, then the Temporal link points at its workflow and the kubectl command reads its secret', async () => {
    const id = storeId('links');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open(`/#/stores/${id}`);
    const temporal = page.getByRole('link', { name: /in the Temporal Web UI/ });
    await temporal.waitFor();
    expect(await temporal.getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/store-${id}`);
    expect(await text(page, '#detail code.kubectl')).toBe(
      `kubectl -n store-${id} get secret store-admin -o jsonpath='{.data.admin-password}' | base64 -d`,
    );
    expect(await row(page, id).getAttribute('class')).toBe('current');

    // Usage of the plan, and the fleet's, read from the cluster when opened.
    await detailIn(page, id, 'Ready');
    await page.getByText('Usage of the plan: quota used, volumes').click();
    expect(await page.locator('#detail-usage-body tr[data-resource="pods"]').textContent()).toMatch(/\d+ of 20/);
    expect(await page.locator('#detail-usage-body tr[data-resource="requests.cpu"] meter').count()).toBe(1);
    await page.getByText('Fleet usage: what all stores use of their plans').click();
    expect(await page.locator('#fleet-usage-body tr[data-resource="requests.memory"]').textContent()).toMatch(
      /\d(\.\d)?[MG]i of \d+(\.\d)?Gi/,
    );
    await screenshot(page, 'usage', '#detail-usage');

    // The order check: the simulated store serves no shop, so the banner names the step that failed.
    await page.getByRole('button', { name: 'Check an order' }).click();
    await page
      .locator('#action-result', { hasText: 'Order check failed at "sample product"' })
      .waitFor({ timeout: 60_000 });
    await page.locator('#detail-conditions', { hasText: 'OrderFlow' }).waitFor();

    // Hibernate and wake from the detail: the buttons follow the phase.
    await page.getByRole('button', { name: 'Hibernate' }).click();
    await page.locator('#action-result', { hasText: 'hibernation requested' }).waitFor();
    await detailIn(page, id, 'Hibernated');
    expect(await page.getByRole('button', { name: 'Hibernate' }).isVisible()).toBe(false);
    // Filtered to its phase: a page holds the 100 newest stores, and the run's other tests may have
    // started more than that since this one.
    await page.getByLabel('Phase').selectOption('Hibernated');
    await row(page, id).locator('[data-phase="Hibernated"]').waitFor({ timeout: listCatchUpMs });
    await page.getByLabel('Phase').selectOption('');
    await page.getByRole('button', { name: 'Wake' }).click();
    await page.locator('#action-result', { hasText: 'wake-up requested' }).waitFor();
    await detailIn(page, id, 'Ready');
  });

  it('when a store is deleted after typing its id, then it goes Deleted and leaves the list', async () => {
    const id = storeId('gone');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open(`/#/stores/${id}`);
    await detailIn(page, id, 'Ready');
    const dialog = page.getByRole('dialog', { name: `Delete store ${id}?` });
    const confirm = dialog.getByRole('button', { name: 'Delete store' });

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${id} to confirm`).fill('something-else');
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await activeId(page)).toBe('delete-button');

    await page.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByLabel(`Type ${id} to confirm`).fill(id);
    await confirm.click();
    await page.locator('#action-result', { hasText: 'deletion requested' }).waitFor();
    await detailIn(page, id, 'Deleted');
    await page.locator('#detail .timeline li', { hasText: 'DeleteRequested' }).first().waitFor();
    await row(page, id).waitFor({ state: 'detached', timeout: listCatchUpMs });
    await page.getByLabel('Phase').selectOption('Deleted');
    await row(page, id).locator('[data-phase="Deleted"]').waitFor();
  });
});
