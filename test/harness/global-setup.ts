// Starts one Temporal dev server and one simulated cluster (or, with STOREFLEET_CLUSTER=local, a real
// node with its ingress) for the whole test run, on free ports in a temp state dir, bundles the
// workflows once, and hands their addresses to the tests via inject().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadPlatformConfig } from '../../dev/config.js';
import { startPlatform } from '../../dev/platform.js';
import { freePlatformPorts } from '../../dev/ports.js';
import { components } from '../../dev/toolchain/components.js';
import { ensureToolchain } from '../../dev/toolchain/ensure.js';
import { localComponents } from '../../dev/toolchain/local-components.js';
import { testComponents } from '../../dev/toolchain/test-components.js';
import { workflowBundleOptions } from '../../worker/bundle-workflows.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kubeconfigPath: string;
    workflowBundlePath: string;
    toolchain: Record<string, string>;
    stateDir: string;
    /** STOREFLEET_CLUSTER=local: the ingress and the worker settings of local mode (base domain, chart values); otherwise null. */
    localPlatform: { ingressUrl: string; workerEnv: Record<string, string> } | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const began = Date.now();
  const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-test-'));
  const base = loadPlatformConfig();
  const ports = await freePlatformPorts();
  // STOREFLEET_CLUSTER=local runs the whole suite against a real node: it needs the node's binaries too.
  const toolchain = await ensureToolchain({
    cacheDir: base.cacheDir,
    build: false,
    components: [...components, ...testComponents, ...(base.cluster.mode === 'local' ? localComponents : [])],
  });
  const removeState = () => {
    // Keep the logs of a run someone wants to inspect.
    if (!process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(stateDir, { recursive: true, force: true });
  };
  const [started, bundled] = await Promise.allSettled([
    startPlatform({ ...base, stateDir, ports }, toolchain, { ephemeral: true }),
    bundleWorkflowCode({
      ...workflowBundleOptions(fileURLToPath(new URL('./workflows.ts', import.meta.url))),
      logger: quietBundlerLogger,
    }),
  ]);
  if (started.status === 'rejected' || bundled.status === 'rejected') {
    // A failed start stopped what it had started; nothing of this run may stay behind for the next one.
    if (started.status === 'fulfilled') await started.value.stop();
    removeState();
    throw started.status === 'rejected' ? started.reason : (bundled as PromiseRejectedResult).reason;
  }
  const platform = started.value;
  const bundle = bundled.value;
  const workflowBundlePath = join(stateDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', platform.temporalAddress);
  project.provide('kubeconfigPath', platform.kubeconfigPath);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('toolchain', toolchain);
  project.provide('stateDir', stateDir);
  project.provide(
    'localPlatform',
    platform.local ? { ingressUrl: platform.local.ingressUrl, workerEnv: platform.local.workerEnv } : null,
  );
  process.stdout.write(`[harness] platform up in ${Date.now() - began} ms (state ${stateDir})\n`);

  return async () => {
    await platform.stop();
    removeState();
  };
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
