// What a store, or the fleet, uses of its plans: the ResourceQuota's used against hard per resource.
import { dataTable, h } from './dom.js';

const binary = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Fleet totals are plain numbers: cores for cpu, bytes for memory and storage, else counts. */
export function formatTotal(resource, value) {
  if (/memory|storage/.test(resource)) {
    const [unit, size] = binary.find(([, size]) => value >= size) ?? ['', 1];
    return `${Number((value / size).toFixed(1))}${unit}`;
  }
  return String(Number(value.toFixed(3)));
}

export function usageRow(resource, used, hard, fraction) {
  return h(
    'tr',
    { 'data-resource': resource },
    h('th', { scope: 'row', 'data-label': 'Resource' }, resource),
    h('td', { 'data-label': 'Used' }, `${used} of ${hard}`),
    h(
      'td',
      { 'data-label': 'Share' },
      fraction === undefined
        ? '–'
        : h('meter', {
            min: '0',
            max: '1',
            low: '0.7',
            high: '0.9',
            optimum: '0',
            value: String(fraction),
            'aria-label': `${resource} ${Math.round(fraction * 100)}% used`,
          }),
      fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`,
    ),
  );
}

export function usageTable(caption, rows) {
  return dataTable('conditions usage', caption, ['Resource', 'Used', 'Share'], rows);
}

export function renderStoreUsage(usage) {
  if (!usage.found)
    return h(
      'p',
      { class: 'muted' },
      'No quota yet: the namespace and its guardrails are not there (yet, or any more).',
    );
  return h(
    'div',
    null,
    usageTable(
      `Quota of plan ${usage.plan}`,
      usage.quota.map((q) => usageRow(q.resource, q.used, q.hard, q.usedFraction)),
    ),
    usage.volumes.length > 0 &&
      h(
        'p',
        { class: 'hint' },
        `Volumes: ${usage.volumes.map((v) => `${v.name} ${v.capacity ?? v.requested} (${v.phase})`).join('; ')}`,
      ),
  );
}

export function renderFleetUsage(fleet) {
  if (fleet.stores.length === 0) return h('p', { class: 'muted' }, 'No store has a quota yet.');
  return h(
    'div',
    null,
    h('p', { class: 'hint' }, `${fleet.stores.length} stores; totals of their quotas:`),
    usageTable(
      'Fleet totals',
      fleet.totals.map((t) =>
        usageRow(t.resource, formatTotal(t.resource, t.used), formatTotal(t.resource, t.hard), t.usedFraction),
      ),
    ),
  );
}
