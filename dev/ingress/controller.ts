// The reconcile loop of local mode's ingress: every interval it lists the Ingresses and Services of
// the cluster, renders them (render.ts) and hands nginx a changed config. Listing beats watching here:
// a handful of objects on one node, and a loop has no watch to lose and resume. The TLS Secrets the
// Ingresses name are read too, and their certificate and key written where nginx reads them.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, NetworkingV1Api, type KubeConfig, type V1Ingress } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Nginx } from './nginx.js';
import { certificateFiles, renderIngresses, type RenderOptions } from './render.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  nginx: Pick<Nginx, 'apply'>;
  render: RenderOptions;
  log: Logger;
  intervalMs: number;
  signal: AbortSignal;
}

/**
 * Writes the certificate and key of every TLS Secret the Ingresses name that exists with both; returns
 * those Secrets (`namespace/name`) and a fingerprint of what was written, so new certificates reload nginx.
 */
async function writeTlsSecrets(
  core: CoreV1Api,
  ingresses: V1Ingress[],
  tls: NonNullable<RenderOptions['tls']>,
  written: Map<string, string>,
): Promise<{ available: Set<string>; fingerprint: string }> {
  const named = new Set(
    ingresses.flatMap((i) => (i.spec?.tls ?? []).map((t) => `${i.metadata?.namespace}/${t.secretName}`)),
  );
  const available = new Set<string>();
  const hash = createHash('sha256');
  mkdirSync(tls.certDir, { recursive: true, mode: 0o700 });
  for (const secret of [...named].sort()) {
    const [namespace = '', name = ''] = secret.split('/');
    const data = await core
      .readNamespacedSecret({ name, namespace })
      .then((s) => s.data)
      .catch(() => undefined);
    const [cert, key] = [data?.['tls.crt'], data?.['tls.key']];
    if (!cert || !key) continue;
    // Written when new or changed only: the loop runs every second, the certificates change rarely.
    if (written.get(secret) !== `${cert}\n${key}`) {
      const files = certificateFiles(tls.certDir, secret);
      writeFileSync(files.cert, Buffer.from(cert, 'base64'), { mode: 0o600 });
      writeFileSync(files.key, Buffer.from(key, 'base64'), { mode: 0o600 });
      written.set(secret, `${cert}\n${key}`);
    }
    hash.update(`${secret}\n${cert}\n`);
    available.add(secret);
  }
  return { available, fingerprint: hash.digest('hex') };
}

/** What the loop has handed nginx so far: its config, the parts it skipped, the certificates it wrote. */
export interface ServedState {
  config?: string;
  skipped: Set<string>;
  /** `namespace/name` of each TLS Secret written, with the certificate and key it held. */
  certificates: Map<string, string>;
}

/** One pass: the config nginx should serve now, applied if it (or a certificate) changed. */
export async function reconcileOnce(
  options: Omit<ControllerOptions, 'intervalMs' | 'signal'>,
  served: ServedState,
): Promise<void> {
  const networking = options.kubeConfig.makeApiClient(NetworkingV1Api);
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const [ingresses, services] = await Promise.all([
    networking.listIngressForAllNamespaces(),
    core.listServiceForAllNamespaces(),
  ]);
  const tls = options.render.tls
    ? await writeTlsSecrets(core, ingresses.items, options.render.tls, served.certificates)
    : { available: new Set<string>(), fingerprint: '' };
  const rendered = renderIngresses(ingresses.items, services.items, options.render, tls.available);
  // The certificates' fingerprint is part of what is served: a renewed certificate reloads nginx.
  rendered.config += tls.fingerprint ? `# certificates ${tls.fingerprint}\n` : '';
  for (const reason of rendered.skipped)
    if (!served.skipped.has(reason)) options.log.warn({ reason }, 'part of an Ingress is not served');
  served.skipped = new Set(rendered.skipped);
  if (rendered.config === served.config) return;
  await options.nginx.apply(rendered.config);
  served.config = rendered.config;
  options.log.info({ hosts: (rendered.config.match(/server_name /g) ?? []).length }, 'ingress config applied');
}

export async function runIngressController(options: ControllerOptions): Promise<void> {
  const served: ServedState = { skipped: new Set(), certificates: new Map() };
  let failing = false;
  while (!options.signal.aborted) {
    try {
      await reconcileOnce(options, served);
      if (failing) options.log.info('ingress reconcile works again');
      failing = false;
    } catch (error) {
      // The apiserver restarting, or a render nginx refused: keep serving the last config, try again.
      if (!failing) options.log.warn({ err: error }, 'ingress reconcile failed; serving the last config');
      failing = true;
    }
    // Ends early on abort; a listener added per pass would stay on the signal for the process's life.
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
