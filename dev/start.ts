// `npm start`: the supervisor of the local platform. Starts every piece, prints where things are,
// restarts a crashed worker or API, and on Ctrl-C / SIGTERM (or when Temporal or a piece of the
// cluster dies) stops them all, leaving no process behind.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlatformConfig, type PlatformConfig } from './config.js';
import { formatDuration, say } from './output.js';
import { processRegistry, startPlatform, type RunningPlatform } from './platform.js';
import { apiUrl } from './services.js';
import { components } from './toolchain/components.js';
import { ensureToolchain } from './toolchain/ensure.js';
import { localComponents } from './toolchain/local-components.js';

export async function start(): Promise<number> {
  const began = Date.now();
  const config = loadPlatformConfig();
  mkdirSync(config.stateDir, { recursive: true });
  const pidFile = claimStateDir(config.stateDir);
  try {
    const leftovers = await processRegistry(config.stateDir).cleanLeftovers();
    if (leftovers.length > 0)
      say(`[storefleet] stopped leftovers of an earlier run that did not shut down cleanly: ${leftovers.join(', ')}`);

    // Local mode needs the node's binaries too (kubelet, kube-proxy, CoreDNS, kube-router, local-path-provisioner).
    const toolchain = await ensureToolchain({
      cacheDir: config.cacheDir,
      components: config.cluster.mode === 'local' ? [...components, ...localComponents] : components,
    });
    const platform = await startPlatform(config, toolchain, {
      temporalUi: true,
      services: true,
      progress: (line) => say(`[storefleet] ${line}`),
    });
    printBanner(config, platform, Date.now() - began);
    const reason = await untilStopRequested(platform);
    say(`[storefleet] ${reason}; stopping everything...`);
    await platform.stop();
    say('[storefleet] stopped.');
    return reason.startsWith('received') ? 0 : 1;
  } finally {
    rmSync(pidFile, { force: true });
  }
}

/** One supervisor per state dir: a second `npm start` would fight the first over ports and files. */
function claimStateDir(stateDir: string): string {
  const pidFile = join(stateDir, 'supervisor.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid !== process.pid && isSupervisor(pid)) {
      throw new Error(
        `storefleet is already running from ${stateDir} (pid ${pid}). Stop it first (Ctrl-C in its terminal, or kill ${pid}).`,
      );
    }
  }
  writeFileSync(pidFile, String(process.pid));
  return pidFile;
}

function isSupervisor(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dev/cli.ts');
  } catch {
    return false;
  }
}

function untilStopRequested(platform: RunningPlatform): Promise<string> {
  return new Promise((resolve) => {
    // `on`, not `once`: Ctrl-C or a group-wide SIGTERM also arrives forwarded by the bootstrap; a second
    // copy must not kill the supervisor half-way through stopping everything.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.on(signal, () => resolve(`received ${signal}`));
    // The worker and API restart on their own (dev/restarting.ts); these hold the platform's state.
    for (const child of platform.processes) {
      void child.exited.then((code) => {
        if (child.isStopping) return;
        resolve(
          `${child.name} exited unexpectedly (${code === null ? 'killed by a signal' : `code ${code}`}); its state is on disk, and the next npm start resumes from it. ` +
            `Last lines of ${child.logFile}:\n${child.logTail()}\n`,
        );
      });
    }
  });
}

function printBanner(config: PlatformConfig, platform: RunningPlatform, elapsedMs: number): void {
  const api = apiUrl(config.ports.api);
  const lines = [
    '',
    `storefleet local platform is up (${formatDuration(elapsedMs)})`,
    '',
    `  dashboard           ${api}/`,
    `  storefleet API      ${api}   (docs /docs, e.g. curl ${api}/stores)`,
    `  Temporal Web UI     ${platform.temporalUiUrl ?? '(disabled)'}`,
    `  Temporal address    ${platform.temporalAddress}   (namespace default)`,
    `  Kubernetes          ${describeCluster(config)}`,
    `  kubeconfig          ${platform.kubeconfigPath}`,
    `                      export KUBECONFIG=${platform.kubeconfigPath}`,
    ...(platform.local ? localLines(config, platform.local) : []),
    `  worker              task queue storefleet, metrics http://127.0.0.1:${config.ports.workerMetrics}/metrics`,
    `  logs                ${join(config.stateDir, 'logs')}, ${join(config.stateDir, 'temporal', 'logs')}, ${join(config.stateDir, 'cluster', 'logs')}`,
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ];
  say(lines.join('\n'));
}

function describeCluster(config: PlatformConfig): string {
  if (config.cluster.mode === 'simulated') return `simulated, ${config.cluster.nodes} kwok nodes`;
  if (config.cluster.mode === 'local')
    return 'local: a real node (containerd, kubelet, CoreDNS, kube-router firewall, local-path volumes)';
  return 'your cluster';
}

/** Where stores answer in local mode, and how to open one. */
function localLines(config: PlatformConfig, local: NonNullable<RunningPlatform['local']>): string[] {
  const port = config.ports.ingress === 80 ? '' : `:${config.ports.ingress}`;
  return [
    `  ingress             ${local.ingressUrl}   (nginx, routes the stores' Ingress objects; ${local.ingressTlsUrl} for stores with a certificate)`,
    `  stores              http://<storeId>.localhost${port}/   e.g. curl http://demo1.localhost${port}/ or open it in a browser on this machine`,
    `                      admin: http://<storeId>.localhost${port}/wp-admin/ (password: the store's admin Secret, see the dashboard)`,
    `  images              ${local.images.map((image) => image.ref).join(', ')}`,
  ];
}
