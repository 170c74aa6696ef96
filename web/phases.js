// How a phase looks: colour, an icon of its own shape and the phase name as text, so it reads the
// same without colour (colour-blind users, greyscale prints, screen readers). Meanings follow
// docs/store-status.md.
import { h, svg } from './dom.js';

export const phaseNames = ['Provisioning', 'Ready', 'Hibernated', 'Failed', 'Deleting', 'Deleted'];

/** SVG paths in a 16x16 box; inline so there is nothing to fetch and no font to depend on. */
const icons = {
  // a circle two-thirds drawn: work in progress (it spins unless the user prefers reduced motion)
  Provisioning: () => svg('path', { d: 'M8 2a6 6 0 1 1-6 6', fill: 'none', stroke: 'currentColor', 'stroke-width': 2.2, 'stroke-linecap': 'round' }),
  // a check mark in a disc
  Ready: () => [svg('circle', { cx: 8, cy: 8, r: 7, fill: 'currentColor' }), svg('path', { d: 'M4.5 8.2l2.3 2.3 4.7-4.8', fill: 'none', stroke: '#fff', 'stroke-width': 2 })],
  // a crescent moon: asleep
  Hibernated: () => svg('path', { d: 'M10.5 1.5a6.5 6.5 0 1 0 4 11.2A5.2 5.2 0 0 1 10.5 1.5z', fill: 'currentColor' }),
  // an exclamation mark in a triangle
  Failed: () => [svg('path', { d: 'M8 1.2l7 13H1z', fill: 'currentColor' }), svg('path', { d: 'M8 6v4M8 11.6v1.2', stroke: '#fff', 'stroke-width': 1.8 })],
  // a minus in a ring: going away
  Deleting: () => [svg('circle', { cx: 8, cy: 8, r: 6.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8 }), svg('path', { d: 'M4.8 8h6.4', stroke: 'currentColor', 'stroke-width': 2 })],
  // an empty dashed ring: gone
  Deleted: () => svg('circle', { cx: 8, cy: 8, r: 6.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-dasharray': '2.5 2' }),
};

const hints = {
  Provisioning: 'an attempt is running',
  Ready: 'the store is up',
  Hibernated: 'scaled to zero, data kept; Wake brings it back',
  Failed: 'the attempt stopped; see lastError, then Retry',
  Deleting: 'the store is being torn down',
  Deleted: 'everything is gone',
};

/** The phase as a badge: icon + name, coloured by a class; title explains what it means. */
export function phaseBadge(phase) {
  const known = phaseNames.includes(phase);
  const icon = known ? icons[phase]() : svg('circle', { cx: 8, cy: 8, r: 3, fill: 'currentColor' });
  return h(
    'span',
    { class: `phase phase-${known ? phase.toLowerCase() : 'unknown'}`, title: known ? `${phase}: ${hints[phase]}` : phase, 'data-phase': phase },
    svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false', class: 'phase-icon' }, ...[icon].flat()),
    h('span', { class: 'phase-name' }, phase || 'Unknown'),
  );
}

/** A condition status (True/False/Unknown) with the same icon-and-text rule. */
export function conditionBadge(status) {
  const look = status === 'True' ? 'Ready' : status === 'False' ? 'Failed' : 'Deleted';
  return h(
    'span',
    { class: `phase condition-${String(status).toLowerCase()}`, title: `condition status ${status}` },
    svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false', class: 'phase-icon' }, ...[icons[look]()].flat()),
    h('span', { class: 'phase-name' }, status),
  );
}
