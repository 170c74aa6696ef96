// The storefront smoke check after Ready: what a shopper and an admin would open first, requested
// through the store's real URL (the ingress), so a store that is "ready" but unreachable says so.
import type { Engine, StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';

export interface PageCheck {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
}

const pageTimeoutMs = 10_000;

/** WooCommerce's Store API lists products without credentials; Medusa's store API needs a key. */
export function storefrontPages(engine: Engine, url: string): Array<{ name: string; url: string; json?: boolean }> {
  const pages = { woocommerce: [['home page', '/'], ['admin login', '/wp-login.php'], ['product list (Store API)', '/wp-json/wc/store/v1/products']], medusa: [['home page', '/'], ['admin', '/app']] } as const;
  return pages[engine].map(([name, path]) => ({ name, url: `${url}${path}`, ...(path.includes('/wp-json/') ? { json: true } : {}) }));
}

async function checkPage(page: { name: string; url: string; json?: boolean }): Promise<PageCheck> {
  try {
    // A redirect (to a login form, to https) is an answer: the store is there.
    const res = await fetch(page.url, { redirect: 'manual', signal: AbortSignal.timeout(pageTimeoutMs) });
    if (res.status >= 400) return { name: page.name, url: page.url, ok: false, status: res.status, error: `HTTP ${res.status}` };
    if (page.json && res.status === 200 && !Array.isArray(await res.json().catch(() => undefined))) {
      return { name: page.name, url: page.url, ok: false, status: res.status, error: 'not a JSON list' };
    }
    return { name: page.name, url: page.url, ok: true, status: res.status };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return { name: page.name, url: page.url, ok: false, error: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

export function describeChecks(pages: PageCheck[]): string {
  return pages.map((p) => `${p.name} ${p.ok ? `HTTP ${p.status}` : `failed: ${p.error}`}`).join('; ');
}

export function createStorefrontActivities(deps: ActivityDeps) {
  return {
    /** Never throws for a page that fails: the answer is the finding, recorded as a condition. */
    async checkStorefront(spec: StoreSpec, url: string): Promise<{ ok: boolean; summary: string }> {
      const pages = await Promise.all(storefrontPages(spec.engine, url).map(checkPage));
      const ok = pages.every((p) => p.ok);
      activityLogger(deps.log, spec.storeId).info({ pages, ok }, 'storefront checked');
      return { ok, summary: describeChecks(pages) };
    },
  };
}
