// A charts directory with more than one chart version, as an operator publishes them: the real charts
// unpacked (the version the worker ships) and a newer woocommerce packaged by `helm package` beside
// them, which is the real chart plus a migration Job (test/fixtures/charts/upgrade).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { inject } from 'vitest';
import { chartVersions } from '../../activities/helm-cli.js';
import { chartsDir } from './store-worker.js';

export interface ChartCatalog {
  dir: string;
  /** The version the unpacked charts have. */
  shipped: string;
  /** The packaged woocommerce version with the migration Job. */
  next: string;
  remove(): void;
}

/** The labels of the next version's migration Job pods: a fault scoped to them fails the upgrade only. */
export const migrationPods = { 'app.kubernetes.io/component': 'migrate' };

const migrateJob = fileURLToPath(new URL('../fixtures/charts/upgrade/migrate-job.yaml', import.meta.url));

export async function chartCatalog(next = '0.2.0'): Promise<ChartCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-charts-'));
  const build = mkdtempSync(join(tmpdir(), 'storefleet-chart-build-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const engine of ['woocommerce', 'medusa'])
      cpSync(join(chartsDir, engine), join(dir, engine), { recursive: true });
    cpSync(join(chartsDir, 'woocommerce'), join(build, 'woocommerce'), { recursive: true });
    cpSync(migrateJob, join(build, 'woocommerce', 'templates', 'migrate-job.yaml'));
    await execa(inject('toolchain').helm ?? 'helm', [
      'package',
      join(build, 'woocommerce'),
      '--version',
      next,
      '-d',
      dir,
    ]);
  } catch (error) {
    // A catalog that could not be made leaves nothing in /tmp for the next run.
    remove();
    throw error;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return {
    dir,
    shipped: chartVersions(dir, 'woocommerce')[0]!.version,
    next,
    remove,
  };
}
