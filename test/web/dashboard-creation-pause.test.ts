// The creation pause on the dashboard, in a real Chromium against the real API and worker: while an admin
// has paused the creation of new stores, a banner at the top says why, by whom and since when, and the
// create form's button is disabled; after the resume both go, without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstallationWorker, type InstallationWorker } from '../harness/installation-worker.js';
import { storeId } from '../harness/store-worker.js';
import { createFromForm, screenshot, useDashboard } from './dashboard-page.js';

const dashboard = useDashboard();
let installation: InstallationWorker;
const reason = 'storage migration, until 14:00 UTC';

beforeAll(async () => {
  installation = await startInstallationWorker(dashboard.worker.taskQueue);
});
afterAll(async () => {
  await resume().catch(() => undefined);
  await installation?.stop();
});

// Auth is off in these tests: every caller is the local admin (key id "none").
const creationPause = () => `${dashboard.api.url}/api/v1/admin/creation-pause`;
async function pause() {
  const res = await fetch(creationPause(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
  expect(res.status, await res.text()).toBe(200);
}
async function resume() {
  expect((await fetch(creationPause(), { method: 'DELETE' })).status).toBe(200);
}

describe('dashboard while store creation is paused', () => {
  it('when an admin pauses, then an open page shows the banner with the reason and disables Create store; after the resume both go and a store can be created', async () => {
    const page = await dashboard.open();
    const banner = page.locator('#pause-banner');
    const createButton = page.getByRole('button', { name: 'Create store' });
    await page.locator('#list-state').waitFor();
    expect(await banner.isVisible()).toBe(false);
    expect(await createButton.isEnabled()).toBe(true);

    await pause();
    // The page reads the pause every 10 s.
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    const said = (await banner.textContent()) ?? '';
    expect(said).toContain('Creating stores is paused');
    expect(said).toContain(reason);
    expect(said).toContain('admin key none');
    expect(await banner.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await createButton.isDisabled()).toBe(true);
    await screenshot(page, 'creation-paused');
    // The banner is at the top: above the create form.
    const bannerBox = await banner.boundingBox();
    const formBox = await page.locator('#create-section').boundingBox();
    expect(bannerBox!.y).toBeLessThan(formBox!.y);

    // A page loaded while paused shows it at once.
    await page.reload();
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    expect(await createButton.isDisabled()).toBe(true);

    await resume();
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    expect(await createButton.isEnabled()).toBe(true);
    const id = storeId('unpaused');
    await createFromForm(page, id);
    await page.locator('#announcer', { hasText: `Store ${id} created` }).waitFor();
  });
});
