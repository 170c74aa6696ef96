// The store charts against the contract the worker's helm activity relies on: lint, labels, no
// credentials, every container inside the plan's LimitRange and all pods inside its ResourceQuota,
// schema errors for bad values, and installs into a namespace guarded like a real store's.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, BatchV1Api, CoreV1Api, loadYaml, type KubernetesObject, type V1Container, type V1Deployment, type V1EnvVar, type V1Job, type V1PodTemplateSpec, type V1StatefulSet } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { adminSecretKeys } from '../../activities/secrets.js';
import { adminSecretName, namespaceName, releaseName } from '../../core/names.js';
import { plans, planNames, type Plan } from '../../core/plans.js';
import { eventually, helm, kubeConfig, uniqueName } from '../harness/clients.js';

const engines = ['woocommerce', 'medusa'] as const;
type Engine = (typeof engines)[number];
const chartPath = (engine: Engine) => fileURLToPath(new URL(`../../charts/${engine}`, import.meta.url));
const storeId = 'demo1';
const values = (plan: Plan, id = storeId) => ({ storeId: id, host: `${id}.127.0.0.1.nip.io`, plan, existingSecret: adminSecretName });

type Manifest = KubernetesObject & { spec?: Record<string, unknown> };
type Workload = V1Deployment | V1StatefulSet | V1Job;
const isWorkload = (o: Manifest): o is Manifest & Workload => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind ?? '');
const describeObject = (o: Manifest) => `${o.kind}/${o.metadata?.name}`;

function parseManifests(text: string): Manifest[] {
  return text.split(/^---\s*$/m).filter((doc) => /^kind:/m.test(doc)).map((doc) => loadYaml<Manifest>(doc));
}

/** `helm template` with the values on stdin, as the worker passes them; the release is the store's (or demo1's). */
async function render(engine: Engine, input: Record<string, string>, extraArgs: string[] = [], id = storeId) {
  return helm(['template', releaseName(engine, id), chartPath(engine), '-n', namespaceName(id), '-f', '-', ...extraArgs], { input: JSON.stringify(input) });
}

async function renderOk(engine: Engine, plan: Plan, id = storeId): Promise<Manifest[]> {
  const result = await render(engine, values(plan, id), [], id);
  expect(result.exitCode, result.all).toBe(0);
  return parseManifests(result.stdout);
}

const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
function quantity(value: string | undefined): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value ?? '');
  const unit = match ? units[match[2] ?? ''] : undefined;
  if (!match || unit === undefined) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * unit;
}

const podTemplate = (w: Workload): V1PodTemplateSpec => (w.spec as { template: V1PodTemplateSpec }).template;
const allContainers = (w: Workload): V1Container[] => [...(podTemplate(w).spec?.initContainers ?? []), ...(podTemplate(w).spec?.containers ?? [])];
const resourceKeys = [
  ['requests.cpu', 'requests', 'cpu'],
  ['requests.memory', 'requests', 'memory'],
  ['limits.cpu', 'limits', 'cpu'],
  ['limits.memory', 'limits', 'memory'],
] as const;

