// The Store CRD against the real apiserver: the chart's file is the one core/store-resource.ts makes,
// the platform installs it in its own cluster, the apiserver refuses what the API refuses (the store id rules on the name, engines, plans, chart
// versions) with the API's words, engine cannot change, and `kubectl get stores` has its columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, ApiextensionsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beforeSend } from '../../activities/kube-objects.js';
import { repoRoot } from '../../dev/config.js';
import { storeCrdFile, storeCrdYaml } from '../../dev/store-crd.js';
import { storeCrd, storeGroup, storePlural, storeVersion } from '../../core/store-resource.js';
import { kubeConfig, uniqueName } from '../harness/clients.js';

const kc = kubeConfig();
const extensions = kc.makeApiClient(ApiextensionsV1Api);
const objects = kc.makeApiClient(CustomObjectsApi);
const core = kc.makeApiClient(CoreV1Api);
const namespace = uniqueName('crd');
const where = { group: storeGroup, version: storeVersion, plural: storePlural, namespace };

const store = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: `${storeGroup}/${storeVersion}`,
  kind: 'Store',
  metadata: { name },
  spec,
});

/** The apiserver's refusal (status and message) of creating this object; undefined when it was created. */
async function refusal(body: object): Promise<{ code: number; message: string } | undefined> {
  try {
    await objects.createNamespacedCustomObject({ ...where, body });
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = JSON.parse(String(error.body)) as { message: string };
    return { code: error.code, message: body.message };
  }
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('the Store CRD', () => {
  it('when the chart ships it, then its file is the one core/store-resource.ts makes (npm run crd)', () => {
    expect(readFileSync(join(repoRoot, storeCrdFile), 'utf8')).toBe(storeCrdYaml());
  });

  it('when the platform started its cluster, then it installed the CRD and the apiserver serves it', async () => {
    const crd = await extensions.readCustomResourceDefinition({ name: storeCrd.metadata.name });
    expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    expect(crd.spec.versions.map((v) => v.name)).toEqual([storeVersion]);
  });

  it('when a valid Store is applied, then it is kept with plan small by default', async () => {
    await objects.createNamespacedCustomObject({ ...where, body: store('shop-one', { engine: 'woocommerce' }) });
    const kept = (await objects.getNamespacedCustomObject({ ...where, name: 'shop-one' })) as {
      spec: Record<string, string>;
    };
    expect(kept.spec).toEqual({ engine: 'woocommerce', plan: 'small' });
  });

  it.each<[string, object, RegExp]>([
    ['a name shorter than a store id may be', store('ab', { engine: 'medusa' }), /storeId must be 3 to 40 characters/],
    ['a name with a dot', store('shop.one', { engine: 'medusa' }), /storeId must be lowercase letters, digits and "-"/],
    ['a name a cleanup workflow would take', store('shop-cleanup', { engine: 'medusa' }), /must not end in "-cleanup"/],
    [
      'an engine storefleet does not run',
      store('shop-two', { engine: 'magento' }),
      /spec.engine: Unsupported value: "magento"/,
    ],
    [
      'a plan that does not exist',
      store('shop-three', { engine: 'medusa', plan: 'huge' }),
      /spec.plan: Unsupported value: "huge"/,
    ],
    [
      'a chart version that is no SemVer',
      store('shop-four', { engine: 'medusa', chartVersion: 'latest' }),
      /spec.chartVersion/,
    ],
    ['no engine', store('shop-five', { plan: 'small' }), /spec.engine: Required value/],
  ])('when a Store has %s, then the apiserver refuses it, saying why', async (_what, body, reason) => {
    const refused = await refusal(body);
    expect(refused?.code).toBe(422);
    expect(refused?.message).toMatch(reason);
  });

  it("when a Store's engine is changed, then the apiserver refuses it: engine is immutable; its plan may change", async () => {
    await objects.createNamespacedCustomObject({ ...where, body: store('shop-six', { engine: 'medusa' }) });
    const patch = (spec: object) =>
      objects.patchNamespacedCustomObject({
        ...where,
        name: 'shop-six',
        body: [{ op: 'replace', path: '/spec', value: spec }],
      });
    const error: unknown = await patch({ engine: 'woocommerce', plan: 'small' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    expect(String((error as ApiException<unknown>).body)).toMatch(/engine is immutable/);
    await patch({ engine: 'medusa', plan: 'large' });
  });

  it('when stores are listed as kubectl lists them (a Table), then the columns are Name, Phase, Engine, Plan, URL and Age', async () => {
    const asTable = beforeSend((context) =>
      context.setHeaderParam('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'),
    );
    const table = (await objects.listNamespacedCustomObject(where, asTable)) as {
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Phase', 'Engine', 'Plan', 'URL', 'Age']);
    expect(table.rows.map((r) => r.cells.slice(0, 4))).toContainEqual(['shop-one', null, 'woocommerce', 'small']);
  });
});
