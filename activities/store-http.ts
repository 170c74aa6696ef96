// HTTP to a store through its real URL (the ingress), as a shopper or its admin would send it. Names
// under `.localhost` (local mode's base domain) go to 127.0.0.1 as browsers and curl send them
// (RFC 6761); Node's own resolver (glibc getaddrinfo) does not know them.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** `localhost` and every name under it (RFC 6761: they are loopback), without asking a resolver. */
export const isLocalhostName = (hostname: string) => /(^|\.)localhost\.?$/i.test(hostname);

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
const systemLookup = dnsLookup as unknown as (
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
) => void;

/** dns.lookup, except that `.localhost` names are 127.0.0.1 (for `all` lookups too, which Node's happy eyeballs makes). */
export function storefrontLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (!isLocalhostName(hostname)) systemLookup(hostname, options, callback);
  else if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

export interface StoreRequest {
  /**
   * Where store URLs are answered (the ingress, e.g. http://127.0.0.1:8080), when the worker cannot reach
   * them by name: the request goes there with the store's host in its Host header (and TLS name).
   */
  ingressUrl?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Read the body of a 2xx answer (up to maxBytes; a larger one reads as empty). Others are drained. */
  readBody?: boolean;
  maxBytes?: number;
}

export interface StoreResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body?: string;
}

/** One request, redirects not followed (a redirect to a login form or to https is an answer: the store is there). */
export function storeRequest(url: string, options: StoreRequest = {}): Promise<StoreResponse> {
  const target = new URL(url);
  const connectTo = options.ingressUrl ? new URL(options.ingressUrl) : target;
  const request = connectTo.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: connectTo.protocol,
        hostname: connectTo.hostname,
        port: connectTo.port,
        path: `${target.pathname}${target.search}`,
        servername: target.hostname,
        method: options.method ?? 'GET',
        lookup: storefrontLookup,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        headers: { host: target.host, ...options.headers },
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (!options.readBody) {
          res.resume();
          resolve({ status, headers: res.headers });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) res.destroy();
          else chunks.push(chunk);
        });
        res.on('close', () =>
          resolve({
            status,
            headers: res.headers,
            body: size > maxBytes ? '' : Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
