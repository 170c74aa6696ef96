// The "Create a store" form: checks the store id as the user types (the API's own rule), then POSTs
// and shows the API's message verbatim when it refuses (409 store_exists, 403 quota, 400 ...).
// "Check first" asks for the dry run and shows what would be made and whether it fits the plan.
import { api, ApiError } from './api.js';
import { announce, fill, h } from './dom.js';
import { showApiError } from './form-error.js';
import { renderPlan } from './plan-view.js';
import { storeIdProblem } from './store-id.js';

/**
 * @param {{ onCreated: (storeId: string) => void, onAttempt?: () => void }} options onAttempt: after
 *   every create, accepted or refused
 * @returns {{ setPaused: (paused: boolean) => void }} while paused (creating stores is paused by an
 *   admin), the form cannot be sent
 */
export function setupCreateForm({ onCreated, onAttempt }) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('create-form'));
  const idInput = /** @type {HTMLInputElement} */ (form.elements.namedItem('storeId'));
  const idError = /** @type {HTMLElement} */ (document.getElementById('store-id-error'));
  const formError = /** @type {HTMLElement} */ (document.getElementById('create-error'));
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const planButton = /** @type {HTMLButtonElement} */ (document.getElementById('plan-button'));
  const planResult = /** @type {HTMLElement} */ (document.getElementById('create-plan'));
  // Errors appear once the user has left the field or tried to submit, not on the first keystroke.
  let touched = false;
  let paused = false;
  let sending = false;

  function setPaused(value) {
    paused = value;
    submit.disabled = paused || sending;
    submit.title = paused ? 'Creating stores is paused: see the banner at the top' : '';
    if (paused) submit.setAttribute('aria-describedby', 'pause-banner-text');
    else submit.removeAttribute('aria-describedby');
  }

  function showIdProblem(problem) {
    idError.textContent = problem;
    idError.hidden = !problem;
    idInput.setAttribute('aria-invalid', problem ? 'true' : 'false');
  }

  function check() {
    const problem = storeIdProblem(idInput.value);
    if (touched || !problem) showIdProblem(problem);
    return problem;
  }

  function showFormError(error) {
    showApiError(formError, error, { otherwise: 'Not created: ', hints });
    // The field the API named gets the message too, so it is read out where the user will fix it.
    const idDetail = error instanceof ApiError ? error.details.find((d) => d.field === 'storeId') : undefined;
    if (idDetail) showIdProblem(idDetail.message);
  }

  idInput.addEventListener('input', () => {
    formError.hidden = true;
    check();
  });
  idInput.addEventListener('blur', () => {
    if (idInput.value) touched = true;
    check();
  });

  /** The spec in the form, or undefined (focus on the id) when the id breaks the rule. */
  function validSpec() {
    touched = true;
    if (check()) {
      idInput.focus();
      return undefined;
    }
    const data = new FormData(form);
    formError.hidden = true;
    return { storeId: idInput.value, engine: String(data.get('engine')), plan: String(data.get('plan')) };
  }

  planButton.addEventListener('click', () => {
    const spec = validSpec();
    if (!spec) return;
    planButton.disabled = true;
    fill(planResult, h('p', { class: 'muted' }, 'Asking a worker to render the store…'));
    planResult.hidden = false;
    api
      .planStore(spec)
      .then((plan) => {
        fill(planResult, renderPlan(plan));
        announce(
          plan.fits
            ? `Store ${spec.storeId} fits plan ${spec.plan}.`
            : `Store ${spec.storeId} does not fit plan ${spec.plan}.`,
        );
      })
      .catch((error) => {
        planResult.hidden = true;
        showFormError(error);
      })
      .finally(() => {
        planButton.disabled = false;
      });
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const spec = validSpec();
    if (!spec || paused) return;
    sending = true;
    submit.disabled = true;
    planResult.hidden = true;
    api
      .createStore(spec)
      .then(({ created }) => {
        announce(
          created
            ? `Store ${spec.storeId} created; provisioning has started.`
            : `Store ${spec.storeId} already exists with the same engine and plan; showing it.`,
        );
        form.reset();
        touched = false;
        showIdProblem('');
        onCreated(spec.storeId);
      })
      .catch((error) => {
        showFormError(error);
        announce(`Store ${spec.storeId} was not created: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        sending = false;
        submit.disabled = paused;
        onAttempt?.();
      });
  });
  return { setPaused };
}

/** How to get past the refusals of a create that a person can act on. */
const hints = {
  store_exists: 'Pick another id, or open the existing store from the list.',
  store_id_taken: 'Another owner uses this id: pick another one.',
  store_deleting: 'Wait until the old store is Deleted, then create it again.',
  store_quota_exceeded: 'Delete a store you no longer need, or ask an admin for a higher limit.',
  creation_paused: 'Existing stores keep working; create it again once an admin resumes store creation.',
};
