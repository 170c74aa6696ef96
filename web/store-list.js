// The store list: GET /stores polled every few seconds (new stores and phase changes show up without
// a reload), filtered by phase, with empty and error states that say what to do. Polling rather than
// one event stream per row: browsers allow only ~6 HTTP/1.1 connections per host, and the open
// store's stream needs one of them.
import { api, ApiError, authEvents } from './api.js';
import { age, fill, h, safeHref } from './dom.js';
import { phaseBadge } from './phases.js';

const pollMs = 3000;
const limit = 100;

/**
 * @param {{ selected: () => string | undefined }} options
 */
export function setupStoreList({ selected }) {
  const container = /** @type {HTMLElement} */ (document.getElementById('store-list'));
  const state = /** @type {HTMLElement} */ (document.getElementById('list-state'));
  const filter = /** @type {HTMLSelectElement} */ (document.getElementById('phase-filter'));
  const refreshButton = /** @type {HTMLButtonElement} */ (document.getElementById('refresh'));
  // The list answers each store's url from its read model. A store whose workflow began before the
  // read model existed is listed without one: GET /stores/:id has it once Ready, and since it never
  // changes, each such store is asked once, not on every poll.
  const urls = new Map();
  let stores = [];
  let nextPageToken;
  let timer;
  let generation = 0;
  let loaded = false; // until the first answer, "no stores" would be a lie

  async function refresh() {
    clearTimeout(timer);
    const mine = ++generation; // a slow answer for an old filter must not overwrite a newer one
    try {
      const page = await api.listStores({ phase: filter.value, limit });
      if (mine !== generation) return;
      stores = page.stores;
      loaded = true;
      nextPageToken = page.nextPageToken;
      render();
      void fillUrls();
    } catch (error) {
      if (mine !== generation) return;
      showError(error);
    } finally {
      if (mine === generation) timer = setTimeout(poll, pollMs);
    }
  }

  // Hidden tabs do not poll; they catch up the moment they are shown again.
  const poll = () => (document.hidden ? (timer = setTimeout(poll, pollMs)) : void refresh());
  document.addEventListener('visibilitychange', () => !document.hidden && void refresh());

  let filling = false;
  async function fillUrls() {
    if (filling) return; // the previous poll's lookups are still running
    filling = true;
    try {
      // A few per poll, so a long list does not fire a burst of requests.
      const missing = stores.filter((s) => s.phase === 'Ready' && !s.url && !urls.has(s.storeId)).slice(0, 5);
      for (const store of missing) {
        const detail = await api.getStore(store.storeId).catch(() => undefined);
        if (detail?.url) urls.set(store.storeId, detail.url);
      }
      if (missing.length > 0) render();
    } finally {
      filling = false;
    }
  }

  function render() {
    if (!loaded) return;
    container.setAttribute('aria-busy', 'false');
    if (stores.length === 0) {
      const phase = filter.value;
      state.className = 'list-state empty';
      fill(
        state,
        phase
          ? `No stores are ${phase}. Choose "All running" in the Phase filter to see the others.`
          : 'No stores yet. Create one with the form: it appears here as Provisioning and turns Ready in a minute or two.',
      );
      fill(container);
      return;
    }
    state.className = 'list-state';
    fill(
      state,
      `${stores.length} ${stores.length === 1 ? 'store' : 'stores'}${filter.value ? ` in phase ${filter.value}` : ' running'}${nextPageToken ? ` (the first ${limit}; filter by phase to narrow)` : ''}.`,
    );
    const now = Date.now();
    const current = selected();
    // The table is rebuilt on every poll; put keyboard focus back where it was (same store, same column).
    const active = document.activeElement;
    const focus =
      active && container.contains(active)
        ? { store: active.closest('tr')?.dataset.store, label: active.closest('[data-label]')?.dataset.label }
        : undefined;
    fill(
      container,
      h(
        'table',
        { class: 'stores' },
        h('caption', { class: 'visually-hidden' }, 'Stores; select an id for its detail'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Store', 'Engine', 'Plan', 'Phase', 'Age', 'URL'].map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h('tbody', null, ...stores.map((store) => row(store, now, store.storeId === current))),
      ),
    );
    if (focus?.store)
      container.querySelector(`tr[data-store="${CSS.escape(focus.store)}"] [data-label="${focus.label}"] a`)?.focus();
  }

  function row(store, now, isCurrent) {
    const url = store.url ?? urls.get(store.storeId);
    const href = url && safeHref(url);
    return h(
      'tr',
      { 'data-store': store.storeId, class: isCurrent ? 'current' : false },
      h(
        'th',
        { scope: 'row', 'data-label': 'Store' },
        h(
          'a',
          { href: `#/stores/${encodeURIComponent(store.storeId)}`, 'aria-current': isCurrent ? 'true' : false },
          store.storeId,
        ),
      ),
      h('td', { 'data-label': 'Engine' }, store.engine || '–'),
      h('td', { 'data-label': 'Plan' }, store.plan || '–'),
      h('td', { 'data-label': 'Phase' }, phaseBadge(store.phase)),
      h(
        'td',
        { 'data-label': 'Age' },
        h('time', { datetime: store.createdAt ?? false, title: store.createdAt ?? false }, age(store.createdAt, now)),
      ),
      h(
        'td',
        { 'data-label': 'URL', class: 'url' },
        href ? h('a', { href, target: '_blank', rel: 'noopener' }, url) : '–',
      ),
    );
  }

  function showError(error) {
    state.className = 'list-state error';
    if (error instanceof ApiError && error.status === 401) {
      // The banner at the top quotes the API; here, just what to do.
      fill(state, h('strong', null, 'The API needs a valid key: '), 'enter it in the API key field at the top.');
    } else {
      const message = error instanceof Error ? error.message : String(error);
      fill(
        state,
        h('strong', null, 'Could not load the stores: '),
        message,
        /[.?!)]$/.test(message) ? ' ' : '. ',
        `Retrying every ${pollMs / 1000} s; Refresh tries now.`,
      );
    }
    // Keep showing the last rows we had: stale is more useful than nothing while the API restarts.
  }

  filter.addEventListener('change', () => {
    container.setAttribute('aria-busy', 'true');
    void refresh();
  });
  refreshButton.addEventListener('click', () => void refresh());
  authEvents.addEventListener('keychange', () => {
    urls.clear();
    void refresh();
  });

  void refresh();
  return { refresh, render };
}
