// Bundles the workflows into one file. The worker runs this as a short-lived child process: webpack
// takes about 100 MB that V8 would not give back, so bundling inside the worker would keep it for the
// worker's whole life (docs/benchmarks.md, worker memory).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const thisFile = fileURLToPath(import.meta.url);

/** The workflow bundle, built by a child process into a temp file; remove() deletes it once loaded. */
export async function buildWorkflowBundle(): Promise<{ codePath: string; remove: () => void }> {
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
  return { codePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

if (process.argv[1] === thisFile) {
  const [out] = process.argv.slice(2);
  const { code } = await bundleWorkflowCode({ workflowsPath });
  writeFileSync(out!, code);
}
