// The storefront smoke check after Ready: what a shopper and an admin would open first, requested
// through the store's real URL (the ingress), so a store that is "ready" but unreachable says so.
import type { Engine, StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { storeRequest } from './store-http.js';

export interface PageCheck {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
  /** Not requested, and why (e.g. the Store API of a store whose WooCommerce was skipped). */
  skipped?: string;
}

const pageTimeoutMs = 10_000;
/** A JSON answer larger than this is not read to the end: a product list of a new store is small. */
const maxJsonBytes = 1024 * 1024;

/** WooCommerce's Store API lists products without credentials; Medusa's store API needs a key. */
export function storefrontPages(engine: Engine, url: string): Array<{ name: string; url: string; json?: boolean }> {
  const pages = {
    woocommerce: [
      ['home page', '/'],
      ['admin login', '/wp-login.php'],
      ['product list (Store API)', '/wp-json/wc/store/v1/products'],
    ],
    medusa: [
      ['home page', '/'],
      ['admin', '/app'],
    ],
  } as const;
  return pages[engine].map(([name, path]) => ({
    name,
    url: `${url}${path}`,
    ...(path.includes('/wp-json/') ? { json: true } : {}),
  }));
}

const isJsonList = (body: string | undefined) => {
  try {
    return Array.isArray(JSON.parse(body ?? ''));
  } catch {
    return false;
  }
};

async function checkPage(
  page: { name: string; url: string; json?: boolean },
  ingressUrl: string | undefined,
): Promise<PageCheck> {
  try {
    const res = await storeRequest(page.url, {
      ...(ingressUrl ? { ingressUrl } : {}),
      timeoutMs: pageTimeoutMs,
      readBody: Boolean(page.json),
      maxBytes: maxJsonBytes,
      headers: { accept: page.json ? 'application/json' : '*/*' },
    });
    if (res.status >= 400)
      return { name: page.name, url: page.url, ok: false, status: res.status, error: `HTTP ${res.status}` };
    if (page.json && res.status === 200 && !isJsonList(res.body)) {
      return { name: page.name, url: page.url, ok: false, status: res.status, error: 'not a JSON list' };
    }
    return { name: page.name, url: page.url, ok: true, status: res.status };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return {
      name: page.name,
      url: page.url,
      ok: false,
      error: cause ?? (error instanceof Error ? error.message : String(error)),
    };
  }
}

export function describeChecks(pages: PageCheck[]): string {
  return pages
    .map(
      (p) => `${p.name} ${p.skipped ? `not checked: ${p.skipped}` : p.ok ? `HTTP ${p.status}` : `failed: ${p.error}`}`,
    )
    .join('; ');
}

export function createStorefrontActivities(deps: ActivityDeps) {
  return {
    /** Never throws for a page that fails: the answer is the finding, recorded as a condition. */
    async checkStorefront(
      spec: StoreSpec,
      url: string,
      options: { commerce?: boolean } = {},
    ): Promise<{ ok: boolean; summary: string }> {
      // A store whose WooCommerce was skipped has no Store API: that is CommerceReady's finding, not the URL's.
      const pages = await Promise.all(
        storefrontPages(spec.engine, url).map((page) =>
          page.json && options.commerce === false
            ? Promise.resolve<PageCheck>({
                name: page.name,
                url: page.url,
                ok: true,
                skipped: 'the store has no WooCommerce (condition CommerceReady)',
              })
            : checkPage(page, deps.storeIngressUrl),
        ),
      );
      const ok = pages.every((p) => p.ok);
      activityLogger(deps.log, spec.storeId).info({ pages, ok }, 'storefront checked');
      return { ok, summary: describeChecks(pages) };
    },
  };
}
