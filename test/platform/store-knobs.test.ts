// The cluster's knobs for stores, from the platform chart's `stores:` values through the worker's
// settings into the store charts: the platform chart is rendered, its worker environment read by the
// worker's own config loader, and each engine's store release rendered with the values the worker
// would give helm.
import { fileURLToPath } from 'node:url';
import { loadAllYaml, type V1Container, type V1Ingress, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { storeRelease } from '../../activities/helm-cli.js';
import { namespaceName, storeUrl } from '../../core/names.js';
import { engines, type Engine } from '../../core/store-spec.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { helm } from '../harness/clients.js';
import { containerOf, envOf, find, renderOk, renderPlatform, type Manifest } from './render.js';

const chartsDir = fileURLToPath(new URL('../../charts', import.meta.url));
const storeId = 'knobs1';

/** The worker's config as the platform chart with `set` configures it (charts from this checkout). */
async function workerConfigFor(set: string[]) {
  const objects = await renderOk({ set });
  const env = envOf(containerOf(find(objects, 'Deployment', 'store-platform-worker')));
  return loadWorkerConfig({ ...env, STOREFLEET_CHARTS_DIR: chartsDir });
}

/** The store release the worker would install for a new store of `engine`, rendered by helm. */
async function renderStore(config: Awaited<ReturnType<typeof workerConfigFor>>, engine: Engine) {
  const deps = { chartsDir, chartValues: config.chartValues, settings: config.settings } as ActivityDeps;
  const release = storeRelease(deps, { storeId, engine, plan: 'small', owner: 'default' });
  const result = await helm(['template', release.name, release.chart, '-n', namespaceName(storeId), '-f', '-'], {
    input: release.values,
  });
  expect(result.exitCode, result.all).toBe(0);
  return (loadAllYaml(result.stdout) as Array<Manifest | null>).filter((o): o is Manifest => o !== null);
}

const podTemplates = (objects: Manifest[]): V1PodTemplateSpec[] =>
  objects.flatMap((o) => {
    const template = (o.spec as { template?: V1PodTemplateSpec } | undefined)?.template;
    return template ? [template] : [];
  });
const containers = (objects: Manifest[]): V1Container[] =>
  podTemplates(objects).flatMap((t) => [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])]);
/** Every storage class a store volume asks for: PVCs and StatefulSet claim templates. */
const storageClasses = (objects: Manifest[]): Array<string | undefined> =>
  objects.flatMap((o) => {
    if (o.kind === 'PersistentVolumeClaim') return [(o.spec as { storageClassName?: string }).storageClassName];
    const claims = (o.spec as { volumeClaimTemplates?: Array<{ spec: { storageClassName?: string } }> } | undefined)
      ?.volumeClaimTemplates;
    return (claims ?? []).map((claim) => claim.spec.storageClassName);
  });
const ingressOf = (objects: Manifest[]) => objects.find((o) => o.kind === 'Ingress') as V1Ingress;
/** The store URL the chart gives the application (WordPress's home, Medusa's CORS and backend URLs). */
const urlsInEnv = (objects: Manifest[]) =>
  containers(objects)
    .flatMap((c) => c.env ?? [])
    .map((e) => e.value ?? '')
    .filter((value) => value.includes(`${storeId}.`));

describe("the platform chart's stores values", () => {
  it.each(engines)(
    'when none is set, then a %s release keeps its chart defaults: nginx class, no TLS, default storage class, images as named',
    async (engine) => {
      const config = await workerConfigFor([]);
      expect(config.settings.storeHttps).toBeUndefined();
      const objects = await renderStore(config, engine);
      const ingress = ingressOf(objects);
      expect(ingress.spec?.ingressClassName).toBe('nginx');
      expect(ingress.spec?.tls).toBeUndefined();
      expect(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
      expect(storageClasses(objects).length).toBeGreaterThan(0);
      for (const storageClass of storageClasses(objects)) expect(storageClass).toBeUndefined();
      for (const container of containers(objects)) expect(container.image).not.toMatch(/^registry\.example\.com/);
      expect(urlsInEnv(objects).length).toBeGreaterThan(0);
      for (const url of urlsInEnv(objects)) expect(url).not.toMatch(/https:/);
    },
  );

  it.each(engines)(
    'when ingress class, annotations, TLS issuer, storage class and registry are set, then a %s release uses each, and the store is https',
    async (engine) => {
      const config = await workerConfigFor([
        'stores.baseDomain=shops.example.com',
        'stores.ingress.className=traefik',
        'stores.ingress.annotations.traefik\\.ingress\\.kubernetes\\.io/router\\.entrypoints=websecure',
        'stores.ingress.tls.clusterIssuer=letsencrypt-prod',
        'stores.storageClassName=fast-ssd',
        'stores.imageRegistry=registry.example.com:5000/mirror',
      ]);
      expect(config.settings.storeHttps).toBe(true);
      const objects = await renderStore(config, engine);
      const ingress = ingressOf(objects);
      const host = `${storeId}.shops.example.com`;
      expect(ingress.spec?.ingressClassName).toBe('traefik');
      expect(ingress.metadata?.annotations).toMatchObject({
        'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
        'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      });
      expect(ingress.spec?.rules?.[0]?.host).toBe(host);
      expect(ingress.spec?.tls).toEqual([
        { hosts: [host], secretName: `${ingress.metadata?.labels?.['app.kubernetes.io/instance']}-tls` },
      ]);
      expect(storageClasses(objects).length).toBeGreaterThan(0);
      for (const storageClass of storageClasses(objects)) expect(storageClass).toBe('fast-ssd');
      expect(containers(objects).length).toBeGreaterThan(0);
      for (const container of containers(objects))
        expect(container.image).toMatch(/^registry\.example\.com:5000\/mirror\/[a-z]/);
      expect(urlsInEnv(objects).length).toBeGreaterThan(0);
      for (const url of urlsInEnv(objects)) expect(url).toContain(`https://${host}`);
      // The URL the API shows is the one the store was rendered for.
      expect(storeUrl(storeId, config.settings.baseDomain, config.settings.storeHttps)).toBe(`https://${host}`);
    },
  );

  it('when a store value is misspelled or a registry is a URL, then rendering the platform chart fails naming it', async () => {
    const misspelled = await renderPlatform({ set: ['stores.storageClass=fast'] });
    expect(misspelled.exitCode).not.toBe(0);
    expect(misspelled.all).toMatch(/storageClass/);
    const url = await renderPlatform({ set: ['stores.imageRegistry=https://registry.example.com'] });
    expect(url.exitCode).not.toBe(0);
    expect(url.all).toMatch(/imageRegistry/);
  });
});
