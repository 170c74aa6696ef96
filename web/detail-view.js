// Renders one store's detail from GET /stores/:id and its timeline: pure functions from data to DOM,
// so the controller (store-detail.js) decides when, and this file only how.
import { dataTable, fill, h, safeHref, when } from './dom.js';
import { conditionBadge, phaseBadge, resultBadge } from './phases.js';

/** The command that prints the admin password; the secret's values are never in the API, on purpose. */
export function kubectlCommand(secret, key = 'admin-password') {
  return `kubectl -n ${secret.namespace} get secret ${secret.name} -o jsonpath='{.data.${key}}' | base64 -d`;
}

const link = (url, text = url) => {
  const href = url && safeHref(url);
  return href
    ? h('a', { href, target: '_blank', rel: 'noopener' }, text)
    : h('span', { class: 'muted' }, 'not yet (set once Ready)');
};

function copyButton(text, what) {
  return h(
    'button',
    {
      type: 'button',
      class: 'small',
      'aria-label': `Copy ${what}`,
      onclick: (event) => {
        const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
        // Clipboard needs a secure context (https or localhost); on plain http the command stays selectable.
        navigator.clipboard?.writeText(text).then(
          () => ((button.textContent = 'Copied'), setTimeout(() => (button.textContent = 'Copy'), 1500)),
          () => (button.textContent = 'Select and copy by hand'),
        );
      },
    },
    'Copy',
  );
}

/**
 * The facts, links and secret of a store.
 * @param {any} store the Store body of GET /stores/:id
 */
export function renderSummary(store) {
  const command = kubectlCommand(store.adminSecret);
  const row = (term, ...value) => [h('dt', null, term), h('dd', null, ...value)];
  return h(
    'div',
    { class: 'summary' },
    store.live === false &&
      h(
        'p',
        { class: 'banner banner-warning' },
        `${store.detail ?? 'live detail unavailable'}. Is the worker running?`,
      ),
    h(
      'dl',
      { class: 'facts' },
      ...row('Phase', phaseBadge(store.phase)),
      ...row('Engine / plan', `${store.engine} / ${store.plan}`),
      store.chartVersion && row('Chart version', store.chartVersion),
      store.revision !== undefined && row('Release revision', String(store.revision)),
      ...row('Owner', store.owner),
      store.attempts !== undefined && row('Attempts', String(store.attempts)),
      ...row('Created', when(store.createdAt) || '–'),
      store.readyAt && row('Ready since', when(store.readyAt)),
      store.deletedAt && row('Deleted', when(store.deletedAt)),
      ...row('Store URL', link(store.url)),
      ...row('Admin URL', link(store.adminUrl)),
      ...row(
        'Temporal',
        h(
          'a',
          { href: safeHref(store.links.temporalUi) ?? '#', target: '_blank', rel: 'noopener', class: 'temporal-link' },
          `workflow store-${store.storeId} in the Temporal Web UI`,
        ),
      ),
    ),
    h(
      'div',
      { class: 'secret' },
      h('h3', null, 'Admin credentials'),
      h(
        'p',
        null,
        'In Secret ',
        h('code', null, store.adminSecret.name),
        ' of namespace ',
        h('code', null, store.adminSecret.namespace),
        ' (keys admin-username, admin-password). Read the password with:',
      ),
      h(
        'div',
        { class: 'command' },
        h('code', { class: 'kubectl', tabindex: 0 }, command),
        copyButton(command, 'the kubectl command'),
      ),
    ),
  );
}

/** lastError in a box that cannot be missed, with the next step. */
export function renderLastError(store) {
  if (!store.lastError) return false;
  return h(
    'div',
    { class: 'last-error', role: 'note' },
    h('h3', null, store.phase === 'Failed' ? 'Why it failed' : 'Last error'),
    h('p', { class: 'error-text' }, store.lastError),
    store.phase === 'Failed' &&
      h(
        'p',
        { class: 'hint' },
        'Fix the cause (docs/store-status.md lists the reasons), then Retry. Everything created so far is kept for inspection.',
      ),
  );
}

const release = (r) => `plan ${r.plan}, chart ${r.chartVersion ?? 'unknown'}`;

/** How the last plan change or chart upgrade went (or goes), with the store's own message. */
export function renderLastChange(store) {
  const change = store.lastChange;
  if (!change) return false;
  const ended = change.finishedAt ? `, ended ${when(change.finishedAt)}` : '';
  return h(
    'div',
    { class: 'last-change', 'data-result': change.result },
    h('h3', null, 'Last change'),
    h(
      'p',
      null,
      resultBadge(change.result),
      ` from ${release(change.from)} to ${release(change.to)}${change.revision !== undefined ? `; release revision ${change.revision}` : ''}`,
    ),
    h('p', { class: 'change-message' }, change.message),
    h('p', { class: 'hint' }, `Asked by ${change.requestedBy}, started ${when(change.startedAt)}${ended}.`),
  );
}

export function renderConditions(conditions) {
  if (!conditions?.length)
    return h('p', { class: 'muted' }, 'No conditions (the live status is unavailable, or the store is gone).');
  return dataTable(
    'conditions',
    'Conditions',
    ['Condition', 'Status', 'Reason and message', 'Since'],
    conditions.map((c) =>
      h(
        'tr',
        { 'data-condition': c.type },
        h('th', { scope: 'row', 'data-label': 'Condition' }, c.type),
        h('td', { 'data-label': 'Status' }, conditionBadge(c.status)),
        h(
          'td',
          { 'data-label': 'Reason', class: 'condition-detail' },
          h('strong', null, c.reason),
          c.message && h('span', { class: 'condition-message' }, c.message),
        ),
        h(
          'td',
          { 'data-label': 'Since' },
          h('time', { datetime: c.lastTransitionTime, title: c.lastTransitionTime }, when(c.lastTransitionTime)),
        ),
      ),
    ),
  );
}

/** The timeline, newest first: the latest step is what people look for. */
export function renderTimeline(list, events) {
  if (events.length === 0) return fill(list, h('li', { class: 'muted' }, 'No events yet.'));
  return fill(
    list,
    ...[...events]
      .reverse()
      .map((e) =>
        h(
          'li',
          { class: `event event-${e.type === 'Warning' ? 'warning' : 'normal'}` },
          h('time', { datetime: e.time, title: e.time }, when(e.time)),
          ' ',
          h('span', { class: 'event-type' }, e.type === 'Warning' ? 'Warning' : 'Normal'),
          ' ',
          h('strong', { class: 'event-reason' }, e.reason),
          ' ',
          h('span', { class: 'event-message' }, e.message),
        ),
      ),
  );
}
