import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPageTokens } from './page-token.js';

const tokens = createPageTokens(() => Promise.resolve(Buffer.from('k'.repeat(32))));
const query = "WorkflowType = 'storeWorkflow' AND StoreOwner = 'team-a'";
const temporalToken = Buffer.from('{"LastStartTime":"2025-01-01T00:00:00Z","LastRunID":"abc"}');

const refused = async (promise: Promise<unknown>) =>
  expect(promise).rejects.toMatchObject({ status: 400, code: 'invalid_page_token' });

describe('page tokens', () => {
  it("when a token is decoded for the query it was made for, then it gives back Temporal's token", async () => {
    expect(await tokens.decode(query, await tokens.encode(query, temporalToken))).toEqual(temporalToken);
  });

  it('when a token is decoded for another query, or was signed with another key, then it is refused', async () => {
    const token = await tokens.encode(query, temporalToken);
    await refused(tokens.decode(`${query} AND StoreEngine = 'medusa'`, token));
    await refused(createPageTokens(() => Promise.resolve(Buffer.from('x'.repeat(32)))).decode(query, token));
  });

  it('when a token is forged with a keyless checksum, damaged, or malformed, then it is refused', async () => {
    const token = await tokens.encode(query, temporalToken);
    const forged = `${temporalToken.toString('base64url')}.${createHash('sha256').update(temporalToken).digest('base64url')}`;
    const flipped = `${token[0] === 'e' ? 'f' : 'e'}${token.slice(1)}`;
    // The last character of 32 bytes in base64 carries 2 spare bits, which decoding ignores.
    const last = token.at(-1)!;
    const spareBits = `${token.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) ^ 1)}`;
    for (const bad of [forged, flipped, spareBits, 'bm9wZQ', '', `.${token.split('.')[1]}`])
      await refused(tokens.decode(query, bad));
  });
});