/** What all pods ask for at the worst moment: every workload, the setup Job, and one surge pod per rolling Deployment. */
function worstCaseUsage(objects: Manifest[]): Record<string, number> {
  const usage: Record<string, number> = { pods: 0, persistentvolumeclaims: 0, 'requests.storage': 0 };
  for (const [key] of resourceKeys) usage[key] = 0;
  for (const o of objects) {
    if (o.kind === 'PersistentVolumeClaim') {
      usage.persistentvolumeclaims! += 1;
      usage['requests.storage']! += quantity((o.spec as { resources: { requests: { storage: string } } }).resources.requests.storage);
    }
    if (!isWorkload(o)) continue;
    const spec = o.spec as { replicas?: number; strategy?: { type?: string }; volumeClaimTemplates?: Array<{ spec: { resources: { requests: { storage: string } } } }> };
    const rolling = o.kind === 'Deployment' && (spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const pods = (o.kind === 'Job' ? 1 : (spec.replicas ?? 1)) + (rolling ? 1 : 0);
    usage.pods! += pods;
    for (const claim of spec.volumeClaimTemplates ?? []) {
      usage.persistentvolumeclaims! += 1;
      usage['requests.storage']! += quantity(claim.spec.resources.requests.storage);
    }
    const podSpec = podTemplate(o).spec!;
    for (const [key, kind, resource] of resourceKeys) {
      const sum = podSpec.containers.reduce((total, c) => total + quantity(c.resources?.[kind]?.[resource]), 0);
      const init = Math.max(0, ...(podSpec.initContainers ?? []).map((c) => quantity(c.resources?.[kind]?.[resource])));
      usage[key]! += Math.max(sum, init) * pods;
    }
  }
  return usage;
}

const envOf = (c: V1Container): V1EnvVar[] => c.env ?? [];
const credentialEnv = /PASSWORD|SECRET|SEED|TOKEN/;

describe.each(engines)('the %s chart', (engine) => {
  describe.each(planNames)('with the %s plan', (plan) => {
    it('when linted, then helm lint passes', async () => {
      const result = await helm(['lint', chartPath(engine), '--strict', '--set', `storeId=${storeId},host=${storeId}.example.test,plan=${plan}`]);
      expect(result.exitCode, result.all).toBe(0);
    });

    it('when rendered, then every object carries the storefleet labels and selectors use only name, instance and component', async () => {
      const objects = await renderOk(engine, plan);
      const release = releaseName(engine, storeId);
      for (const o of objects) {
        expect(o.metadata?.labels, describeObject(o)).toMatchObject({
          'app.kubernetes.io/name': engine,
          'app.kubernetes.io/instance': release,
          'app.kubernetes.io/component': expect.stringMatching(/^[a-z]+$/) as unknown,
          'app.kubernetes.io/part-of': 'storefleet',
          'app.kubernetes.io/managed-by': 'Helm',
          'helm.sh/chart': `${engine}-0.1.0`,
          'storefleet.io/store-id': storeId,
        });
        expect(o.metadata?.name?.startsWith(`${release}-`), describeObject(o)).toBe(true);
        if (o.kind === 'Service') expect(Object.keys((o.spec as { selector: object }).selector).sort(), describeObject(o)).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
        if (!isWorkload(o)) continue;
        const podLabels = podTemplate(o).metadata?.labels ?? {};
        expect(podLabels, describeObject(o)).toMatchObject({ 'app.kubernetes.io/name': engine, 'app.kubernetes.io/instance': release, 'app.kubernetes.io/part-of': 'storefleet', 'storefleet.io/store-id': storeId });
        expect(podLabels['app.kubernetes.io/component'], describeObject(o)).toBe(o.metadata?.labels?.['app.kubernetes.io/component']);
        if (o.kind === 'Job') continue;
        const selector = (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        expect(Object.keys(selector).sort(), describeObject(o)).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
        expect(podLabels, describeObject(o)).toMatchObject(selector);
      }
    });

    it('when rendered, then there is no Secret, no hook, and every credential is a secretKeyRef to existingSecret', async () => {
      const objects = await renderOk(engine, plan);
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      for (const o of objects) expect(Object.keys(o.metadata?.annotations ?? {}).filter((a) => a.startsWith('helm.sh/hook')), describeObject(o)).toEqual([]);
      for (const o of objects.filter(isWorkload)) {
        for (const variable of allContainers(o).flatMap(envOf)) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) {
            expect(ref.name).toBe(adminSecretName);
            expect(adminSecretKeys).toContain(ref.key);
          } else if (credentialEnv.test(variable.name)) {
            // Only values composed from other variables, e.g. DATABASE_URL or the WordPress salts.
            expect(variable.value ?? '', `${describeObject(o)} ${variable.name}`).toMatch(/\$\([A-Z_]+\)/);
          }
        }
      }
    });

    it('when rendered, then every container sets requests and limits inside the plan LimitRange', async () => {
      const { containerMax, containerMin } = plans[plan];
      for (const o of (await renderOk(engine, plan)).filter(isWorkload)) {
        for (const c of allContainers(o)) {
          const where = `${describeObject(o)} container ${c.name}`;
          for (const resource of ['cpu', 'memory'] as const) {
            const request = quantity(c.resources?.requests?.[resource]);
            const limit = quantity(c.resources?.limits?.[resource]);
            expect(request, `${where} ${resource} request`).toBeGreaterThanOrEqual(quantity(containerMin[resource]));
            expect(limit, `${where} ${resource} limit`).toBeGreaterThanOrEqual(request);
            expect(limit, `${where} ${resource} limit`).toBeLessThanOrEqual(quantity(containerMax[resource]));
          }
          expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
          expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
        }
        expect(podTemplate(o).spec?.securityContext?.runAsNonRoot, describeObject(o)).toBe(true);
        expect(podTemplate(o).spec?.securityContext?.seccompProfile?.type, describeObject(o)).toBe('RuntimeDefault');
      }
    });

    it('when rendered, then all pods together, setup Job and surge pods included, fit the plan ResourceQuota', async () => {
      const usage = worstCaseUsage(await renderOk(engine, plan));
      for (const [key, used] of Object.entries(usage)) {
        expect(used, key).toBeGreaterThan(0);
        expect(used, key).toBeLessThanOrEqual(quantity(plans[plan].quota[key]));
      }
    });
  });

  it('when rendered twice with the same values, then the Job is identical, and changed values give it a new name', async () => {
    const jobOf = (objects: Manifest[]) => objects.find((o) => o.kind === 'Job') as V1Job;
    const [first, again, medium] = await Promise.all([renderOk(engine, 'small'), renderOk(engine, 'small'), renderOk(engine, 'medium')]);
    expect(jobOf(again)).toEqual(jobOf(first));
    expect(jobOf(first).spec?.ttlSecondsAfterFinished).toBeUndefined();
    expect(podTemplate(jobOf(first)).metadata?.annotations).toBeUndefined();
    expect(jobOf(medium).metadata?.name).not.toBe(jobOf(first).metadata?.name);
  });

  it('when the store id is 40 characters long, then every name fits 63 characters and StatefulSets 52', async () => {
    const objects = await renderOk(engine, 'small', `s${'0'.repeat(38)}z`);
    for (const o of objects) expect(o.metadata?.name?.length, describeObject(o)).toBeLessThanOrEqual(o.kind === 'StatefulSet' ? 52 : 63);
  });

  it.each([
    ['storeId', 'Demo_1'],
    ['storeId', 'ab'],
    ['storeId', `a${'b'.repeat(40)}`],
    ['storeId', '-demo1'],
    ['storeId', ''],
    ['plan', 'huge'],
    ['host', ''],
    ['host', 'Not A Host'],
    ['existingSecret', ''],
  ])('when %s is %j, then helm fails with a schema error', async (key, value) => {
    const result = await render(engine, { ...values('small'), [key]: value });
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/values don't meet the specifications of the schema/);
  });

  it('when schema validation is skipped, then an unknown plan or a missing storeId still fails with a clear message', async () => {
    const plan = await render(engine, { ...values('small'), plan: 'huge' }, ['--skip-schema-validation']);
    expect(plan.exitCode).not.toBe(0);
    expect(plan.all).toContain('unknown plan "huge"');
    const id = await render(engine, { ...values('small'), storeId: '' }, ['--skip-schema-validation']);
    expect(id.exitCode).not.toBe(0);
    expect(id.all).toContain('storeId is required');
  });
});

