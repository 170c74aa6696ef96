// "Change plan or chart" of the open store, shown only while it is Ready: the dry run first (what
// the change would apply, or why the store would refuse it), then PATCH /stores/:id. A refusal shows
// the API's own message; an accepted change is handed to the detail, which follows the store.
import { api } from './api.js';
import { announce, fill, h } from './dom.js';
import { showApiError } from './form-error.js';
import { renderChangePlan } from './plan-view.js';

/**
 * @param {{ onApplied: (storeId: string, answer: any) => void }} options onApplied: the API accepted
 *   the change (202) with this answer
 */
export function setupChangeForm({ onApplied }) {
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const section = $('change-section');
  const form = /** @type {HTMLFormElement} */ ($('change-form'));
  const planSelect = /** @type {HTMLSelectElement} */ (form.elements.namedItem('plan'));
  const chartInput = /** @type {HTMLInputElement} */ (form.elements.namedItem('chartVersion'));
  const checkButton = /** @type {HTMLButtonElement} */ ($('change-check'));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const error = $('change-error');
  const result = $('change-result');
  /** @type {any} */
  let store;
  let release = '';

  /** Every read of the open store (undefined: none is open). The form starts over when its release changed. */
  function show(next) {
    store = next;
    section.hidden = next?.phase !== 'Ready';
    const now = next ? `${next.storeId}|${next.plan}|${next.chartVersion}` : '';
    if (now === release) return; // the user may be typing: polling must not wipe the form
    release = now;
    form.reset();
    if (next) {
      planSelect.value = next.plan;
      chartInput.placeholder = next.chartVersion ?? '';
    }
    error.hidden = true;
    result.hidden = true;
    fill(result);
  }

  /** The plan always (the same plan is no change); the chart version only when one is typed. */
  function change() {
    const chartVersion = chartInput.value.trim();
    return { plan: planSelect.value, ...(chartVersion ? { chartVersion } : {}) };
  }

  /** One call with its button disabled; the answer only counts if the same store is still open. */
  function send(button, call, then) {
    const storeId = store?.storeId;
    if (!storeId) return;
    button.disabled = true;
    error.hidden = true;
    call(storeId, change())
      .then((answer) => store?.storeId === storeId && then(storeId, answer))
      .catch((refusal) => {
        if (store?.storeId !== storeId) return;
        result.hidden = true;
        showApiError(error, refusal, {
          otherwise: 'Not changed: ',
          hints: { change_refused: 'Check first (dry run) lists what stands in the way.' },
        });
      })
      .finally(() => {
        button.disabled = false;
      });
  }

  checkButton.addEventListener('click', () => {
    fill(result, h('p', { class: 'muted' }, 'Asking a worker to render the change…'));
    result.hidden = false;
    send(checkButton, api.planChange, (storeId, plan) => {
      fill(result, renderChangePlan(plan));
      announce(
        plan.fits
          ? `The change of store ${storeId} fits.`
          : `Store ${storeId} would refuse the change: ${plan.problems.join('; ')}`,
      );
    });
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    result.hidden = true;
    send(submit, api.changeStore, onApplied);
  });

  return { show };
}
