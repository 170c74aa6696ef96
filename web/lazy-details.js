// A disclosure whose content is read from the API each time it opens, so it is never stale and costs
// nothing while closed.
import { fill, h } from './dom.js';

/**
 * @param {{ details: HTMLDetailsElement, body: HTMLElement, what: string, key: () => string | undefined,
 *   load: (key: string) => Promise<any>, render: (data: any) => Node }} options
 */
export function lazyDetails({ details, body, what, key, load, render }) {
  details.addEventListener('toggle', () => {
    const wanted = key();
    if (!details.open || !wanted) return;
    fill(body, h('p', { class: 'muted' }, `Loading ${what}…`));
    load(wanted)
      .then((data) => key() === wanted && fill(body, render(data)))
      .catch((error) =>
        fill(
          body,
          h(
            'p',
            { class: 'banner banner-error' },
            `Could not read ${what}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
      );
  });
  return { reset: () => ((details.open = false), fill(body)) };
}
