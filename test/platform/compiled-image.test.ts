// What the image runs, assembled here as the Dockerfile assembles it: `npm run build`'s dist/ (compiled
// code laid out like the sources, the workflow bundle, the dashboard, the store charts), package.json
// and production dependencies only (`npm ci --omit=dev`). The compiled worker and API then provision and delete a store on the simulated cluster
// with no TypeScript loader anywhere (no Docker engine runs here to build the image itself).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { eventually, GiveUp, uniqueName } from '../harness/clients.js';
import { expectNothingLeaked } from '../harness/end-checks.js';
import { startWorkerProcess, type WorkerProcess } from '../harness/worker-process.js';

let appDir = '';
let worker: WorkerProcess | undefined;
let api: ResultPromise | undefined;
let apiOutput = '';
let apiUrl = '';

beforeAll(async () => {
  await execa('npm', ['run', 'build'], { cwd: repoRoot });
  appDir = mkdtempSync(join(tmpdir(), 'storefleet-image-'));
  cpSync(join(repoRoot, 'dist'), appDir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(repoRoot, file), join(appDir, file));
  await execa('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: appDir });

  const taskQueue = uniqueName('compiled');
  worker = await startWorkerProcess(taskQueue, {}, { compiledIn: appDir });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = execa(process.execPath, ['api/main.js'], {
    cwd: appDir,
    env: {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      STOREFLEET_API_PORT: String(port),
      STOREFLEET_TASK_QUEUE: taskQueue,
      // Without API keys every store is owner "default"'s, and other files' stores count too.
      STOREFLEET_STORES_PER_OWNER: '100000',
    },
    reject: false,
    all: true,
  });
  api.all?.on('data', (chunk: Buffer) => (apiOutput += chunk.toString()));
  await eventually(
    'the compiled API to answer',
    async () => ((await fetch(`${apiUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined),
    60_000,
  );
}, 600_000);

afterAll(async () => {
  api?.kill('SIGTERM');
  await api;
  await worker?.kill('SIGTERM');
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

/** Files under `dir` whose name ends in `suffix`, skipping node_modules. */
function filesEndingIn(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix) && !entry.parentPath.includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the compiled image layout', () => {
  it('when its production dependencies are installed, then it holds no TypeScript loader and no TypeScript source, and the workflow bundle is prebuilt', () => {
    expect(existsSync(join(appDir, 'node_modules', '@temporalio', 'worker'))).toBe(true);
    expect(existsSync(join(appDir, 'node_modules', 'tsx'))).toBe(false);
    expect(filesEndingIn(appDir, '.ts')).toEqual([]);
    expect(existsSync(join(appDir, 'worker', 'workflow-bundle.js'))).toBe(true);
    // The worker took that bundle instead of bundling at start.
    expect(worker!.output()).toContain(join(appDir, 'worker', 'workflow-bundle.js'));
  });

  it('when a store is created through the compiled API, then the compiled worker gets it Ready, the dashboard is served, and a delete leaves nothing', async () => {
    const storeId = uniqueName('compiled');
    const created = await fetch(`${apiUrl}/stores`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId, engine: 'woocommerce' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const phase = async () => {
      const answer = await fetch(`${apiUrl}/stores/${storeId}`);
      return answer.status === 404 ? 'gone' : ((await answer.json()) as { phase?: string }).phase;
    };
    await eventually(
      'the store to be Ready',
      async () => {
        const now = await phase();
        if (now === 'Failed') throw new GiveUp(`store ${storeId} failed; worker output: ${worker!.output()}`);
        return now === 'Ready' ? true : undefined;
      },
      180_000,
    );
    const dashboard = await fetch(`${apiUrl}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<html');

    expect((await fetch(`${apiUrl}/stores/${storeId}`, { method: 'DELETE' })).status).toBe(202);
    await eventually(
      'the store to be Deleted',
      async () => (['Deleted', 'gone'].includes((await phase()) ?? '') ? true : undefined),
      120_000,
    );
    await expectNothingLeaked({ deleted: [{ storeId, engine: 'woocommerce' }] });
    expect(apiOutput).not.toMatch(/\n\s+at /);
  }, 330_000);
});
