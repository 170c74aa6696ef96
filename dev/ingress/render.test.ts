import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderIngresses } from './render.js';

const options = { className: 'nginx', claimUnclassed: false, listen: '127.0.0.1:8088' };

const service = (
  namespace: string,
  name: string,
  ports: Array<{ name?: string; port: number }>,
  clusterIP = '10.96.0.10',
): V1Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
});

type PathSpec = { path: string; pathType?: string; service: string; port: { name?: string; number?: number } };
const ingress = (
  name: string,
  host: string,
  paths: PathSpec[],
  extra: { className?: string | null; annotations?: Record<string, string>; created?: string } = {},
): V1Ingress => ({
  metadata: {
    namespace: 'store-a',
    name,
    annotations: extra.annotations,
    creationTimestamp: extra.created ? new Date(extra.created) : undefined,
  },
  spec: {
    ...(extra.className === null ? {} : { ingressClassName: extra.className ?? 'nginx' }),
    rules: [
      {
        host,
        http: {
          paths: paths.map((p) => ({
            path: p.path,
            pathType: p.pathType ?? 'Prefix',
            backend: { service: { name: p.service, port: p.port } },
          })),
        },
      },
    ],
  },
});

const web = service('store-a', 'web', [{ name: 'http', port: 8080 }]);
const api = service('store-a', 'api', [{ name: 'http', port: 9000 }], '10.96.0.20');

describe('renderIngresses', () => {
  it.each<[string, V1Ingress[], V1Service[], string[], string[]]>([
    [
      'when a WooCommerce-like Ingress has / to a port by name, then the host proxies everything to the cluster IP and port',
      [ingress('shop', 'shop.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }])],
      [web],
      [
        'listen 127.0.0.1:8088;',
        'server_name shop.localhost;',
        'location / {',
        'proxy_pass http://10.96.0.10:8080;',
        'proxy_set_header Host $host;',
        'client_max_body_size 1m;',
      ],
      [],
    ],
    [
      'when a Medusa-like Ingress has server paths and / , then each Prefix path matches itself and below it, not a longer name',
      [
        ingress('store', 'm.localhost', [
          { path: '/app', service: 'api', port: { name: 'http' } },
          { path: '/', service: 'web', port: { name: 'http' } },
        ]),
      ],
      [web, api],
      ['location = /app {', 'location /app/ {', 'proxy_pass http://10.96.0.20:9000;', 'location / {'],
      ['location /app {'],
    ],
    [
      'when a path is Exact, then only that path matches',
      [ingress('x', 'x.localhost', [{ path: '/health', pathType: 'Exact', service: 'api', port: { number: 9000 } }])],
      [api],
      ['location = /health {', 'proxy_pass http://10.96.0.20:9000;'],
      ['location /health/'],
    ],
    [
      'when the body size annotation is set, then nginx allows that body size',
      [
        ingress('w', 'w.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }], {
          annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '64m' },
        }),
      ],
      [web],
      ['client_max_body_size 64m;'],
      ['client_max_body_size 1m;'],
    ],
    [
      'when the backend Service is missing, then the path answers 503 saying so',
      [ingress('w', 'w.localhost', [{ path: '/', service: 'gone', port: { name: 'http' } }])],
      [],
      ['return 503 "service gone not found or has no cluster IP\\n";'],
      ['proxy_pass'],
    ],
    [
      'when the port name does not exist on the Service, then the path answers 503 naming it',
      [ingress('w', 'w.localhost', [{ path: '/', service: 'web', port: { name: 'https' } }])],
      [web],
      ['return 503 "service web has no port https\\n";'],
      ['proxy_pass'],
    ],
    [
      'when an Ingress is of another class, then it is not served',
      [ingress('w', 'w.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }], { className: 'traefik' })],
      [web],
      [],
      ['server_name'],
    ],
  ])('%s', (_name, ingresses, services, present, absent) => {
    const { config } = renderIngresses(ingresses, services, options);
    for (const text of present) expect(config).toContain(text);
    for (const text of absent) expect(config).not.toContain(text);
  });

  it('when two Ingresses claim the same host and path, then the older one keeps it and the other is reported', () => {
    const older = ingress('older', 'a.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }], {
      created: '2026-01-01T00:00:00Z',
    });
    const newer = ingress('newer', 'a.localhost', [{ path: '/', service: 'api', port: { name: 'http' } }], {
      created: '2026-02-01T00:00:00Z',
    });
    const { config, skipped } = renderIngresses([newer, older], [web, api], options);
    expect(config).toContain('proxy_pass http://10.96.0.10:8080;');
    expect(config).not.toContain('10.96.0.20');
    expect(skipped).toEqual(['ingress store-a/newer: a.localhost/ is already served by ingress store-a/older']);
  });

  it('when a host or path could inject nginx directives, then it is not served and the reason is reported', () => {
    const hostile = [
      ingress('h', 'evil.localhost; include /etc/passwd', [{ path: '/', service: 'web', port: { name: 'http' } }]),
      ingress('p', 'p.localhost', [
        { path: '/x { return 200; }', pathType: 'ImplementationSpecific', service: 'web', port: { name: 'http' } },
      ]),
      ingress('s', 's.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }], {
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m; root /' },
      }),
    ];
    const { config, skipped } = renderIngresses(hostile, [web], options);
    expect(config).not.toMatch(/passwd|return 200|root \//);
    expect(config).toContain('client_max_body_size 1m;');
    expect(skipped).toHaveLength(3);
  });

  it('when there is no Ingress, then the config is empty', () => {
    expect(renderIngresses([], [web], options)).toEqual({ config: '', skipped: [], certificates: [] });
  });

  describe('with a TLS address', () => {
    const tlsOptions = { ...options, tls: { listen: '127.0.0.1:8443', certDir: '/state/certs' } };
    const withTls = (secretName: string): V1Ingress => {
      const base = ingress('w', 'w.localhost', [{ path: '/', service: 'web', port: { name: 'http' } }]);
      return { ...base, spec: { ...base.spec, tls: [{ hosts: ['w.localhost'], secretName }] } };
    };

    it('when the Secret an Ingress names for its host is there, then the host is served on both addresses with its files', () => {
      const { config, certificates } = renderIngresses(
        [withTls('w-tls')],
        [web],
        tlsOptions,
        new Set(['store-a/w-tls']),
      );
      expect(config).toContain('    listen 127.0.0.1:8088;\n    listen 127.0.0.1:8443 ssl;');
      expect(config).toContain('ssl_certificate /state/certs/store-a_w-tls.crt;');
      expect(config).toContain('ssl_certificate_key /state/certs/store-a_w-tls.key;');
      expect(certificates).toEqual(['store-a/w-tls']);
    });

    it('when the Secret is not there yet (cert-manager has not issued it), then the host is served over http only and the wait is reported', () => {
      const { config, skipped, certificates } = renderIngresses([withTls('w-tls')], [web], tlsOptions, new Set());
      expect(config).toContain('server_name w.localhost;');
      expect(config).not.toContain('ssl');
      expect(certificates).toEqual([]);
      expect(skipped).toEqual(['ingress store-a/w: TLS Secret store-a/w-tls not there yet']);
    });

    it('when the ingress has no TLS address, then tls entries are ignored', () => {
      const { config } = renderIngresses([withTls('w-tls')], [web], options, new Set(['store-a/w-tls']));
      expect(config).not.toContain('ssl');
    });
  });
});
