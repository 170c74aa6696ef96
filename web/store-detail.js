// One store's detail, kept live: GET /stores/:id and /events once, then the SSE stream for phase
// changes and new timeline entries; every change re-reads the store (conditions, url and lastError are
// not in the stream). Retry, Hibernate, Wake, Delete, an order check and a change of plan or chart act here.
import { api, ApiError, authEvents } from './api.js';
import { setupChangeForm } from './change-form.js';
import { confirmDelete } from './delete-dialog.js';
import { renderConditions, renderLastChange, renderLastError, renderSummary, renderTimeline } from './detail-view.js';
import { announce, fill, h } from './dom.js';
import { followStream } from './event-stream.js';
import { renderHistory } from './history-view.js';
import { lazyDetails } from './lazy-details.js';
import { renderStoreUsage } from './usage-view.js';

const eventKey = (e) => `${e.time}|${e.reason}|${e.message}`;

/**
 * @param {{ onChange: () => void }} options onChange: a store changed; the list should refresh
 */
export function setupStoreDetail({ onChange }) {
  const section = /** @type {HTMLElement} */ (document.getElementById('detail'));
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const heading = $('detail-heading');
  const streamState = $('stream-state');
  const retryButton = /** @type {HTMLButtonElement} */ ($('retry-button'));
  const deleteButton = /** @type {HTMLButtonElement} */ ($('delete-button'));
  const hibernateButton = /** @type {HTMLButtonElement} */ ($('hibernate-button'));
  const wakeButton = /** @type {HTMLButtonElement} */ ($('wake-button'));
  const orderCheckButton = /** @type {HTMLButtonElement} */ ($('order-check-button'));
  const actionResult = $('action-result');
  const body = $('detail-body');
  const lastError = $('detail-last-error');
  const lastChange = $('detail-last-change');
  const conditions = $('detail-conditions');
  const timeline = $('detail-timeline');
  const storeId = () => current?.storeId;
  const disclosures = [
    lazyDetails({
      details: /** @type {HTMLDetailsElement} */ ($('detail-usage')),
      body: $('detail-usage-body'),
      what: 'the usage',
      key: storeId,
      load: api.getUsage,
      render: renderStoreUsage,
    }),
    lazyDetails({
      details: /** @type {HTMLDetailsElement} */ ($('detail-history')),
      body: $('detail-history-body'),
      what: 'the audit trail',
      key: storeId,
      load: api.getHistory,
      render: renderHistory,
    }),
  ];
  const changeForm = setupChangeForm({
    onApplied(storeId, answer) {
      const view = current;
      if (view?.storeId !== storeId) return;
      // The answer has the store's new phase (Upgrading): show it now, the stream follows with the rest.
      if (view.store && answer.phase) show(view, { ...view.store, phase: answer.phase });
      accepted(view, 'Change', answer);
    },
  });

  /** @type {{ storeId: string, store?: any, rendered?: string, events: any[], keys: Set<string>, stream?: {close(): void}, timer?: number, wasDown?: boolean, reads: number, shownRead: number } | undefined} */
  let current;

  function open(storeId) {
    if (current?.storeId === storeId) return;
    close();
    current = { storeId, events: [], keys: new Set(), reads: 0, shownRead: 0 };
    section.hidden = false;
    section.dataset.store = storeId;
    heading.textContent = `Store ${storeId}`;
    fill(body, h('p', { class: 'muted' }, 'Loading…'));
    fill(lastError);
    fill(lastChange);
    changeForm.show(undefined);
    fill(conditions);
    renderTimeline(timeline, []);
    for (const disclosure of disclosures) disclosure.reset();
    actionResult.hidden = true;
    for (const button of [retryButton, deleteButton, hibernateButton, wakeButton, orderCheckButton])
      button.hidden = true;
    void load(current, true);
    startStream(current);
  }

  function close() {
    if (current) {
      current.stream?.close();
      clearTimeout(current.timer);
    }
    current = undefined;
    changeForm.show(undefined);
    section.hidden = true;
  }

  /** How long after a first load that failed (the API or Temporal busy) it is tried again. */
  const firstLoadRetryMs = 2000;

  /** withEvents: the first load only; afterwards new events come from the stream. */
  async function load(view, withEvents = false) {
    // Reads may overlap when the API is slow: one that answers after a later one is older, and would put
    // back what has moved on (a phase, or the change form reset under the user), so it is dropped.
    const read = ++view.reads;
    try {
      const noEvents = { events: [] };
      const [store, events] = await Promise.all([
        api.getStore(view.storeId),
        withEvents ? api.getEvents(view.storeId).catch(() => noEvents) : noEvents,
      ]);
      if (view !== current) return;
      // Events are kept by key, so an older read's add nothing twice.
      addEvents(view, events.events);
      if (read < view.shownRead) return;
      view.shownRead = read;
      show(view, store);
    } catch (error) {
      if (view !== current || read < view.shownRead) return;
      const notFound = error instanceof ApiError && error.status === 404;
      // A blip (API restarting) keeps what is shown; the stream state already says we are reconnecting.
      if (view.store && !notFound) return;
      view.rendered = undefined;
      fill(
        body,
        h(
          'p',
          { class: 'banner banner-error' },
          notFound
            ? `Store ${view.storeId} was not found: it never existed, it was deleted long ago, or it belongs to another owner. Pick a store from the list.`
            : `Could not load store ${view.storeId}: ${error instanceof Error ? error.message : String(error)}; trying again in ${firstLoadRetryMs / 1000} s`,
        ),
      );
      if (notFound) view.stream?.close();
      // Nothing shown yet and no stream event may come to trigger a re-read: try again on our own.
      else view.timer = setTimeout(() => void load(view, withEvents), firstLoadRetryMs);
    }
  }

  /** Coalesces bursts (the stream replays the whole timeline on connect) into one re-read. */
  function reload(view) {
    clearTimeout(view.timer);
    view.timer = setTimeout(() => void load(view), 250);
  }

  function show(view, store) {
    const previous = view.store?.phase;
    view.store = store;
    if (previous && previous !== store.phase) announce(`Store ${store.storeId} is now ${store.phase}.`);
    // Re-render only what changed, so focus (e.g. on the Copy button) survives the polling.
    const snapshot = JSON.stringify(store);
    if (snapshot !== view.rendered) {
      view.rendered = snapshot;
      fill(body, renderSummary(store));
      fill(lastError, renderLastError(store));
      fill(lastChange, renderLastChange(store));
      fill(conditions, renderConditions(store.conditions));
      section.dataset.phase = store.phase;
    }
    retryButton.hidden = store.phase !== 'Failed';
    hibernateButton.hidden = store.phase !== 'Ready';
    orderCheckButton.hidden = store.phase !== 'Ready';
    wakeButton.hidden = store.phase !== 'Hibernated';
    deleteButton.hidden = store.phase === 'Deleting' || store.phase === 'Deleted';
    changeForm.show(store);
    // Nothing changes after Deleted; stop holding a connection for it.
    if (store.phase === 'Deleted') {
      view.stream?.close();
      streamState.textContent = 'The store is deleted; live updates ended.';
      streamState.className = 'stream-state';
    }
  }

  function addEvents(view, events) {
    let added = false;
    for (const event of events ?? []) {
      const key = eventKey(event);
      if (view.keys.has(key)) continue;
      view.keys.add(key);
      view.events.push(event);
      added = true;
    }
    if (added) {
      view.events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
      renderTimeline(timeline, view.events);
    }
    return added;
  }

  function startStream(view) {
    view.stream = followStream(api.streamPath(view.storeId), {
      onEvent(name, data) {
        if (view !== current) return;
        if (name === 'phase') {
          if (view.store && view.store.phase !== data.phase) onChange();
          reload(view);
        } else if (name === 'event') {
          if (addEvents(view, [data])) reload(view);
        } else if (name === 'error') {
          setStreamState(
            'warning',
            `The API could not read the store's status just now (${data?.message ?? 'unknown error'}); it keeps trying.`,
          );
        }
      },
      onState(state, detail) {
        if (view !== current) return;
        if (state === 'open') {
          setStreamState('ok', 'Live: updates appear as they happen.');
          if (view.wasDown) announce(`Reconnected to the API; store ${view.storeId} is live again.`);
          view.wasDown = false;
        } else if (state === 'connecting') {
          if (!view.wasDown) setStreamState('', 'Connecting for live updates…');
        } else if (state === 'retrying') {
          if (!view.wasDown) announce('Lost the connection to the API; reconnecting.');
          view.wasDown = true;
          setStreamState(
            'warning',
            `Live updates paused: ${detail?.message}. Reconnecting in ${Math.round((detail?.retryMs ?? 0) / 1000)} s; the page recovers on its own when the API is back.`,
          );
        } else if (state === 'stopped') {
          setStreamState('error', `Live updates stopped: ${detail?.message}`);
        }
      },
    });
  }

  function setStreamState(kind, text) {
    streamState.className = `stream-state${kind ? ` stream-${kind}` : ''}`;
    streamState.textContent = text;
  }

  function showActionResult(kind, text) {
    actionResult.className = `banner banner-${kind}`;
    actionResult.textContent = text;
    actionResult.hidden = false;
    // The button just pressed may disappear (Retry once not Failed): keep keyboard focus on the outcome.
    actionResult.focus();
  }

  function accepted(view, what, answer) {
    showActionResult('info', `${answer?.message ?? 'done'}: ${view.storeId}.`);
    announce(`${what} requested for store ${view.storeId}.`);
    onChange();
    reload(view);
  }

  async function act(view, what, call) {
    try {
      accepted(view, what, await call());
    } catch (error) {
      showActionResult('error', `${what} refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  retryButton.addEventListener('click', () => {
    const view = current;
    if (view) void act(view, 'Retry', () => api.retryStore(view.storeId));
  });
  hibernateButton.addEventListener('click', () => {
    const view = current;
    if (view) void act(view, 'Hibernation', () => api.hibernateStore(view.storeId));
  });
  // The answer comes when the check is done (seconds): the button waits with it.
  orderCheckButton.addEventListener('click', () => {
    const view = current;
    if (!view) return;
    orderCheckButton.disabled = true;
    showActionResult('info', `Placing a test order in ${view.storeId}…`);
    void api
      .checkOrder(view.storeId)
      .then((check) => {
        const failed = check.steps.find((step) => !step.ok);
        if (check.ok)
          showActionResult(
            'info',
            `Order check passed: order ${check.orderId} placed, seen in the admin and cancelled.`,
          );
        else
          showActionResult(
            'error',
            `Order check failed at "${failed?.name ?? 'start'}": ${failed?.message ?? 'no step ran'}`,
          );
        announce(`Order check of store ${view.storeId} ${check.ok ? 'passed' : 'failed'}.`);
        reload(view);
      })
      .catch((error) =>
        showActionResult('error', `Order check refused: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (orderCheckButton.disabled = false));
  });
  wakeButton.addEventListener('click', () => {
    const view = current;
    if (view) void act(view, 'Wake-up', () => api.wakeStore(view.storeId));
  });
  deleteButton.addEventListener('click', () => {
    const view = current;
    if (!view) return;
    void confirmDelete(view.storeId).then((confirmed) => {
      if (!confirmed) return deleteButton.focus();
      return act(view, 'Deletion', () => api.deleteStore(view.storeId));
    });
  });
  // A new key changes what we may see: read again and reconnect the stream with the new header.
  authEvents.addEventListener('keychange', () => {
    const storeId = current?.storeId;
    close();
    if (storeId) open(storeId);
  });

  return { open, close, current: () => current?.storeId };
}