describe('a store chart installed into a namespace guarded like a small store', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  });

  /** A namespace with baseline Pod Security, the small plan's quota and limits, and the store Secret. */
  async function guardedNamespace(engine: Engine): Promise<{ id: string; namespace: string; secretValues: string[] }> {
    const id = uniqueName(engine.slice(0, 3));
    const namespace = namespaceName(id);
    namespaces.push(namespace);
    const baseline = Object.fromEntries(['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'baseline']));
    await core.createNamespace({ body: { metadata: { name: namespace, labels: { ...baseline, 'app.kubernetes.io/part-of': 'storefleet' } } } });
    const small = plans.small;
    await core.createNamespacedResourceQuota({ namespace, body: { metadata: { name: 'store-quota' }, spec: { hard: small.quota } } });
    await core.createNamespacedLimitRange({
      namespace,
      body: { metadata: { name: 'store-limits' }, spec: { limits: [{ type: 'Container', max: small.containerMax, min: small.containerMin, _default: small.containerDefault, defaultRequest: small.containerDefaultRequest }] } },
    });
    const data: Record<string, string> = Object.fromEntries(adminSecretKeys.map((key) => [key, randomBytes(24).toString('base64url')]));
    Object.assign(data, { 'admin-username': 'admin', 'admin-email': `admin@${id}.store.invalid` });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: adminSecretName }, stringData: data } });
    return { id, namespace, secretValues: [data['admin-password']!, data['database-password']!, data['jwt-secret']!] };
  }

  const upgradeInstall = (engine: Engine, id: string, extraArgs: string[] = []) =>
    helm(['upgrade', '--install', releaseName(engine, id), chartPath(engine), '-n', namespaceName(id), '-f', '-', ...extraArgs], { input: JSON.stringify(values('small', id)) });

  it.each(engines)('when %s is installed with --dry-run=server, then the API server accepts every object without a Pod Security warning', async (engine) => {
    const { id, secretValues } = await guardedNamespace(engine);
    const result = await upgradeInstall(engine, id, ['--dry-run=server']);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).not.toMatch(/violate PodSecurity/i);
    for (const secret of secretValues) expect(result.all).not.toContain(secret);
  });

  it.each(engines)('when %s is installed, then every workload becomes ready inside the quota and an upgrade with the same values keeps the Job', async (engine) => {
    const { id, namespace } = await guardedNamespace(engine);
    const install = await upgradeInstall(engine, id);
    expect(install.exitCode, install.all).toBe(0);
    const labelSelector = `app.kubernetes.io/instance=${releaseName(engine, id)}`;
    const ready = async () => {
      const [deployments, statefulSets, jobs] = await Promise.all([
        apps.listNamespacedDeployment({ namespace, labelSelector }),
        apps.listNamespacedStatefulSet({ namespace, labelSelector }),
        batch.listNamespacedJob({ namespace, labelSelector }),
      ]);
      const pending = [
        ...deployments.items.filter((d) => (d.status?.readyReplicas ?? 0) < (d.spec?.replicas ?? 1)),
        ...statefulSets.items.filter((s) => (s.status?.readyReplicas ?? 0) < (s.spec?.replicas ?? 1)),
        ...jobs.items.filter((j) => !j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')),
      ];
      return pending.length === 0 && jobs.items.length === 1 ? jobs.items[0] : undefined;
    };
    const job = await eventually(`every ${engine} workload to be ready`, ready, 150_000);

    const again = await upgradeInstall(engine, id);
    expect(again.exitCode, again.all).toBe(0);
    const jobs = await batch.listNamespacedJob({ namespace, labelSelector });
    expect(jobs.items.map((j) => j.metadata?.uid)).toEqual([job.metadata?.uid]);

    const uninstall = await helm(['uninstall', releaseName(engine, id), '-n', namespace, '--wait']);
    expect(uninstall.exitCode, uninstall.all).toBe(0);
  }, 180_000);
});
