// Through real processes: a storefleet process stopping on SIGTERM while an execa child runs, as the
// ingress's `nginx -t` does (execa's clean-up loads signal-exit, which re-raises lone signals).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../dev/config.js';

/** A process that stops in 200 ms on its first SIGTERM, with a child running; how it ended. */
async function stopWhileChildRuns(listen: 'onStopSignals' | 'process.once') {
  const dir = mkdtempSync(join(tmpdir(), 'stop-signals-'));
  const script = join(dir, 'process.mjs');
  const from = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, path)).href);
  writeFileSync(
    script,
    `import { execa } from ${from('node_modules/execa/index.js')};
    import { pino } from ${from('node_modules/pino/pino.js')};
    import { onStopSignals } from ${from('api/stop-signals.ts')};
    const stop = () => setTimeout(() => { console.log('stopped'); process.exit(0); }, 200);
    ${listen === 'onStopSignals' ? 'onStopSignals(pino({ level: "silent" }), stop);' : "process.once('SIGTERM', stop);"}
    const child = execa('sleep', ['5']);
    console.log('running');
    await child.catch(() => undefined);`,
  );
  try {
    const running = execa(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, reject: false, all: true });
    await new Promise<void>((resolve) =>
      running.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('running')) resolve();
      }),
    );
    running.kill('SIGTERM');
    const ended = await running;
    return { exitCode: ended.exitCode, signal: ended.signal, output: ended.all };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('stop signals', () => {
  it('when SIGTERM arrives while an execa child runs, then the stop finishes and the process exits 0', async () => {
    const ended = await stopWhileChildRuns('onStopSignals');
    expect(ended).toMatchObject({ exitCode: 0, signal: undefined });
    expect(ended.output).toContain('stopped');
  });

  it('when the listener removed itself instead (process.once), then the same SIGTERM killed the process at once: the bug this prevents', async () => {
    expect(await stopWhileChildRuns('process.once')).toMatchObject({ exitCode: undefined, signal: 'SIGTERM' });
  });
});
