import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../config.js';
import { components, type Component } from './components.js';
import { ensureToolchain, ToolchainError } from './ensure.js';

const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

/** PATH without any Go: a build attempt would fail, so success proves nothing was built. */
function pathWithoutGo(): string {
  return (originalPath ?? '').split(':').filter((dir) => !dir.includes('go')).join(':');
}

function brokenModule(): Component {
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-broken-'));
  writeFileSync(join(dir, 'go.mod'), 'module example.test/broken\n\ngo 1.24\n');
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { this is not go }\n');
  return {
    name: 'broken',
    version: 'v0.0.1',
    binaries: ['broken'],
    versionArgs: ['--version'],
    versionText: 'broken v0.0.1',
    build: { kind: 'module', dir, packages: ['.'] },
    coldBuildMinutes: 1,
  };
}

describe('ensureToolchain', () => {
  it('when the cache is warm, then every pinned binary is found and nothing is built', async () => {
    process.env.PATH = pathWithoutGo();
    const toolchain = await ensureToolchain({ cacheDir: defaultCacheDir() });
    for (const component of components) {
      for (const binary of component.binaries) expect(toolchain[binary], binary).toBeTruthy();
    }
  });

  it('when a build fails, then the error names the component and shows the tail of the Go error', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'storefleet-cache-'));
    const error = await ensureToolchain({ cacheDir, components: [brokenModule()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolchainError);
    expect((error as Error).message).toMatch(/^\[toolchain\] broken: go build failed/);
    expect((error as Error).message).toContain('main.go:3');
  });

  it('when Go is missing and a build is needed, then the error says so and names the env vars to use instead', async () => {
    process.env.PATH = pathWithoutGo();
    const cacheDir = mkdtempSync(join(tmpdir(), 'storefleet-cache-'));
    const error = await ensureToolchain({ cacheDir, components: [brokenModule()] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/broken: building it needs Go/);
    expect((error as Error).message).toContain('STOREFLEET_BROKEN_BIN');
  });

  it('when only looking (build: false) and a binary is missing, then it says to run npm run toolchain', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'storefleet-cache-'));
    await expect(ensureToolchain({ cacheDir, build: false, components: [brokenModule()] })).rejects.toThrow(/npm run toolchain/);
  });
});
