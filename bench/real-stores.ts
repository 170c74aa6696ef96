// Real stores on local mode's node: from the API's create to Ready, beside what an operator would run
// by hand with the same chart and values (a namespace, the admin Secret, then `helm upgrade --install
// --wait --wait-for-jobs`). One store at a time; the two sides take turns going first, so a warm node
// favours neither. Needs what local mode needs (root, containerd...): elsewhere it says why and skips.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { storeRelease } from '../activities/helm-cli.js';
import { ignoreNotFound } from '../activities/kube-objects.js';
import { secretValues } from '../activities/secrets.js';
import { adminSecretName, namespaceName, releaseName } from '../core/names.js';
import { engines, type Engine } from '../core/store-spec.js';
import { describeMachineProblems, findMachineProblems, realMachine } from '../dev/cluster/local-checks.js';
import { defaultCacheDir } from '../dev/config.js';
import { startPlatform } from '../dev/platform.js';
import { freePlatformPorts } from '../dev/ports.js';
import { apiUrl } from '../dev/services.js';
import { components } from '../dev/toolchain/components.js';
import { ensureToolchain } from '../dev/toolchain/ensure.js';
import { localComponents } from '../dev/toolchain/local-components.js';
import { takeNodeTurn } from '../test/real/node-turn.js';
import { loadWorkerConfig } from '../worker/config.js';
import { StoreApi } from './api-client.js';
import { benchStoreSpec } from './bare-store.js';
import { progress, type ResultLog } from './report.js';
import { benchResult, median } from './stats.js';

const repetitions = 3;
/** The API's Ready time is the one the workflow records, so this poll only bounds how soon we notice. */
const pollMs = 1000;
const helmTimeout = '15m';

export async function realStoresBenchmark(results: ResultLog, stateDir: string): Promise<void> {
  const problems = findMachineProblems(realMachine());
  if (problems.length) {
    progress(`real: skipped, this machine cannot run local mode's node:\n${describeMachineProblems(problems)}`);
    return;
  }
  const releaseNode = await takeNodeTurn();
  const ports = await freePlatformPorts();
  const cacheDir = defaultCacheDir();
  const toolchain = await ensureToolchain({ cacheDir, build: false, components: [...components, ...localComponents] });
  const platform = await startPlatform(
    { stateDir: join(stateDir, 'real'), cacheDir, cluster: { mode: 'local' }, ports },
    toolchain,
    {
      ephemeral: true,
      services: true,
      progress: (line) => progress(`real: ${line}`),
    },
  ).catch((error: unknown) => {
    releaseNode();
    throw error;
  });
  try {
    const api = new StoreApi(apiUrl(ports.api));
    const bare = bareHelm(platform.kubeconfigPath, toolchain.helm ?? 'helm', {
      ...process.env,
      ...platform.local?.workerEnv,
      KUBECONFIG: platform.kubeconfigPath,
    });
    for (const engine of engines) {
      const viaApi: number[] = [];
      const byHand: number[] = [];
      for (let i = 0; i < repetitions; i++) {
        const apiId = `real-${engine.slice(0, 3)}-api-${i}`;
        const bareId = `real-${engine.slice(0, 3)}-bare-${i}`;
        const sides = [
          async () => viaApi.push(await apiSeconds(api, apiId, engine)),
          async () => byHand.push(await bare.provision(bareId, engine)),
        ];
        for (const side of i % 2 === 0 ? sides : sides.reverse()) await side();
        progress(
          `real ${engine} ${i + 1}/${repetitions}: API ${viaApi.at(-1)?.toFixed(1)} s, helm --wait ${byHand.at(-1)?.toFixed(1)} s`,
        );
        await api.delete(apiId);
        await api.waitFor(apiId, 'Deleted', pollMs);
        await bare.remove(bareId, engine);
      }
      results.add(
        benchResult({
          name: `real.${engine}.create_to_ready`,
          value: median(viaApi),
          unit: 's',
          baseline: median(byHand),
          target: { of: 'ratio', op: '<=', limit: 1.1 },
        }),
      );
    }
  } finally {
    await platform.stop();
    releaseNode();
  }
}

/** POST, then the Ready time the workflow recorded. */
async function apiSeconds(api: StoreApi, storeId: string, engine: Engine): Promise<number> {
  const start = Date.now();
  await api.create(storeId, engine);
  const ready = await api.waitFor(storeId, 'Ready', pollMs);
  return ((ready.readyAt ? Date.parse(ready.readyAt) : Date.now()) - start) / 1000;
}

/** The operator's script: the chart and values the worker would install, with helm doing the waiting. */
function bareHelm(kubeconfigPath: string, helmBinary: string, workerEnv: NodeJS.ProcessEnv) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const settings = loadWorkerConfig(workerEnv);
  const deps = { chartsDir: settings.chartsDir, chartValues: settings.chartValues, settings: settings.settings };
  const helm = (args: string[], input?: string) =>
    execa(helmBinary, args, { env: { KUBECONFIG: kubeconfigPath }, input });
  return {
    async provision(storeId: string, engine: Engine): Promise<number> {
      const spec = benchStoreSpec(storeId, engine);
      const namespace = namespaceName(storeId);
      const release = storeRelease(deps, spec);
      const start = Date.now();
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: adminSecretName }, stringData: secretValues(spec) },
      });
      await helm(
        [
          'upgrade',
          '--install',
          release.name,
          release.chart,
          '-n',
          namespace,
          '-f',
          '-',
          '--wait',
          '--wait-for-jobs',
          '--timeout',
          helmTimeout,
        ],
        release.values,
      );
      return (Date.now() - start) / 1000;
    },
    /** helm uninstall, then the namespace (its volume claims with it) until it is gone. */
    async remove(storeId: string, engine: Engine): Promise<void> {
      const namespace = namespaceName(storeId);
      await helm(['uninstall', releaseName(engine, storeId), '-n', namespace, '--wait']);
      await ignoreNotFound(core.deleteNamespace({ name: namespace }));
      while (await ignoreNotFound(core.readNamespace({ name: namespace }))) await sleep(pollMs);
    },
  };
}
