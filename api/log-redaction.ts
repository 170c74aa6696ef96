// What the request log shows of a request. Keys sent where the API does not look for them (a query
// string, an X-Api-Key header) are as secret as the Authorization header: the values of query
// parameters the API does not define, of headers that usually carry credentials, and of anything that
// contains a configured key are replaced.
import { dryRunQuery, fleetUsageQuery, listStoresQuery } from './schemas.js';

const redacted = '[Redacted]';
const credentialHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
]);
const apiParameters = new Set(
  [listStoresQuery, dryRunQuery, fleetUsageQuery].flatMap((schema) => Object.keys(schema.shape)),
);

/** The fields of pino's serialized request this changes. */
interface LoggedRequest {
  url?: string;
  query?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

export function requestLogSerializer(keys: Iterable<string>): <R extends LoggedRequest>(req: R) => R {
  const secrets = [...keys];
  const hasKey = (value: string) => secrets.some((key) => value.includes(key));
  const shown = (parameter: string, value: string) => apiParameters.has(parameter) && !hasKey(value);
  const url = (text: string) => {
    const at = text.indexOf('?');
    if (at < 0) return text;
    const query = [...new URLSearchParams(text.slice(at + 1))].map(
      ([name, value]) => `${encodeURIComponent(name)}=${shown(name, value) ? encodeURIComponent(value) : redacted}`,
    );
    return `${text.slice(0, at)}?${query.join('&')}`;
  };
  const query = (parsed: unknown) =>
    parsed && typeof parsed === 'object'
      ? Object.fromEntries(
          Object.entries(parsed).map(([name, value]) => [name, shown(name, String(value)) ? value : redacted]),
        )
      : parsed;
  const headers = (all: Record<string, string | string[] | undefined>) =>
    Object.fromEntries(
      Object.entries(all).map(([name, value]) => [
        name,
        credentialHeaders.has(name) || hasKey(String(value)) ? redacted : value,
      ]),
    );
  return (req) => ({
    ...req,
    ...(req.url === undefined ? {} : { url: url(req.url) }),
    ...(req.query === undefined ? {} : { query: query(req.query) }),
    ...(req.headers === undefined ? {} : { headers: headers(req.headers) }),
  });
}
