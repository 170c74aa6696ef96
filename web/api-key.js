// The API key field. The key lives in localStorage (this browser only) and goes out as
// "Authorization: Bearer <key>". When the API answers 401 the banner asks for a key and the field
// gets focus, because nothing else on the page can work until a valid key is set.
import { authEvents, getKey, setKey } from './api.js';
import { announce } from './dom.js';

export function setupApiKey() {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('key-form'));
  const input = /** @type {HTMLInputElement} */ (document.getElementById('api-key'));
  const clear = /** @type {HTMLButtonElement} */ (document.getElementById('key-clear'));
  const state = /** @type {HTMLElement} */ (document.getElementById('key-state'));
  const banner = /** @type {HTMLElement} */ (document.getElementById('auth-banner'));
  const bannerText = /** @type {HTMLElement} */ (document.getElementById('auth-banner-text'));

  const showState = () => {
    state.textContent = getKey() ? 'key saved in this browser' : 'no key (fine when the API runs without keys)';
    clear.disabled = !getKey();
  };
  input.value = getKey();
  showState();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setKey(input.value.trim());
    banner.hidden = true;
    showState();
    announce(getKey() ? 'API key saved; reloading the stores.' : 'API key cleared.');
  });

  clear.addEventListener('click', () => {
    input.value = '';
    setKey('');
    showState();
    announce('API key cleared.');
    input.focus();
  });

  let prompted = false;
  authEvents.addEventListener('unauthorized', (event) => {
    const error = /** @type {CustomEvent} */ (event).detail;
    bannerText.textContent = getKey()
      ? `The API did not accept the saved key (${error.message}). Enter a valid key.`
      : `The API needs a key (${error.message}). Enter your API key above.`;
    const wasHidden = banner.hidden;
    banner.hidden = false;
    // Focus the field once per refusal streak; polling 401s must not keep stealing focus.
    if (wasHidden && !prompted) {
      prompted = true;
      input.focus();
      input.select();
    }
  });
  authEvents.addEventListener('keychange', () => {
    prompted = false;
  });
}
