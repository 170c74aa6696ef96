// Page tokens: Temporal's own token, base64url, plus an HMAC-SHA256 over it and the visibility query it
// continues. Only this installation can make one (the key is secret), and a token replayed with other
// filters or by another owner (another query) is refused too. Anything that does not verify is a 400
// at once and never reaches Temporal, whose answer to a bad token is retries and a 500.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';

const pageTokenPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

export interface PageTokens {
  /** Temporal's next-page token as the API hands it out, bound to `query`. */
  encode(query: string, temporalToken: Uint8Array): Promise<string>;
  /** Temporal's token back, if this installation signed `token` for this very `query`; else a 400. */
  decode(query: string, token: string): Promise<Buffer>;
}

const invalid = () =>
  new ApiError(400, 'invalid_page_token', 'pageToken is not one this API handed out for this query');

/** `key` may be slow (read from Temporal) and is asked for each token; cache it there. */
export function createPageTokens(key: () => Promise<Buffer>): PageTokens {
  // The query's length first, so no (query, token) pair can be re-split into another.
  const mac = async (query: string, bytes: Uint8Array) =>
    createHmac('sha256', await key())
      .update(`${Buffer.byteLength(query)}:${query}`)
      .update(bytes)
      .digest();
  const encode = async (query: string, temporalToken: Uint8Array) =>
    `${Buffer.from(temporalToken).toString('base64url')}.${(await mac(query, temporalToken)).toString('base64url')}`;
  return {
    encode,
    async decode(query, token) {
      if (!pageTokenPattern.test(token)) throw invalid();
      const bytes = Buffer.from(token.slice(0, token.indexOf('.')), 'base64url');
      // Re-encoding and comparing whole strings also refuses the spare bits base64 decoding ignores.
      const given = Buffer.from(token);
      const expected = Buffer.from(await encode(query, bytes));
      if (bytes.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      return bytes;
    },
  };
}
