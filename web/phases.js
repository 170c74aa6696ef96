// How a phase looks: colour, an icon of its own shape and the phase name as text, so it reads the
// same without colour (colour-blind users, greyscale prints, screen readers). Meanings follow
// docs/store-status.md.
import { h, svg } from './dom.js';

export const phaseNames = ['Provisioning', 'Ready', 'Upgrading', 'Hibernated', 'Failed', 'Deleting', 'Deleted'];

/** SVG paths in a 16x16 box; inline so there is nothing to fetch and no font to depend on. */
/** A circle two-thirds drawn: work in progress. */
const arc = (attributes = {}) =>
  svg('path', {
    d: 'M8 2a6 6 0 1 1-6 6',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': 2.2,
    'stroke-linecap': 'round',
    ...attributes,
  });

const icons = {
  // the arc alone (it spins unless the user prefers reduced motion)
  Provisioning: () => arc(),
  // an arrow up inside the spinning arc: a plan change or chart upgrade in progress (only the arc spins)
  Upgrading: () => [
    arc({ class: 'phase-spin' }),
    svg('path', {
      d: 'M8 11V5.2M5.6 7.4L8 5l2.4 2.4',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.8,
      'stroke-linecap': 'round',
    }),
  ],
  // a check mark in a disc
  Ready: () => [
    svg('circle', { cx: 8, cy: 8, r: 7, fill: 'currentColor' }),
    svg('path', { d: 'M4.5 8.2l2.3 2.3 4.7-4.8', fill: 'none', stroke: '#fff', 'stroke-width': 2 }),
  ],
  // a crescent moon: asleep
  Hibernated: () => svg('path', { d: 'M10.5 1.5a6.5 6.5 0 1 0 4 11.2A5.2 5.2 0 0 1 10.5 1.5z', fill: 'currentColor' }),
  // an exclamation mark in a triangle
  Failed: () => [
    svg('path', { d: 'M8 1.2l7 13H1z', fill: 'currentColor' }),
    svg('path', { d: 'M8 6v4M8 11.6v1.2', stroke: '#fff', 'stroke-width': 1.8 }),
  ],
  // a minus in a ring: going away
  Deleting: () => [
    svg('circle', { cx: 8, cy: 8, r: 6.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8 }),
    svg('path', { d: 'M4.8 8h6.4', stroke: 'currentColor', 'stroke-width': 2 }),
  ],
  // an empty dashed ring: gone
  Deleted: () =>
    svg('circle', {
      cx: 8,
      cy: 8,
      r: 6.5,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.6,
      'stroke-dasharray': '2.5 2',
    }),
};

const hints = {
  Provisioning: 'an attempt is running',
  Ready: 'the store is up',
  Upgrading: 'a plan change or chart upgrade is running; a release that does not get ready is rolled back',
  Hibernated: 'scaled to zero, data kept; Wake brings it back',
  Failed: 'the attempt stopped; see lastError, then Retry',
  Deleting: 'the store is being torn down',
  Deleted: 'everything is gone',
};

/** An icon of one of the looks above, then the text; the class colours it. */
function badge(className, title, look, text, data = {}) {
  return h(
    'span',
    { class: `phase ${className}`, title, ...data },
    svg(
      'svg',
      { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false', class: 'phase-icon' },
      ...[look ? icons[look]() : svg('circle', { cx: 8, cy: 8, r: 3, fill: 'currentColor' })].flat(),
    ),
    h('span', { class: 'phase-name' }, text),
  );
}

/** The phase as a badge: icon + name, coloured by a class; title explains what it means. */
export function phaseBadge(phase) {
  const known = phaseNames.includes(phase);
  return badge(
    `phase-${known ? phase.toLowerCase() : 'unknown'}`,
    known ? `${phase}: ${hints[phase]}` : phase,
    known ? phase : undefined,
    phase || 'Unknown',
    { 'data-phase': phase },
  );
}

/** A condition status (True/False/Unknown) with the same icon-and-text rule. */
export function conditionBadge(status) {
  const look = status === 'True' ? 'Ready' : status === 'False' ? 'Failed' : 'Deleted';
  return badge(`condition-${String(status).toLowerCase()}`, `condition status ${status}`, look, status);
}

/**
 * The outcome of a change (a store's last change, a fleet upgrade, its waves and stores), drawn with
 * the look of the phase that means the same: done, in progress, failed, waiting, not reached.
 */
const results = {
  Upgraded: ['Ready', 'the store runs the new release'],
  AlreadyCurrent: ['Ready', 'the store ran that version already'],
  Completed: ['Ready', 'every wave is done'],
  Done: ['Ready', 'every store of the wave has its result'],
  Upgrading: ['Upgrading', 'in progress'],
  Running: ['Upgrading', 'in progress'],
  RolledBack: ['Failed', 'the new release did not get ready; the store runs its old one again, Ready'],
  Failed: ['Failed', 'even the rollback failed; see the message'],
  Refused: ['Failed', 'the store did not accept the change; see the message'],
  Stopped: ['Failed', 'a wave had more failures than allowed; later waves were not started'],
  Paused: ['Hibernated', 'waits before its next wave until resumed'],
  Cancelled: ['Deleting', 'cancelled by hand; stores keep what they reached'],
  Pending: ['Deleted', 'not started yet'],
  NotStarted: ['Deleted', 'the upgrade ended before it reached this store'],
  Skipped: ['Deleted', 'the upgrade ended before this wave'],
};

export function resultBadge(result) {
  const [look, hint] = results[result] ?? [undefined, result];
  return badge(`phase-${look ? look.toLowerCase() : 'unknown'}`, `${result}: ${hint}`, look, result || 'Unknown', {
    'data-result': result,
  });
}
