// The platform chart (charts/platform): lint, what it renders with each values file, and installs into
// the run's cluster (--dry-run=server, and for real into namespaces enforcing Pod Security "restricted").
import { readFileSync } from 'node:fs';
import {
  AppsV1Api,
  CoreV1Api,
  type V1ClusterRoleBinding,
  type V1Deployment,
  type V1Ingress,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { eventually, helm, kubeConfig, uniqueName } from '../harness/clients.js';
import {
  containerOf,
  envOf,
  expectStoreSearchAttributes,
  find,
  platformChart,
  renderOk,
  renderPlatform,
  valuesFiles,
  valuesPath,
  type Manifest,
  type ValuesFile,
} from './render.js';

const podSpec = (deployment: Manifest): V1PodSpec => (deployment as V1Deployment).spec!.template.spec!;
const workloads = ['api', 'worker'] as const;

describe('helm lint', () => {
  it.each(valuesFiles)('when the chart is linted with %s, then helm lint --strict passes', async (file) => {
    const result = await helm(['lint', '--strict', platformChart, '-f', valuesPath(file)]);
    expect(result.exitCode, result.all).toBe(0);
  });
});

describe.each(valuesFiles)('rendered with %s', (file: ValuesFile) => {
  it('when rendered, then api and worker run as non-root on a read-only root filesystem with no capabilities and writable /tmp', async () => {
    const objects = await renderOk({ values: file });
    for (const component of workloads) {
      const deployment = find(objects, 'Deployment', `store-platform-${component}`);
      const spec = podSpec(deployment);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      const container = containerOf(deployment);
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.command).toEqual(['node']);
      expect(container.args).toEqual([`${component}/main.js`]);
      expect(container.resources?.requests).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      const mounts = Object.fromEntries((container.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      expect(mounts['/tmp']).toBe('tmp');
      expect(spec.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
    }
    const worker = containerOf(find(objects, 'Deployment', 'store-platform-worker'));
    const env = envOf(worker);
    expect(worker.volumeMounts?.find((m) => m.mountPath === '/helm')?.name).toBe('helm');
    expect([env.HELM_CACHE_HOME, env.HELM_CONFIG_HOME, env.HELM_DATA_HOME]).toEqual([
      '/helm/cache',
      '/helm/config',
      '/helm/data',
    ]);
  });

  it('when rendered, then the api is probed on /healthz (liveness) and /readyz (readiness) and the worker on its metrics port', async () => {
    const objects = await renderOk({ values: file });
    const api = containerOf(find(objects, 'Deployment', 'store-platform-api'));
    expect(api.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(api.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    const worker = containerOf(find(objects, 'Deployment', 'store-platform-worker'));
    expect(worker.ports).toEqual([expect.objectContaining({ name: 'metrics', containerPort: 9464 })]);
    for (const probe of [worker.livenessProbe, worker.readinessProbe, worker.startupProbe])
      expect(probe?.httpGet).toMatchObject({ path: '/metrics', port: 'metrics' });
    expect(envOf(worker).STOREFLEET_WORKER_METRICS).toBe('0.0.0.0:9464');
  });

  it("when rendered, then the worker's and the API's environment parses with their real config loaders", async () => {
    const objects = await renderOk({ values: file });
    const worker = loadWorkerConfig(envOf(containerOf(find(objects, 'Deployment', 'store-platform-worker'))));
    expect(worker.kubeconfigPath).toBeUndefined(); // in-cluster credentials
    expect(worker.chartsDir).toBe('/app/charts');
    expect(worker.helmBinary).toBe('/usr/local/bin/helm');
    const apiEnv = envOf(containerOf(find(objects, 'Deployment', 'store-platform-api')));
    expect(apiEnv.STOREFLEET_API_HOST).toBe('0.0.0.0');
    // The keys come from a Secret; any valid keys stand in for them here.
    const api = loadApiConfig({
      ...apiEnv,
      STOREFLEET_API_KEYS: 'team-a=0123456789abcdef',
      STOREFLEET_ADMIN_KEYS: 'fedcba9876543210',
    });
    expect(api.temporal).toEqual(worker.temporal);
  });

  it('when rendered, then node drains are bounded by a PodDisruptionBudget per Deployment', async () => {
    const objects = await renderOk({ values: file });
    for (const component of workloads) {
      const pdb = find(objects, 'PodDisruptionBudget', `store-platform-${component}`);
      expect(pdb.spec).toMatchObject({
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/component': component } },
      });
    }
  });
});

describe('api', () => {
  it('when no host is given, then the Ingress serves the API and dashboard at api.127.0.0.1.nip.io; a host from values replaces it', async () => {
    const defaults = find(await renderOk(), 'Ingress', 'store-platform-api') as V1Ingress;
    expect(defaults.spec?.rules?.[0]?.host).toBe('api.127.0.0.1.nip.io');
    expect(defaults.spec?.rules?.[0]?.http?.paths[0]).toMatchObject({
      path: '/',
      backend: { service: { name: 'store-platform-api', port: { name: 'http' } } },
    });
    const custom = find(
      await renderOk({ set: ['api.ingress.host=stores.example.com'] }),
      'Ingress',
      'store-platform-api',
    ) as V1Ingress;
    expect(custom.spec?.rules?.[0]?.host).toBe('stores.example.com');
  });

  it('when no keys are given, then the chart creates a Secret with one generated admin key that the API reads', async () => {
    const objects = await renderOk();
    const secret = find(objects, 'Secret', 'store-platform-api-keys');
    const admin = Buffer.from(secret.data!['admin-keys']!, 'base64').toString();
    expect(admin).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(Buffer.from(secret.data!['api-keys']!, 'base64').toString()).toBe('');
    const env = envOf(containerOf(find(objects, 'Deployment', 'store-platform-api')));
    expect(env.STOREFLEET_ADMIN_KEYS).toBe('secret:store-platform-api-keys/admin-keys');
    expect(env.STOREFLEET_API_KEYS).toBe('secret:store-platform-api-keys/api-keys');
  });

  it('when keys are given in values, then the Secret holds them as owner=key pairs; with existingSecret, the chart creates none', async () => {
    const objects = await renderOk({
      set: [
        'api.auth.apiKeys.team-a=aaaaaaaaaaaaaaaa1',
        'api.auth.apiKeys.team-b=bbbbbbbbbbbbbbbb2',
        'api.auth.adminKeys[0]=cccccccccccccccc3',
      ],
    });
    const data = find(objects, 'Secret', 'store-platform-api-keys').data!;
    expect(Buffer.from(data['api-keys']!, 'base64').toString()).toBe(
      'team-a=aaaaaaaaaaaaaaaa1,team-b=bbbbbbbbbbbbbbbb2',
    );
    expect(Buffer.from(data['admin-keys']!, 'base64').toString()).toBe('cccccccccccccccc3');

    const external = await renderOk({
      set: ['api.auth.existingSecret=my-keys', 'api.auth.existingSecretKeys.apiKeys=owners'],
    });
    expect(external.filter((o) => o.kind === 'Secret')).toEqual([]);
    const env = envOf(containerOf(find(external, 'Deployment', 'store-platform-api')));
    expect(env.STOREFLEET_API_KEYS).toBe('secret:my-keys/owners');
    expect(env.STOREFLEET_ADMIN_KEYS).toBe('secret:my-keys/admin-keys');
  });

  it('when a key is shorter than 16 characters or a setting is misspelled, then rendering fails', async () => {
    const short = await renderPlatform({ set: ['api.auth.apiKeys.team-a=short'] });
    expect(short.exitCode).not.toBe(0);
    expect(short.all).toMatch(/apiKeys/);
    const typo = await renderPlatform({ set: ['api.replica=3'] });
    expect(typo.exitCode).not.toBe(0);
    expect(typo.all).toMatch(/replica/);
  });

  it('when rendered, then the API has a ServiceAccount of its own that mounts no token and that no binding names', async () => {
    for (const file of valuesFiles) {
      const objects = await renderOk({ values: file });
      const account = find(objects, 'ServiceAccount', 'store-platform-api') as Manifest & {
        automountServiceAccountToken?: boolean;
      };
      expect(account.automountServiceAccountToken).toBe(false);
      const spec = podSpec(find(objects, 'Deployment', 'store-platform-api'));
      expect(spec.serviceAccountName).toBe('store-platform-api');
      expect(spec.automountServiceAccountToken).toBe(false);
      const bindings = objects.filter(
        (o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding',
      ) as V1ClusterRoleBinding[];
      expect(new Set(bindings.flatMap((b) => b.subjects ?? []).map((s) => s.name))).toEqual(
        new Set(['store-platform-worker']),
      );
    }
  });
});

describe('worker', () => {
  it('when api and worker are disabled, then only the worker ServiceAccount, its roles and bindings render', async () => {
    const objects = await renderOk({ set: ['api.enabled=false', 'worker.enabled=false'] });
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/store-platform-worker',
      'ClusterRoleBinding/store-platform-worker',
      'Role/store-platform-worker',
      'RoleBinding/store-platform-worker',
      'ServiceAccount/store-platform-worker',
    ]);
  });

  type Rules = Manifest & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
  const permissions = (role: Rules) =>
    role.rules.flatMap((r) =>
      r.resources.flatMap((res) => r.verbs.map((verb) => `${r.apiGroups[0] || 'core'}/${res}:${verb}`)),
    );

  it('when rendered, then the ClusterRole uses no wildcard, watches only Store objects, and has nothing on RBAC, pods beyond list and reading logs, or nodes', async () => {
    const flat = permissions(find(await renderOk(), 'ClusterRole', 'store-platform-worker') as Rules);
    expect(flat.some((p) => p.includes('*'))).toBe(false);
    expect(flat.filter((p) => /:(watch|deletecollection|escalate|bind|impersonate)$/.test(p))).toEqual([
      'storefleet.io/stores:watch',
    ]);
    // Logs for the masked tails of crashing containers and failed setup pods; never exec, create or delete.
    expect(flat.filter((p) => p.startsWith('core/pods'))).toEqual(['core/pods:list', 'core/pods/log:get']);
    expect(flat.filter((p) => /rbac|nodes|serviceaccounts|customresourcedefinitions/.test(p))).toEqual([]);
  });

  it("when Store objects are on, then the namespaced Role holds only the controller's Lease; when off, nothing of them is granted", async () => {
    const on = await renderOk();
    expect(permissions(find(on, 'Role', 'store-platform-worker') as Rules)).toEqual([
      'coordination.k8s.io/leases:get',
      'coordination.k8s.io/leases:create',
      'coordination.k8s.io/leases:update',
    ]);
    expect(envOf(containerOf(find(on, 'Deployment', 'store-platform-worker'))).STOREFLEET_STORE_OBJECTS_NAMESPACE).toBe(
      'store-platform',
    );
    const off = await renderOk({ set: ['storeObjects.enabled=false'] });
    expect(off.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')).toEqual([]);
    const flat = permissions(find(off, 'ClusterRole', 'store-platform-worker') as Rules);
    expect(flat.filter((p) => p.startsWith('storefleet.io') || p === 'core/events:create')).toEqual([]);
    expect(
      envOf(containerOf(find(off, 'Deployment', 'store-platform-worker'))).STOREFLEET_STORE_OBJECTS_NAMESPACE,
    ).toBe(undefined);
  });
});

describe('temporal', () => {
  it('when the dev server is enabled (values-local), then it registers exactly the store search attributes and both processes use it', async () => {
    const objects = await renderOk({ values: 'values-local.yaml' });
    const server = containerOf(find(objects, 'Deployment', 'store-platform-temporal'));
    expectStoreSearchAttributes(server.args ?? []);
    const ports = (
      find(objects, 'Service', 'store-platform-temporal').spec as { ports: Array<{ name: string; port: number }> }
    ).ports;
    expect(ports.map((p) => `${p.name}:${p.port}`)).toContain('grpc:7233');
    for (const component of workloads)
      expect(envOf(containerOf(find(objects, 'Deployment', `store-platform-${component}`))).TEMPORAL_ADDRESS).toBe(
        'store-platform-temporal:7233',
      );
  });

  it('when an address, namespace and TLS secret are set, then both processes get them and mount the certificates', async () => {
    const objects = await renderOk({
      set: [
        'temporal.address=temporal.example.com:7233',
        'temporal.namespace=stores',
        'temporal.tls.enabled=true',
        'temporal.tls.existingSecret=temporal-client',
        'temporal.tls.serverName=temporal.example.com',
      ],
    });
    for (const component of workloads) {
      const deployment = find(objects, 'Deployment', `store-platform-${component}`);
      const container = containerOf(deployment);
      expect(envOf(container)).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal.example.com:7233',
        TEMPORAL_NAMESPACE: 'stores',
        TEMPORAL_TLS_CA: '/etc/storefleet/temporal-tls/ca.crt',
        TEMPORAL_TLS_CERT: '/etc/storefleet/temporal-tls/tls.crt',
        TEMPORAL_TLS_KEY: '/etc/storefleet/temporal-tls/tls.key',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
      });
      expect(container.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'temporal-tls', mountPath: '/etc/storefleet/temporal-tls', readOnly: true }),
      );
      expect(podSpec(deployment).volumes?.find((v) => v.name === 'temporal-tls')?.secret?.secretName).toBe(
        'temporal-client',
      );
    }
    const publicCa = await renderOk({
      set: [
        'temporal.tls.enabled=true',
        'temporal.tls.existingSecret=unused',
        'temporal.tls.caCertificate=false',
        'temporal.tls.clientCertificate=false',
      ],
    });
    const publicCaEnv = envOf(containerOf(find(publicCa, 'Deployment', 'store-platform-worker')));
    expect(publicCaEnv.TEMPORAL_TLS).toBe('true');
    expect(Object.keys(publicCaEnv).filter((name) => /^TEMPORAL_TLS_(CA|CERT|KEY)$/.test(name))).toEqual([]);
    const missing = await renderPlatform({ set: ['temporal.tls.enabled=true'] });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.all).toMatch(/temporal\.tls\.existingSecret is required/);
  });
});

