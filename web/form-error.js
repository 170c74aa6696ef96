// How a form shows a refusal: the API's status, code and message verbatim, the fields it named, and
// one sentence on how to get past it, in the form's role="alert" box.
import { ApiError } from './api.js';
import { fill, h } from './dom.js';

/** Hints for the codes any form can get; a form adds its own. */
const commonHints = {
  unauthenticated: 'Enter a valid API key at the top of the page.',
  rate_limited: 'Wait a minute and try again.',
  unreachable: 'Start the platform (npm start) and try again.',
};

/**
 * @param {HTMLElement} box the form's error element (role="alert")
 * @param {unknown} error
 * @param {{ otherwise: string, hints?: Record<string, string> }} options otherwise: the lead when the
 *   API did not answer at all ("Not created: ")
 */
export function showApiError(box, error, { otherwise, hints = {} }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const details = apiError?.details ?? [];
  const hint = apiError && { ...commonHints, ...hints }[apiError.code];
  fill(
    box,
    h(
      'p',
      null,
      h('strong', null, apiError?.status ? `The API refused (${apiError.status} ${apiError.code}): ` : otherwise),
      error instanceof Error ? error.message : String(error),
    ),
    details.length > 0 && h('ul', null, ...details.map((d) => h('li', null, `${d.field}: ${d.message}`))),
    hint && h('p', { class: 'hint' }, hint),
  );
  box.hidden = false;
}
