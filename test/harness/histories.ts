// Histories of real runs, saved for the replay test: run the lifecycle tests with
// STOREFLEET_RECORD_HISTORIES=1 to refresh test/histories/ after a deliberate workflow change.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { inject } from 'vitest';

export const historiesDir = fileURLToPath(new URL('../histories', import.meta.url));

export async function recordHistory(name: string, workflowId: string): Promise<void> {
  if (process.env.STOREFLEET_RECORD_HISTORIES !== '1') return;
  const { stdout } = await execa(inject('toolchain').temporal ?? 'temporal', [
    'workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', inject('temporalAddress'), '--namespace', 'default',
  ]);
  writeFileSync(`${historiesDir}/${name}.json`, `${JSON.stringify(JSON.parse(stdout), null, 1)}\n`);
}
