// The audit trail of the open store (GET /stores/:id/history): who asked, each step with its attempts
// and the cause of its retries, phase changes, signals and updates.
import { dataTable, h, when } from './dom.js';

const seconds = (from, to) => `${Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`;

function outcomeOf(entry) {
  if (entry.kind !== 'step') return entry.detail ?? '';
  const parts = [
    entry.outcome === 'running'
      ? 'running'
      : `${entry.outcome}${entry.endedAt ? ` in ${seconds(entry.time, entry.endedAt)}` : ''}`,
  ];
  if (entry.attempts > 1) parts.push(`${entry.attempts} attempts`);
  return h(
    'span',
    null,
    parts.join(', '),
    entry.retryCause && h('span', { class: 'condition-message' }, `retried after: ${entry.retryCause}`),
    entry.error && h('span', { class: 'condition-message' }, entry.error),
  );
}

export function renderHistory(history) {
  if (!history.timeline.length) return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  return h(
    'div',
    null,
    history.truncated &&
      h(
        'p',
        { class: 'hint' },
        `Only the last ${history.runs} workflow runs are shown; the Temporal UI has the older ones.`,
      ),
    dataTable(
      'conditions history',
      'Audit trail, oldest first',
      ['When', 'What', 'Who', 'Result'],
      history.timeline.map((entry) =>
        h(
          'tr',
          { 'data-kind': entry.kind, 'data-outcome': entry.outcome ?? '' },
          h('td', { 'data-label': 'When' }, h('time', { datetime: entry.time, title: entry.time }, when(entry.time))),
          h('th', { scope: 'row', 'data-label': 'What' }, entry.title),
          h('td', { 'data-label': 'Who' }, entry.by ?? ''),
          h('td', { 'data-label': 'Result' }, outcomeOf(entry)),
        ),
      ),
    ),
  );
}
