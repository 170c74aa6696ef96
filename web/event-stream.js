// Server-Sent Events over fetch instead of EventSource: EventSource cannot send an Authorization
// header, so with API keys it could not stream at all. fetch + a ReadableStream works with and
// without a key, and lets us decide how to reconnect and what to show while the API is away.
import { apiBase, authHeaders, errorOf } from './api.js';

const firstRetryMs = 1000;
const maxRetryMs = 10_000;

/**
 * Splits SSE text into events. Returns the events complete so far and the unfinished rest, which the
 * caller prepends to the next chunk (a chunk may end in the middle of an event or even a line).
 * @param {string} text
 * @returns {{ events: Array<{event: string, data: string}>, rest: string }}
 */
export function parseEvents(text) {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = [];
  for (const block of blocks) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue; // comments are the server's keep-alives
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * Follows an SSE endpoint until close(), reconnecting with backoff whenever the connection drops (the
 * API restarted, the network blinked). The server sends the current phase and the whole timeline on
 * every connect, so a reconnect resynchronises without a Last-Event-ID.
 *
 * onState gets 'connecting' | 'open' | 'retrying' (with the reason and the delay) | 'stopped'.
 * A 4xx other than 401/429 stops retrying: asking again would get the same answer.
 * @param {string} path below /api/v1
 * @param {{ onEvent: (name: string, data: unknown) => void, onState: (state: string, detail?: {message: string, retryMs?: number}) => void }} handlers
 */
export function followStream(path, { onEvent, onState }) {
  const aborter = new AbortController();
  let retryMs = firstRetryMs;

  const wait = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      aborter.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });

  async function readAll(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const parsed = parseEvents(buffer + value);
      buffer = parsed.rest;
      for (const { event, data } of parsed.events) {
        let payload;
        try {
          payload = JSON.parse(data);
        } catch {
          payload = data;
        }
        onEvent(event, payload);
      }
    }
  }

  async function run() {
    while (!aborter.signal.aborted) {
      onState('connecting');
      let reason = 'the connection to the API was lost';
      try {
        const res = await fetch(`${apiBase}${path}`, {
          headers: { Accept: 'text/event-stream', ...authHeaders() },
          cache: 'no-store',
          signal: aborter.signal,
        });
        if (!res.ok) {
          const error = await errorOf(res);
          if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 429) {
            onState('stopped', { message: error.message });
            return;
          }
          reason = error.message;
        } else {
          onState('open');
          retryMs = firstRetryMs;
          await readAll(res.body);
          reason = 'the API ended the stream (restarting?)';
        }
      } catch {
        if (aborter.signal.aborted) return;
      }
      if (aborter.signal.aborted) return;
      onState('retrying', { message: reason, retryMs });
      await wait(retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    }
  }

  void run();
  return { close: () => aborter.abort() };
}
