// Bundles the workflows into one file. `npm run build` does it once (the image's worker loads that
// file); running the sources, the worker runs this as a short-lived child process: webpack takes about
// 100 MB that V8 would not give back, so bundling inside the worker would keep it for the worker's whole
// life (docs/benchmarks.md, worker memory).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';

const thisFile = fileURLToPath(import.meta.url);
// The TypeScript sources under tsx, the compiled files of `npm run build` in an image.
const workflowsPath = fileURLToPath(new URL(`../workflows/index${extname(thisFile)}`, import.meta.url));
/** Where `npm run build` leaves the bundle, beside the compiled worker; absent when running the sources. */
export const prebuiltBundlePath = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));

/**
 * How storefleet bundles a workflows entry point (the worker's and the tests'). The entry is preloaded:
 * its modules, ours and what they import, are evaluated once per worker and shared by every workflow,
 * not once for each workflow the worker creates or takes back into its cache, which cost memory and CPU
 * per workflow. Sound because workflows/ and core/ keep no state at module level (eslint.config.js).
 */
export function workflowBundleOptions(entry: string): BundleOptions {
  return { workflowsPath: entry, preloadModules: [entry] };
}

/**
 * The workflow bundle: `configured` (STOREFLEET_WORKFLOW_BUNDLE), else the one `npm run build` made,
 * else one built by a child process into a temp file that remove() deletes once loaded.
 */
export async function workflowBundle(
  configured?: string,
): Promise<{ codePath: string; prebuilt: boolean; remove: () => void }> {
  const prebuilt = configured ?? (existsSync(prebuiltBundlePath) ? prebuiltBundlePath : undefined);
  if (prebuilt) return { codePath: prebuilt, prebuilt: true, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-workflows-'));
  const codePath = join(dir, 'workflow-bundle.js');
  try {
    // Same node and loader flags (tsx) as this process.
    await promisify(execFile)(process.execPath, [...process.execArgv, thisFile, codePath], { maxBuffer: 16 * 2 ** 20 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`bundling the workflows failed: ${stderr || (error as Error).message}`);
  }
  return { codePath, prebuilt: false, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

if (process.argv[1] === thisFile) {
  const [out] = process.argv.slice(2);
  const { code } = await bundleWorkflowCode(workflowBundleOptions(workflowsPath));
  writeFileSync(out!, code);
}
