// Fleet upgrades: start one from the form (POST /fleet/upgrades), list them newest first, and follow
// the selected one wave by wave, polling every 2 s until it has ended. Pause, Resume and Cancel act
// before its next wave; the buttons follow its state.
import { api, ApiError, authEvents } from './api.js';
import { announce, fill, h, when } from './dom.js';
import { showApiError } from './form-error.js';
import { resultBadge } from './phases.js';
import { renderUpgradeSummary, renderWaves } from './upgrade-view.js';

const pollMs = 2000;
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** The request in the form: numbers and selector parts only where filled in (the API has defaults). */
function requestOf(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? '').trim();
  const numbers = ['waveSize', 'maxFailures', 'pauseBetweenWavesSeconds']
    .filter((name) => text(name) !== '')
    .map((name) => [name, Number(text(name))]);
  const storeIds = text('storeIds')
    .split(/[\s,]+/)
    .filter(Boolean);
  const selector = {
    ...(text('owner') && { owner: text('owner') }),
    ...(text('plan') && { plan: text('plan') }),
    ...(storeIds.length > 0 && { storeIds }),
  };
  return {
    engine: text('engine'),
    chartVersion: text('chartVersion'),
    ...Object.fromEntries(numbers),
    ...(Object.keys(selector).length > 0 && { selector }),
  };
}

