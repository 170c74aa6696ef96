// A real browser for dashboard tests: Debian's Chromium driven by playwright-core. Playwright's own
// browser downloads need the internet, which test machines do not have, so the system package is used
// (CI installs it: `apt-get install chromium`).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** STOREFLEET_CHROMIUM_BIN, else the first `chromium` (or `chromium-browser`) on PATH. */
export function chromiumPath(): string {
  const fromEnv = process.env.STOREFLEET_CHROMIUM_BIN;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  throw new Error(
    'Chromium not found: install it (apt-get install chromium) or set STOREFLEET_CHROMIUM_BIN to its path',
  );
}

/**
 * `proxy`: every request, loopback names too, goes to this host:port as a proxy request (local mode's
 * ingress on a port other than 80 answers store URLs, which carry no port, this way).
 */
export async function launchBrowser(options: { proxy?: string } = {}): Promise<Browser> {
  const proxyArgs = options.proxy ? [`--proxy-server=http://${options.proxy}`, '--proxy-bypass-list=<-loopback>'] : [];
  return chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs, ...proxyArgs] });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Errors the page's scripts threw or logged: a test should end with none. */
  pageErrors: string[];
  /** Requests that got no answer at all (refused, reset), for a failing test to show; aborts left out. */
  requestFailures: string[];
}

/** A fresh context (own localStorage) and page at `url`, collecting script errors. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 900 },
): Promise<TestPage> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) pageErrors.push(message.text());
  });
  const requestFailures: string[] = [];
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (!/ERR_ABORTED/.test(reason)) requestFailures.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  // Chromium fails the requests it has queued when an address appears on or leaves the host
  // (ERR_NETWORK_CHANGED), as a real node's start and stop do while other files run: a load that lost
  // one of the page's scripts that way is loaded again.
  for (let load = 1; ; load++) {
    const failuresBefore = requestFailures.length;
    await page.goto(url);
    const lost = requestFailures.slice(failuresBefore).filter((failure) => failure.includes('ERR_NETWORK_CHANGED'));
    if (lost.length === 0 || load === 3) break;
    process.stderr.write(
      `[browser] ${url}: loading again, the host's network changed during the load: ${lost.join('; ')}\n`,
    );
    pageErrors.length = 0;
  }
  return { context, page, pageErrors, requestFailures };
}
