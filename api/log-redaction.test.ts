import { describe, expect, it } from 'vitest';
import { requestLogSerializer } from './log-redaction.js';

const key = 'team-a-key-0123456789';
const serialize = requestLogSerializer([key]);

describe('requestLogSerializer', () => {
  it("when a key is in the query string, then the value is hidden in url and query; the API's own parameters stay", () => {
    const logged = serialize({
      url: `/stores?limit=5&api_key=${key}&engine=medusa`,
      query: { limit: '5', api_key: key, engine: 'medusa' },
    });
    expect(logged).toEqual({
      url: '/stores?limit=5&api_key=[Redacted]&engine=medusa',
      query: { limit: '5', api_key: '[Redacted]', engine: 'medusa' },
    });
  });

  it('when an API parameter carries a key, then it is hidden too', () => {
    expect(serialize({ url: `/stores?owner=${key}`, query: { owner: key } })).toEqual({
      url: '/stores?owner=[Redacted]',
      query: { owner: '[Redacted]' },
    });
  });

  it('when a key is in any header, or a credential header is sent, then its value is hidden and other headers stay', () => {
    const headers = {
      'x-custom-auth': `Token ${key}`,
      'x-api-key': 'not-a-configured-key',
      authorization: 'Bearer x',
      accept: 'application/json',
    };
    expect(serialize({ headers }).headers).toEqual({
      'x-custom-auth': '[Redacted]',
      'x-api-key': '[Redacted]',
      authorization: '[Redacted]',
      accept: 'application/json',
    });
    expect(headers['x-custom-auth']).toBe(`Token ${key}`);
  });
});