describe('monitoring', () => {
  it('when nothing is set, then no ServiceMonitor or PrometheusRule renders (they need the Prometheus Operator CRDs)', async () => {
    const kinds = (await renderOk()).map((o) => o.kind);
    expect(kinds).not.toContain('ServiceMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });

  it('when enabled (values-prod), then both processes are scraped and alerts watch failures, provisioning time and stores stuck Deleting', async () => {
    const objects = await renderOk({ values: 'values-prod.yaml' });
    expect(find(objects, 'ServiceMonitor', 'store-platform-api').spec).toMatchObject({
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
    expect(find(objects, 'ServiceMonitor', 'store-platform-worker').spec).toMatchObject({
      endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
    find(objects, 'Service', 'store-platform-worker-metrics');
    const rule = find(objects, 'PrometheusRule', 'store-platform-alerts') as Manifest & {
      spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    };
    const alerts = Object.fromEntries(rule.spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]));
    expect(alerts.StorefleetProvisioningFailureRateHigh).toContain('storefleet_store_failures_total');
    expect(alerts.StorefleetProvisioningSlow).toContain('storefleet_store_provisioning_seconds_bucket');
    expect(alerts.StorefleetStoresStuckDeleting).toContain('storefleet_store_ready{phase="Deleting"}');
    expect(alerts.StorefleetWorkerMetricsDown).toContain('store-platform-worker-metrics');
    // The names the alerts use are the ones the code exports.
    const workflowMetrics = readFileSync(new URL('../../workflows/options.ts', import.meta.url), 'utf8');
    const apiMetrics = readFileSync(new URL('../../api/metrics.ts', import.meta.url), 'utf8');
    for (const name of ['storefleet_store_failures_total', 'storefleet_store_provisioning_seconds'])
      expect(workflowMetrics).toContain(`'${name}'`);
    expect(apiMetrics).toContain("name: 'storefleet_store_ready'");
  });
});

describe('install into the cluster', () => {
  const core = kubeConfig().makeApiClient(CoreV1Api);
  const apps = kubeConfig().makeApiClient(AppsV1Api);
  const namespaces: string[] = [];
  const releases: Array<{ name: string; namespace: string }> = [];
  afterAll(async () => {
    // helm uninstall also removes the cluster-scoped ClusterRole and binding, which outlive a namespace.
    for (const release of releases) await helm(['uninstall', release.name, '-n', release.namespace]);
    await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  });

  async function restrictedNamespace(): Promise<string> {
    const name = uniqueName('platform');
    namespaces.push(name);
    const labels = Object.fromEntries(
      ['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']),
    );
    await core.createNamespace({ body: { metadata: { name, labels } } });
    return name;
  }

  // The simulated cluster has no Prometheus Operator, so values-prod goes in with monitoring off.
  const withoutMonitoring = ['metrics.serviceMonitor.enabled=false', 'metrics.prometheusRule.enabled=false'];
  function install(namespace: string, file: ValuesFile, extra: string[] = []) {
    const name = uniqueName('sp');
    if (!extra.includes('--dry-run=server')) releases.push({ name, namespace });
    const set = (file === 'values-prod.yaml' ? withoutMonitoring : []).flatMap((s) => ['--set', s]);
    return helm([
      'upgrade',
      '--install',
      name,
      platformChart,
      '-n',
      namespace,
      '-f',
      valuesPath(file),
      ...set,
      ...extra,
    ]);
  }

  it.each(valuesFiles)(
    'when installed with %s and --dry-run=server, then the API server accepts every object',
    async (file) => {
      const result = await install(await restrictedNamespace(), file, ['--dry-run=server']);
      expect(result.exitCode, result.all).toBe(0);
    },
  );

  // A dry run shows no admission warnings; a real install does, and kwok runs the pods it admits.
  it.each(valuesFiles)(
    'when installed with %s into a namespace enforcing Pod Security "restricted", then no warning and every Deployment becomes available',
    async (file) => {
      const namespace = await restrictedNamespace();
      const result = await install(namespace, file);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.all).not.toMatch(/PodSecurity|Warning/i);
      await eventually(`the Deployments in ${namespace} to be available`, async () => {
        const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
        const waiting = deployments.filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1));
        return deployments.length >= 2 && waiting.length === 0 ? true : undefined;
      });
    },
  );

  it('when the release is upgraded, then the generated admin key stays the same', async () => {
    const namespace = await restrictedNamespace();
    const name = uniqueName('sp');
    releases.push({ name, namespace });
    const adminKey = async () =>
      (await core.readNamespacedSecret({ name: `${name}-api-keys`, namespace })).data?.['admin-keys'];
    const install = await helm(['upgrade', '--install', name, platformChart, '-n', namespace]);
    expect(install.exitCode, install.all).toBe(0);
    const before = await adminKey();
    expect(before).toBeTruthy();
    const upgrade = await helm(['upgrade', name, platformChart, '-n', namespace, '--set', 'api.replicas=3']);
    expect(upgrade.exitCode, upgrade.all).toBe(0);
    expect(await adminKey()).toBe(before);
  });

  it('when monitoring is enabled in a cluster without the Prometheus Operator, then the install fails naming the missing kind', async () => {
    const namespace = await restrictedNamespace();
    const result = await helm([
      'upgrade',
      '--install',
      'store-platform',
      platformChart,
      '-n',
      namespace,
      '-f',
      valuesPath('values-prod.yaml'),
      '--dry-run=server',
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(
      /no matches for kind "(PrometheusRule|ServiceMonitor)" in version "monitoring\.coreos\.com\/v1"/,
    );
  });
});
