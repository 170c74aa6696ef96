// The reconcile loop of local mode's ingress: every interval it lists the Ingresses and Services of
// the cluster, renders them (render.ts) and hands nginx a changed config. Listing beats watching here:
// a handful of objects on one node, and a loop has no watch to lose and resume.
import { CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Nginx } from './nginx.js';
import { renderIngresses, type RenderOptions } from './render.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  nginx: Pick<Nginx, 'apply'>;
  render: RenderOptions;
  log: Logger;
  intervalMs: number;
  signal: AbortSignal;
}

/** One pass: the config nginx should serve now, applied if it changed. Returns what is served. */
export async function reconcileOnce(
  options: Omit<ControllerOptions, 'intervalMs' | 'signal'>,
  served: { config?: string; skipped: Set<string> },
): Promise<void> {
  const networking = options.kubeConfig.makeApiClient(NetworkingV1Api);
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const [ingresses, services] = await Promise.all([
    networking.listIngressForAllNamespaces(),
    core.listServiceForAllNamespaces(),
  ]);
  const rendered = renderIngresses(ingresses.items, services.items, options.render);
  for (const reason of rendered.skipped)
    if (!served.skipped.has(reason)) options.log.warn({ reason }, 'part of an Ingress is not served');
  served.skipped = new Set(rendered.skipped);
  if (rendered.config === served.config) return;
  await options.nginx.apply(rendered.config);
  served.config = rendered.config;
  options.log.info({ hosts: (rendered.config.match(/server_name /g) ?? []).length }, 'ingress config applied');
}

export async function runIngressController(options: ControllerOptions): Promise<void> {
  const served: { config?: string; skipped: Set<string> } = { skipped: new Set() };
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
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });
  }
}
