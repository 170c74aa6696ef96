// The dry runs: of a create (whether the store fits its plan) and of a change (what it would apply
// and why the store would refuse it); both show what the chart asks of the quota and the objects
// storefleet and the chart would create or update.
import { h } from './dom.js';
import { formatTotal, usageRow, usageTable } from './usage-view.js';

/** The quota table and the objects by source; parts with nothing to show are left out. */
function planDetails(plan, planName) {
  const bySource = (source) =>
    plan.objects
      .filter((o) => o.source === source)
      .map((o) => `${o.kind} ${o.name}${o.action === 'update' ? ' (update)' : ''}`);
  const objects = (source) =>
    bySource(source).length > 0 &&
    h('p', { class: 'hint' }, h('strong', null, `${source}: `), bySource(source).join(', '));
  return [
    plan.resources.length > 0 &&
      usageTable(
        `What the chart asks of plan ${planName}`,
        plan.resources.map((r) =>
          usageRow(
            r.resource,
            formatTotal(r.resource, r.requested),
            formatTotal(r.resource, r.quota),
            r.quota > 0 ? Math.min(1, r.requested / r.quota) : undefined,
          ),
        ),
      ),
    objects('storefleet'),
    objects('chart'),
  ];
}

export function renderPlan(plan) {
  return h(
    'div',
    { class: 'plan' },
    h(
      'p',
      { class: `banner ${plan.fits ? 'banner-info' : 'banner-error'}` },
      plan.fits
        ? `Fits plan ${plan.plan}${plan.existingPhase ? `; the store exists already (${plan.existingPhase}), so a create changes nothing` : ''}.`
        : `Does not fit plan ${plan.plan}: ${plan.problems.join('; ')}`,
    ),
    ...planDetails(plan, plan.plan),
  );
}

const release = (r) => `plan ${r.plan}, chart ${r.chartVersion ?? 'unknown'}`;

/** PATCH /stores/:id?dryRun=true: from what to what, the problems as a list, then the details. */
export function renderChangePlan(change) {
  return h(
    'div',
    { class: 'plan' },
    h(
      'p',
      { class: `banner ${change.fits ? 'banner-info' : 'banner-error'}` },
      change.fits
        ? `Fits: from ${release(change.from)} to ${release(change.to)}. Nothing changes until you apply it.`
        : `The store would refuse the change from ${release(change.from)} to ${release(change.to)}:`,
    ),
    change.problems.length > 0 &&
      h('ul', { class: 'problems' }, ...change.problems.map((problem) => h('li', null, problem))),
    ...planDetails(change, change.to.plan),
  );
}
