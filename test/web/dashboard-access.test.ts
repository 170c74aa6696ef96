// The dashboard around the edges: API keys, an API restart under an open page, a 400px window and the
// keyboard, in a real Chromium against the real API and worker.
import { describe, expect, it } from 'vitest';
import { startApi } from '../harness/api.js';
import { uniqueName } from '../harness/clients.js';
import { storeId } from '../harness/store-worker.js';
import { activeId, createFromForm, createViaApi, detailIn, row, useDashboard } from './dashboard-page.js';
import { startRestartProxy } from './restart-proxy.js';

const dashboard = useDashboard();

describe('dashboard access', () => {
  it('when the API needs keys, then a 401 asks for the key and a saved key makes everything work', async () => {
    const key = 'web-team-key-0123456789';
    const keyed = await startApi({
      taskQueue: dashboard.worker.taskQueue,
      auth: { keys: new Map([[key, uniqueName('web-team')]]), adminKeys: new Set() },
    });
    try {
      const page = await dashboard.open('/', { url: keyed.url });
      const banner = page.locator('#auth-banner');
      await banner.locator('text=The API needs a key').waitFor();
      expect(await activeId(page)).toBe('api-key');
      await page.locator('#list-state', { hasText: 'needs a valid key' }).waitFor();

      await page.getByLabel('API key').fill('not-the-right-key-000');
      await page.getByRole('button', { name: 'Save key' }).click();
      await banner.locator('text=did not accept the saved key').waitFor();

      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Save key' }).click();
      await page.locator('#list-state', { hasText: 'No stores yet' }).waitFor();
      expect(await banner.isVisible()).toBe(false);

      const streams: Array<string | undefined> = [];
      page.on(
        'request',
        (request) => request.url().endsWith('/stream') && streams.push(request.headers().authorization),
      );
      const id = storeId('keyed');
      await createFromForm(page, id);
      await detailIn(page, id, 'Ready');
      expect(streams[0]).toBe(`Bearer ${key}`);

      await page.reload();
      expect(await page.getByLabel('API key').inputValue()).toBe(key);
      await row(page, id).waitFor();
    } finally {
      await keyed.close();
    }
  });

  it('when the API restarts, then the page says it lost the connection and recovers on its own', async () => {
    let current = await startApi({ taskQueue: dashboard.worker.taskQueue });
    const proxy = await startRestartProxy(current.url);
    try {
      const id = storeId('steady');
      await createViaApi(current.url, id);
      const page = await dashboard.open(`/#/stores/${id}`, { url: proxy.url });
      await page.locator('#stream-state', { hasText: 'Live' }).waitFor();

      await current.close();
      await page.locator('#stream-state', { hasText: 'Live updates paused' }).waitFor({ timeout: 15_000 });
      await page.locator('#list-state.error', { hasText: 'Could not load the stores' }).waitFor({ timeout: 15_000 });

      current = await startApi({ taskQueue: dashboard.worker.taskQueue });
      proxy.target = current.url;
      await page.locator('#stream-state', { hasText: 'Live:' }).waitFor({ timeout: 20_000 });
      await page.locator('#list-state:not(.error)').waitFor({ timeout: 15_000 });
      await detailIn(page, id, 'Ready');
    } finally {
      await proxy.close();
      await current.close();
    }
  });

  it('when the window is 400px wide, then nothing scrolls sideways, every field has a label and a store can be created by keyboard', async () => {
    const page = await dashboard.open('/', { width: 400 });
    const unlabelled = await page
      .locator('input, select')
      .evaluateAll(
        (fields) => fields.filter((f) => (f as unknown as { labels: unknown[] }).labels.length === 0).length,
      );
    expect(unlabelled).toBe(0);

    const id = storeId('narrow');
    await page.getByLabel('Store id').focus();
    await page.keyboard.type(id);
    await page.keyboard.press('Enter');
    await page.locator(`#detail[data-store="${id}"]`).waitFor();
    await page.locator('#detail .facts').waitFor();
    await page.keyboard.press('Tab');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
  });

  it('when the list refreshes under a keyboard user, then focus stays on the same store link and changes are announced politely', async () => {
    const id = storeId('focus');
    await createViaApi(dashboard.api.url, id);
    const page = await dashboard.open('/');
    const link = row(page, id).getByRole('link', { name: id });
    await link.focus();
    // Longer than a poll: the table has been rebuilt at least once since.
    await page.waitForTimeout(4000);
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe(id);
    await page.keyboard.press('Enter');
    await page.locator(`#detail[data-store="${id}"]`).waitFor();
    expect(await activeId(page)).toBe('detail-heading');
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
  });
});
