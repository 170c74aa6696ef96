// Starts one Temporal dev server and one simulated cluster for the whole test run, on free ports in a
// temp state dir, bundles the workflows once, and hands their addresses to the tests via inject().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadPlatformConfig, portSettings, type Ports } from '../../dev/config.js';
import { startPlatform } from '../../dev/platform.js';
import { freePort } from '../../dev/ports.js';
import { ensureToolchain } from '../../dev/toolchain/ensure.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kubeconfigPath: string;
    workflowBundlePath: string;
    toolchain: Record<string, string>;
    stateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const began = Date.now();
  const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-test-'));
  const base = loadPlatformConfig();
  const ports = {} as Ports;
  for (const name of Object.keys(portSettings) as Array<keyof Ports>) ports[name] = await freePort();
  const toolchain = await ensureToolchain({ cacheDir: base.cacheDir, build: false });
  const [platform, bundle] = await Promise.all([
    startPlatform({ ...base, stateDir, ports }, toolchain, { ephemeral: true }),
    bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: quietBundlerLogger }),
  ]);
  const workflowBundlePath = join(stateDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', platform.temporalAddress);
  project.provide('kubeconfigPath', platform.kubeconfigPath);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('toolchain', toolchain);
  project.provide('stateDir', stateDir);
  process.stdout.write(`[harness] platform up in ${Date.now() - began} ms (state ${stateDir})\n`);

  return async () => {
    await platform.stop();
    // Keep the logs of a run someone wants to inspect.
    if (!process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(stateDir, { recursive: true, force: true });
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
