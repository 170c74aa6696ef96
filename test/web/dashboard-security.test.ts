// The dashboard and /docs under their Content-Security-Policy in a real Chromium: the headers are there,
// a store created from the form reaches Ready, the API reference renders, and the browser reports no
// violation on the way (an inline script or style would be one).
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { storeId } from '../harness/store-worker.js';
import { createFromForm, detailIn, row, useDashboard } from './dashboard-page.js';

const dashboard = useDashboard();

/** Collects the page's CSP violations from its first script on, across navigations. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const reported: string[] = [];
  page.on('console', (message) => /Content Security Policy/i.test(message.text()) && reported.push(message.text()));
  await page.addInitScript(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
  `);
  return async () => [...reported, ...(await page.evaluate<string[]>('window.cspViolations'))];
}

function expectSecurityHeaders(response: Response | null): void {
  const headers = response?.headers() ?? {};
  const policy = headers['content-security-policy'] ?? '';
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('dashboard security headers', () => {
  it('when a store is created from the dashboard and /docs is read, then both carry a strict CSP and the browser reports no violation', async () => {
    const page = await dashboard.open();
    const violations = await watchViolations(page);
    expectSecurityHeaders(await page.reload());

    const id = storeId('csp');
    await createFromForm(page, id, 'medusa');
    await page.locator('#announcer', { hasText: `Store ${id} created` }).waitFor();
    await row(page, id).waitFor();
    await detailIn(page, id, 'Ready');
    expect(await violations()).toEqual([]);

    expectSecurityHeaders(await page.goto(`${dashboard.api.url}/docs`));
    await page.locator('#ops .op').first().waitFor();
    expect(await page.locator('#ops .op code', { hasText: '/stores' }).count()).toBeGreaterThan(0);
    // The stylesheet applied: /docs.css, no longer inline.
    expect(await page.evaluate("getComputedStyle(document.querySelector('.op')).borderTopStyle")).toBe('solid');
    expect(await violations()).toEqual([]);
  });

  it('when the API answers JSON, then it says nosniff too', async () => {
    for (const path of ['/api/v1/stores', '/healthz', '/stores/no-such-store']) {
      expect((await fetch(`${dashboard.api.url}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
