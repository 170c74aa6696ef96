// The creation pause: while an admin has paused the creation of new stores for the platform, a banner at
// the top of the page says so, why, by which key and since when, and the create form cannot be sent. The
// state (GET /api/v1/admin/creation-pause, which every key may read) is read on page load, every 10 s and
// after each create attempt, so the banner goes within 10 s of the resume.
import { api, authEvents } from './api.js';
import { fill, h } from './dom.js';

const pollMs = 10_000;

/** "since" as this browser writes dates, with the exact time in the element's datetime. */
function since(pausedAt) {
  const at = new Date(pausedAt);
  return Number.isNaN(at.getTime()) ? String(pausedAt) : h('time', { datetime: pausedAt }, at.toLocaleString());
}

/**
 * @param {{ onChange: (paused: boolean) => void }} options called with every state read
 * @returns {{ refresh: () => Promise<void> }}
 */
export function setupCreationPause({ onChange }) {
  const banner = /** @type {HTMLElement} */ (document.getElementById('pause-banner'));
  const text = /** @type {HTMLElement} */ (document.getElementById('pause-banner-text'));

  function show(state) {
    const paused = state?.paused === true;
    banner.hidden = !paused;
    if (paused)
      fill(
        text,
        h('strong', null, 'Creating stores is paused'),
        ' for the whole platform: ',
        h('span', { id: 'pause-banner-reason' }, String(state.reason)),
        '. Paused by admin key ',
        h('code', null, String(state.pausedBy)),
        ' since ',
        since(state.pausedAt),
        '. Existing stores keep working; new ones can be created once an admin resumes.',
      );
    else text.replaceChildren();
    onChange(paused);
  }

  async function refresh() {
    try {
      show(await api.getCreationPause());
    } catch {
      // Kept as it was: a missing key is asked for by the key banner, an API away is said by the list.
    }
  }

  void refresh();
  authEvents.addEventListener('keychange', () => void refresh());
  setInterval(() => void refresh(), pollMs);
  return { refresh };
}
