// Tiny DOM helpers. Every value from the API goes in as text (never innerHTML), so a store id, event
// message or lastError can never inject markup.

/**
 * h('p', { class: 'x', onclick: fn }, 'text', child) builds an element. Attributes starting with "on"
 * become listeners; false/null/undefined attributes and children are skipped, so callers can write
 * `cond && h(...)`.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Node | string | number | false | null | undefined)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** The same for SVG, which needs its namespace. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs ?? {})) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === false || child === null || child === undefined) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** A table whose caption only screen readers hear, with a header row of `columns` and the given rows. */
export function dataTable(className, caption, columns, rows) {
  return h(
    'table',
    { class: className },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, ...columns.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', null, ...rows),
  );
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "3m", "2h", "5d": short enough for a table column at 400px. */
export function age(iso, now = Date.now()) {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A local timestamp: the time alone for today (most of what a timeline shows), else date and time. */
export function when(iso, now = new Date()) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const today = date.toDateString() === now.toDateString();
  return today
    ? date.toLocaleTimeString()
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/**
 * Announces a status change to screen readers (and shows it) through the page's one polite live
 * region; a second call with the same text still announces because the text is reset first.
 */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // The next frame, so assistive tech sees a change even when the text is the same as before.
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

/** Only http(s) URLs become links: a status field must not be able to make a javascript: link. */
export function safeHref(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
