// What the dashboard tests share: a real worker, the real API serving web/, one Chromium, and small
// helpers that drive the page the way a user does (labels, roles, visible text).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startApi, type ApiOptions, type TestApi } from '../harness/api.js';
import { launchBrowser, openPage, type TestPage } from '../harness/browser.js';
import { startStoreWorker, type StoreWorkerOptions, type TestStoreWorker } from '../harness/store-worker.js';

export const provisionMs = 120_000;
const screenshotsDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export interface Dashboard {
  worker: TestStoreWorker;
  api: TestApi;
  /** A fresh browser context (own localStorage) at `path`; its script errors fail the test. */
  open(path?: string, options?: { url?: string; width?: number }): Promise<Page>;
}

export interface DashboardOptions {
  /** The worker's options, e.g. another charts directory (may be made first, hence async). */
  worker?: () => Promise<StoreWorkerOptions>;
  auth?: ApiOptions['auth'];
}

/** Registers the hooks of a dashboard test file and hands out what they start. */
export function useDashboard(options: DashboardOptions = {}): Dashboard {
  let browser: Browser;
  const opened: TestPage[] = [];
  const dashboard = {
    async open(path = '/', options: { url?: string; width?: number } = {}) {
      const test = await openPage(browser, `${options.url ?? dashboard.api.url}${path}`, {
        width: options.width ?? 1280,
        height: 900,
      });
      opened.push(test);
      return test.page;
    },
  } as Dashboard;

  beforeAll(async () => {
    // Short enough that a store with stuck pods fails quickly, long enough for a healthy one.
    dashboard.worker = await startStoreWorker({ maxProvisionSeconds: 30, ...(await options.worker?.()) });
    dashboard.api = await startApi({
      taskQueue: dashboard.worker.taskQueue,
      ...(options.auth ? { auth: options.auth } : {}),
    });
    browser = await launchBrowser();
  });
  afterEach(async ({ task }) => {
    for (const { context, page, pageErrors, requestFailures } of opened.splice(0)) {
      // Requests that got no answer may explain a failed test (a page whose script never ran, say).
      if (task.result?.state === 'fail' && requestFailures.length > 0)
        console.warn(`[${task.name}] page ${page.url()}: requests without an answer:\n${requestFailures.join('\n')}`);
      await context.close();
      expect(pageErrors, 'errors in the page').toEqual([]);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard.api?.close();
    await dashboard.worker?.stop();
  });
  return dashboard;
}

/** Saves docs/screenshots/<name>.png, only when STOREFLEET_SCREENSHOTS=1 (they are committed). */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  if (process.env.STOREFLEET_SCREENSHOTS !== '1') return;
  mkdirSync(screenshotsDir, { recursive: true });
  const path = `${screenshotsDir}${name}.png`;
  await (selector ? page.locator(selector).screenshot({ path }) : page.screenshot({ path, fullPage: true }));
}

export async function createViaApi(base: string, id: string, engine = 'woocommerce'): Promise<void> {
  const res = await fetch(`${base}/api/v1/stores`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ storeId: id, engine }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

export async function createFromForm(page: Page, id: string, engine = 'woocommerce'): Promise<void> {
  await page.getByLabel('Store id').fill(id);
  await page.getByLabel('Engine').selectOption(engine);
  await page.getByRole('button', { name: 'Create store' }).click();
}

/** The store's row in the list. */
export const row = (page: Page, id: string) => page.locator(`#store-list tr[data-store="${id}"]`);

/**
 * How long a row may take to show a change: the list polls every 3 s and reads visibility, which lags the
 * store's own state under load (a CI run once saw a row still not Hibernated 15 s after its detail was).
 */
export const listCatchUpMs = 45_000;

/**
 * Waits until the open detail is this store, in this phase. Waiting for Ready gives up as soon as the
 * page shows Failed, with the store's lastError, unless the test expects to pass through Failed.
 */
export async function detailIn(
  page: Page,
  id: string,
  phase: string,
  options: { timeout?: number; failFast?: boolean } = {},
): Promise<void> {
  const detail = (p: string) => `#detail[data-store="${id}"][data-phase="${p}"]`;
  const failFast = phase === 'Ready' && options.failFast !== false;
  await page
    .locator(failFast ? `${detail('Ready')}, ${detail('Failed')}` : detail(phase))
    .waitFor({ timeout: options.timeout ?? provisionMs });
  const shown = await page.locator('#detail').getAttribute('data-phase');
  if (shown !== phase)
    throw new Error(`store ${id} is ${shown} instead of ${phase}: ${await text(page, '#detail-last-error')}`);
}

export const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';
export const activeId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');
