// Local mode's ingress: the Ingress objects of one class rendered into nginx server blocks that proxy
// to each backend Service's cluster IP (kube-proxy on the node does the rest). Pure, so every Ingress
// field the store charts use is table-tested: host, path with pathType Prefix or Exact, a backend
// Service port by name or number, the proxy-body-size annotation, and `tls` (a host served on the TLS
// address too, with the certificate of the Secret the Ingress names). Production clusters keep their
// own controller; this exists because none that reads Ingress objects builds on these machines.
import type { V1Ingress, V1Service } from '@kubernetes/client-node';

export interface RenderOptions {
  /** Only Ingresses of this class (or with none, when `claimUnclassed`) are served. */
  className: string;
  claimUnclassed: boolean;
  /** The address:port every server block listens on (nginx would take *:80 otherwise). */
  listen: string;
  /** Where hosts with a `tls` entry are also served over TLS, and the directory the certificates are written to. */
  tls?: { listen: string; certDir: string };
}

/** The files of one TLS Secret in the certificate directory; the controller writes them. */
export const certificateFiles = (certDir: string, secret: string) => {
  const base = `${certDir}/${secret.replace('/', '_')}`;
  return { cert: `${base}.crt`, key: `${base}.key` };
};

export interface Rendered {
  /** nginx `server` blocks, one per host, in host order. */
  config: string;
  /** Why parts of some Ingress were not served (unknown backend, unsafe path...), for the log. */
  skipped: string[];
  /** The TLS Secrets (`namespace/name`) the config names: the controller keeps their files written. */
  certificates: string[];
}

interface Route {
  path: string;
  exact: boolean;
  upstream?: string;
  /** Why the route answers 503 instead of proxying. */
  unavailable?: string;
  bodySize: string;
  source: string;
}

