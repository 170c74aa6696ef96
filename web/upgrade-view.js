// Renders a fleet upgrade from GET /fleet/upgrades/:id: its state and why, what it asked for, and one
// table per wave with each store's result and the release it runs. Pure functions from data to DOM;
// fleet-upgrades.js decides when.
import { dataTable, h, when } from './dom.js';
import { resultBadge } from './phases.js';

const selectorText = (selector) =>
  selector && Object.keys(selector).length > 0
    ? Object.entries(selector)
        .map(([part, value]) => `${part} ${Array.isArray(value) ? value.join(', ') : String(value)}`)
        .join('; ')
    : 'every running store of the chart';

export function renderUpgradeSummary(upgrade) {
  const { spec } = upgrade;
  const row = (term, ...value) => [h('dt', null, term), h('dd', null, ...value)];
  const between = spec.pauseBetweenWavesSeconds ? `, ${spec.pauseBetweenWavesSeconds} s between waves` : '';
  return h(
    'dl',
    { class: 'facts' },
    ...row('State', resultBadge(upgrade.state)),
    upgrade.reason && row('Why', upgrade.reason),
    ...row('Upgrade', `${spec.engine} to chart ${spec.chartVersion}`),
    ...row('Stores', selectorText(spec.selector)),
    ...row(
      'Waves',
      `${spec.waveSize} ${spec.waveSize === 1 ? 'store' : 'stores'} at once; stops when a wave has more than ${spec.maxFailures} failed${between}`,
    ),
    ...row('Asked by', spec.requestedBy),
    ...row('Started', when(upgrade.startedAt)),
    upgrade.finishedAt && row('Ended', when(upgrade.finishedAt)),
  );
}

const storeRow = (store) =>
  h(
    'tr',
    { 'data-store': store.storeId },
    h(
      'th',
      { scope: 'row', 'data-label': 'Store' },
      h('a', { href: `#/stores/${encodeURIComponent(store.storeId)}` }, store.storeId),
    ),
    h('td', { 'data-label': 'Result' }, resultBadge(store.result)),
    h('td', { 'data-label': 'Chart' }, store.chartVersion ?? '–'),
    h('td', { 'data-label': 'Revision' }, store.revision === undefined ? '–' : String(store.revision)),
    h('td', { 'data-label': 'Message', class: 'condition-detail' }, store.message ?? ''),
  );

export function renderWaves(upgrade) {
  if (upgrade.waves.length === 0)
    return h('p', { class: 'muted' }, upgrade.finishedAt ? 'No running store matched.' : 'Picking the stores…');
  return upgrade.waves.map((wave) =>
    h(
      'div',
      { class: 'wave', 'data-wave': wave.number, 'data-state': wave.state },
      h(
        'h4',
        null,
        `Wave ${wave.number} `,
        resultBadge(wave.state),
        wave.failures > 0 ? ` ${wave.failures} failed` : '',
      ),
      h(
        'div',
        { class: 'table-wrap' },
        dataTable(
          'fleet-wave',
          `Wave ${wave.number}: ${wave.state}, ${wave.failures} failed`,
          ['Store', 'Result', 'Chart', 'Revision', 'Message'],
          wave.stores.map(storeRow),
        ),
      ),
    ),
  );
}