export function setupFleetUpgrades() {
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ ($('upgrade-form'));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const formError = $('upgrade-error');
  const listState = $('upgrade-list-state');
  const list = $('upgrade-list');
  const detail = $('upgrade-detail');
  const heading = $('upgrade-heading');
  const summary = $('upgrade-summary');
  const waves = $('upgrade-waves');
  const actionResult = $('upgrade-action-result');
  const buttons = { pause: $('upgrade-pause'), resume: $('upgrade-resume'), cancel: $('upgrade-cancel') };
  /** @type {Array<{ id: string, running: boolean, startedAt: string }>} */
  let upgrades = [];
  /** @type {{ id: string, upgrade?: any, rendered?: string, timer?: number } | undefined} */
  let selected;

  async function refreshList() {
    try {
      upgrades = (await api.listFleetUpgrades()).upgrades;
      renderList();
    } catch (error) {
      listState.className = 'list-state error';
      fill(
        listState,
        h('strong', null, 'Could not load the fleet upgrades: '),
        error instanceof ApiError && error.status === 401 ? 'enter a valid API key at the top.' : messageOf(error),
      );
    }
  }

  function renderList() {
    // The list comes from Temporal's visibility store, a moment behind a start: the selected one is always in it.
    const shown =
      selected && !upgrades.some((u) => u.id === selected?.id)
        ? [{ id: selected.id, running: true, startedAt: selected.upgrade?.startedAt }, ...upgrades]
        : upgrades;
    listState.className = shown.length > 0 ? 'list-state' : 'list-state empty';
    fill(
      listState,
      shown.length > 0
        ? `${shown.length} ${shown.length === 1 ? 'upgrade' : 'upgrades'}; select one for its waves.`
        : 'No fleet upgrades yet: start one with the form.',
    );
    fill(
      list,
      ...shown.map((u) => {
        const isCurrent = u.id === selected?.id;
        const state = isCurrent && selected?.upgrade ? selected.upgrade.state : u.running ? 'Running' : undefined;
        return h(
          'li',
          { 'data-upgrade': u.id, class: isCurrent ? 'current' : false },
          h(
            'button',
            { type: 'button', class: 'small', 'aria-current': isCurrent ? 'true' : false, onclick: () => select(u.id) },
            `Upgrade ${u.id}`,
          ),
          ' ',
          state ? resultBadge(state) : h('span', { class: 'muted' }, 'ended'),
          u.startedAt && h('span', { class: 'muted' }, ` started ${when(u.startedAt)}`),
        );
      }),
    );
  }

  function select(id) {
    if (selected) clearTimeout(selected.timer);
    selected = { id };
    detail.hidden = false;
    heading.textContent = `Upgrade ${id}`;
    fill(summary, h('p', { class: 'muted' }, 'Loading…'));
    fill(waves);
    actionResult.hidden = true;
    for (const button of Object.values(buttons)) button.hidden = true;
    renderList();
    heading.focus();
    void load(selected);
  }

  async function load(view) {
    clearTimeout(view.timer);
    let more = true;
    try {
      const upgrade = await api.getFleetUpgrade(view.id);
      if (view !== selected) return;
      show(view, upgrade);
      more = !upgrade.finishedAt;
    } catch (error) {
      if (view !== selected) return;
      // Not found, or ended by hand (409): nothing more will come. Anything else may be a blip: keep trying.
      more = !(error instanceof ApiError && [400, 404, 409].includes(error.status));
      if (!more) for (const button of Object.values(buttons)) button.hidden = true;
      if (!more || !view.upgrade)
        fill(
          summary,
          h('p', { class: 'banner banner-error' }, `Could not read upgrade ${view.id}: ${messageOf(error)}`),
        );
    } finally {
      if (view === selected && more) view.timer = setTimeout(() => poll(view), pollMs);
    }
  }

  // A hidden tab does not poll; it catches up when shown again.
  const poll = (view) => (document.hidden ? (view.timer = setTimeout(() => poll(view), pollMs)) : void load(view));

  function show(view, upgrade) {
    const previous = view.upgrade?.state;
    view.upgrade = upgrade;
    if (previous !== upgrade.state) {
      if (previous) announce(`Fleet upgrade ${upgrade.id} is now ${upgrade.state}.`);
      // What a button asked for is history once the upgrade has ended; a refusal after the end stays.
      if (previous && upgrade.finishedAt) hideActionResult();
      void refreshList();
    }
    // Re-render only what changed, so focus survives the polling.
    const snapshot = JSON.stringify(upgrade);
    if (snapshot !== view.rendered) {
      view.rendered = snapshot;
      detail.dataset.state = upgrade.state;
      fill(summary, renderUpgradeSummary(upgrade));
      fill(waves, renderWaves(upgrade));
    }
    const ended = Boolean(upgrade.finishedAt);
    buttons.pause.hidden = ended || upgrade.state !== 'Running';
    buttons.resume.hidden = ended || upgrade.state !== 'Paused';
    buttons.cancel.hidden = ended;
  }

  function showActionResult(kind, text) {
    actionResult.className = `banner banner-${kind}`;
    actionResult.textContent = text;
    actionResult.hidden = false;
    // The button just pressed may disappear (Pause once Paused): keep keyboard focus on the outcome.
    actionResult.focus();
  }

  function hideActionResult() {
    const hadFocus = document.activeElement === actionResult;
    actionResult.hidden = true;
    if (hadFocus) heading.focus();
  }

  for (const [action, button] of Object.entries(buttons)) {
    button.addEventListener('click', () => {
      const view = selected;
      if (!view) return;
      /** @type {HTMLButtonElement} */ (button).disabled = true;
      api
        .actOnFleetUpgrade(view.id, action)
        .then((answer) => {
          showActionResult('info', `${answer.message}.`);
          announce(`${action} requested for fleet upgrade ${view.id}.`);
        })
        .catch((error) => showActionResult('error', `${action} refused: ${messageOf(error)}`))
        .finally(() => {
          /** @type {HTMLButtonElement} */ (button).disabled = false;
          if (view === selected) void load(view);
        });
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    formError.hidden = true;
    submit.disabled = true;
    api
      .startFleetUpgrade(requestOf(form))
      .then((answer) => {
        announce(`${answer.message}: upgrade ${answer.id}.`);
        select(answer.id);
      })
      .catch((error) =>
        showApiError(formError, error, {
          otherwise: 'Not started: ',
          hints: { forbidden: 'An owner key upgrades only its own stores: leave the owner empty.' },
        }),
      )
      .finally(() => {
        submit.disabled = false;
      });
  });

  authEvents.addEventListener('keychange', () => {
    if (selected) clearTimeout(selected.timer);
    selected = undefined;
    detail.hidden = true;
    void refreshList();
  });

  void refreshList();
}
