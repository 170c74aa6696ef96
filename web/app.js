// Entry point: wires the parts together and routes by URL hash (#/stores/<id> opens a store), so a
// store's detail can be bookmarked and Back works, without a server-side router or a build step.
import { api } from './api.js';
import { setupApiKey } from './api-key.js';
import { setupCreateForm } from './create-form.js';
import { setupCreationPause } from './creation-pause.js';
import { setupFleetUpgrades } from './fleet-upgrades.js';
import { lazyDetails } from './lazy-details.js';
import { setupStoreDetail } from './store-detail.js';
import { setupStoreList } from './store-list.js';
import { renderFleetUsage } from './usage-view.js';

setupApiKey();
const detail = setupStoreDetail({ onChange: () => void list.refresh() });
const list = setupStoreList({ selected: () => detail.current() });
lazyDetails({
  details: /** @type {HTMLDetailsElement} */ (document.getElementById('fleet-usage')),
  body: /** @type {HTMLElement} */ (document.getElementById('fleet-usage-body')),
  what: 'the fleet usage',
  key: () => 'fleet',
  load: () => api.getFleetUsage(),
  render: renderFleetUsage,
});
setupFleetUpgrades();
const createForm = setupCreateForm({
  onCreated: (storeId) => {
    void list.refresh();
    location.hash = `#/stores/${encodeURIComponent(storeId)}`;
  },
  onAttempt: () => void creationPause.refresh(),
});
const creationPause = setupCreationPause({ onChange: (paused) => createForm.setPaused(paused) });

function route({ focus }) {
  const match = /^#\/stores\/([^/]+)$/.exec(location.hash);
  if (match) {
    detail.open(decodeURIComponent(match[1]));
    // Keyboard and screen-reader users land on what they just opened.
    if (focus) document.getElementById('detail-heading')?.focus();
  } else {
    detail.close();
  }
  list.render();
}

window.addEventListener('hashchange', () => route({ focus: true }));
route({ focus: false });
