// The dry run of a create: whether the store fits its plan, what the chart asks of the quota, and
// the objects storefleet and the chart would create or update.
import { h } from './dom.js';
import { formatTotal, usageRow, usageTable } from './usage-view.js';

export function renderPlan(plan) {
  const bySource = (source) => plan.objects.filter((o) => o.source === source).map((o) => `${o.kind} ${o.name}${o.action === 'update' ? ' (update)' : ''}`);
  return h(
    'div',
    { class: 'plan' },
    h(
      'p',
      { class: `banner ${plan.fits ? 'banner-info' : 'banner-error'}` },
      plan.fits ? `Fits plan ${plan.plan}${plan.existingPhase ? `; the store exists already (${plan.existingPhase}), so a create changes nothing` : ''}.` : `Does not fit plan ${plan.plan}: ${plan.problems.join('; ')}`,
    ),
    usageTable(
      `What the chart asks of plan ${plan.plan}`,
      plan.resources.map((r) => usageRow(r.resource, formatTotal(r.resource, r.requested), formatTotal(r.resource, r.quota), r.quota > 0 ? Math.min(1, r.requested / r.quota) : undefined)),
    ),
    h('p', { class: 'hint' }, h('strong', null, 'storefleet: '), bySource('storefleet').join(', ')),
    h('p', { class: 'hint' }, h('strong', null, 'chart: '), bySource('chart').join(', ')),
  );
}
