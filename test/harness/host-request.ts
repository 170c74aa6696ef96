// HTTP to an ingress with a Host header of the test's choosing, as a browser resolving the store's
// name would send it (fetch cannot: Host is a forbidden header there).
import { request } from 'node:http';

export interface HostReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function requestWithHost(baseUrl: string, host: string, path: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HostReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers: { Host: host, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${host}${path}: no answer in 30 s`)));
    req.on('error', reject).end(options.body);
  });
}