// Hosts and paths end up in nginx's config: only what Kubernetes itself allows for them, nothing that
// could close a directive or start a new one.
const safeHost = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const safePath = /^\/[A-Za-z0-9/._~%!$&'()*+,;=:@-]*$/;
const bodySizePattern = /^\d+[kKmMgG]?$/;
const bodySizeAnnotation = 'nginx.ingress.kubernetes.io/proxy-body-size';
// ingress-nginx's default, so a store behaves as it would behind that controller.
const defaultBodySize = '1m';

const key = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

function serviceUpstream(
  ingress: V1Ingress,
  backend: { name: string; port?: { name?: string; number?: number } },
  services: Map<string, V1Service>,
): { upstream?: string; unavailable?: string } {
  const service = services.get(key(ingress.metadata?.namespace, backend.name));
  const clusterIP = service?.spec?.clusterIP;
  if (!service || !clusterIP || clusterIP === 'None')
    return { unavailable: `service ${backend.name} not found or has no cluster IP` };
  const port = service.spec?.ports?.find((p) =>
    backend.port?.name ? p.name === backend.port.name : p.port === backend.port?.number,
  );
  if (!port)
    return {
      unavailable: `service ${backend.name} has no port ${backend.port?.name ?? backend.port?.number ?? '(none given)'}`,
    };
  return { upstream: `${clusterIP}:${port.port}` };
}

function isServed(ingress: V1Ingress, options: RenderOptions): boolean {
  const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'];
  return className === options.className || (className === undefined && options.claimUnclassed);
}

/** The routes of every served Ingress, by host; the older Ingress keeps a host+path both claim. */
function collectRoutes(
  ingresses: V1Ingress[],
  services: Map<string, V1Service>,
  options: RenderOptions,
  skipped: string[],
): Map<string, Route[]> {
  const byHost = new Map<string, Route[]>();
  const created = (i: V1Ingress) => new Date(i.metadata?.creationTimestamp ?? 0).getTime();
  const ordered = [...ingresses].sort(
    (a, b) =>
      created(a) - created(b) ||
      key(a.metadata?.namespace, a.metadata?.name).localeCompare(key(b.metadata?.namespace, b.metadata?.name)),
  );
  for (const ingress of ordered.filter((i) => isServed(i, options))) {
    const source = `ingress ${key(ingress.metadata?.namespace, ingress.metadata?.name)}`;
    const annotatedSize = ingress.metadata?.annotations?.[bodySizeAnnotation];
    const bodySize = annotatedSize && bodySizePattern.test(annotatedSize) ? annotatedSize : defaultBodySize;
    if (annotatedSize && bodySize !== annotatedSize)
      skipped.push(`${source}: ${bodySizeAnnotation} "${annotatedSize}" is not a size; using ${defaultBodySize}`);
    for (const rule of ingress.spec?.rules ?? []) {
      const host = rule.host ?? '';
      if (!safeHost.test(host)) {
        skipped.push(`${source}: host "${host}" is not served (a rule needs a DNS host here)`);
        continue;
      }
      const routes = byHost.get(host) ?? [];
      for (const path of rule.http?.paths ?? []) {
        const value = path.path ?? '/';
        if (!safePath.test(value)) {
          skipped.push(`${source}: path "${value}" on ${host} is not served (only plain paths)`);
          continue;
        }
        const exact = path.pathType === 'Exact';
        if (routes.some((r) => r.path === value && r.exact === exact)) {
          skipped.push(
            `${source}: ${host}${value} is already served by ${routes.find((r) => r.path === value)?.source}`,
          );
          continue;
        }
        const service = path.backend.service;
        const target = service
          ? serviceUpstream(ingress, service, services)
          : { unavailable: 'only Service backends are supported' };
        routes.push({ path: value, exact, bodySize, source, ...target });
      }
      byHost.set(host, routes);
    }
  }
  return byHost;
}

function location(match: string, route: Route): string {
  const body = route.upstream
    ? [
        `proxy_pass http://${route.upstream};`,
        `client_max_body_size ${route.bodySize};`,
        'proxy_set_header Host $host;',
        'proxy_set_header X-Forwarded-Host $host;',
        'proxy_set_header X-Forwarded-Proto $scheme;',
        'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        'proxy_set_header X-Real-IP $remote_addr;',
      ]
    : [`return 503 "${route.unavailable ?? 'no backend'}\\n";`];
  return [`    location ${match} {`, `      # ${route.source}`, ...body.map((line) => `      ${line}`), '    }'].join(
    '\n',
  );
}

/**
 * Kubernetes Prefix matching is per path element: `/app` matches `/app` and `/app/x`, never `/apple`.
 * nginx prefix locations match characters, so a Prefix path becomes an exact location plus a prefix
 * location ending in a slash; nginx's longest-prefix rule then gives the Ingress precedence.
 */
function locations(route: Route): string[] {
  if (route.exact) return [location(`= ${route.path}`, route)];
  if (route.path.endsWith('/')) return [location(route.path, route)];
  return [location(`= ${route.path}`, route), location(`${route.path}/`, route)];
}

/**
 * The TLS Secret of each host a served Ingress lists under `tls`, when that Secret is `available` (it
 * exists with a certificate and key); the first Ingress naming a host keeps it.
 */
function tlsSecrets(
  ingresses: V1Ingress[],
  options: RenderOptions,
  available: Set<string>,
  skipped: string[],
): Map<string, string> {
  const byHost = new Map<string, string>();
  if (!options.tls) return byHost;
  for (const ingress of ingresses.filter((i) => isServed(i, options)))
    for (const entry of ingress.spec?.tls ?? []) {
      const secret = key(ingress.metadata?.namespace, entry.secretName);
      if (!available.has(secret)) {
        skipped.push(
          `ingress ${key(ingress.metadata?.namespace, ingress.metadata?.name)}: TLS Secret ${secret} not there yet`,
        );
        continue;
      }
      for (const host of entry.hosts ?? []) if (safeHost.test(host) && !byHost.has(host)) byHost.set(host, secret);
    }
  return byHost;
}

export function renderIngresses(
  ingresses: V1Ingress[],
  services: V1Service[],
  options: RenderOptions,
  availableTlsSecrets: Set<string> = new Set(),
): Rendered {
  const skipped: string[] = [];
  const serviceMap = new Map(services.map((s) => [key(s.metadata?.namespace, s.metadata?.name), s]));
  const byHost = collectRoutes(ingresses, serviceMap, options, skipped);
  const tlsByHost = tlsSecrets(ingresses, options, availableTlsSecrets, skipped);
  const certificates = new Set<string>();
  const servers = [...byHost.entries()]
    .filter(([, routes]) => routes.length > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, routes]) => {
      // `/app` (Prefix) and `/app/` (Prefix) both yield `location /app/`: the first one keeps it.
      const seen = new Set<string>();
      const blocks = routes.flatMap(locations).filter((block) => {
        const match = block.split('\n')[0]!;
        return !seen.has(match) && seen.add(match);
      });
      const secret = tlsByHost.get(host);
      const tls: string[] = [];
      if (secret && options.tls) {
        certificates.add(secret);
        const files = certificateFiles(options.tls.certDir, secret);
        tls.push(
          `    listen ${options.tls.listen} ssl;`,
          `    ssl_certificate ${files.cert};`,
          `    ssl_certificate_key ${files.key};`,
        );
      }
      return [`  server {`, `    listen ${options.listen};`, ...tls, `    server_name ${host};`, ...blocks, '  }'].join(
        '\n',
      );
    });
  return {
    config: servers.join('\n\n') + (servers.length ? '\n' : ''),
    skipped,
    certificates: [...certificates].sort(),
  };
}
