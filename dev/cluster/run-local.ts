// A real single node by hand, until Ctrl-C or SIGTERM:
//   node --import tsx dev/cluster/run-local.ts [state dir, default .storefleet/local-node]
// It prints the kubeconfig to use and, when it stops, what it put back on the host. The test of a
// killed run starts it as a child and kills it.
import { join, resolve } from 'node:path';
import { freeLocalClusterPorts, startLocalCluster } from './local.js';
import { summarizeRemoved } from './local-cleanup.js';
import { loadPlatformConfig } from '../config.js';
import { say } from '../output.js';
import { ProcessRegistry } from '../process.js';
import { ensureToolchain } from '../toolchain/ensure.js';
import { localNodeComponents } from '../toolchain/local-components.js';

const config = loadPlatformConfig();
const stateDir = resolve(process.argv[2] ?? join(config.stateDir, 'local-node'));
const registry = new ProcessRegistry(join(stateDir, 'pids.json'));
const stopped = await registry.cleanLeftovers();
if (stopped.length) say(`[local] stopped what an earlier run left running: ${stopped.join(', ')}`);

const toolchain = await ensureToolchain({ cacheDir: config.cacheDir, components: localNodeComponents });
const cluster = await startLocalCluster({
  stateDir,
  cacheDir: config.cacheDir,
  toolchain,
  ...(await freeLocalClusterPorts()),
  registry,
  progress: (line) => say(`[local] ${line}`),
});
say(`[local] node ${cluster.nodeName} is Ready: export KUBECONFIG=${cluster.kubeconfigPath}`);
say(`[local] images: ${Object.values(cluster.images).join(', ')}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say('[local] stopping: deleting the pods, then the node, then the control plane');
    void cluster.stop().then((removed) => {
      say(`[local] stopped; put back on the host: ${summarizeRemoved(removed)}`);
      process.exit(0);
    });
  });
}
