import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../config.js';
import { components, type Component } from './components.js';
import { execa } from 'execa';
import { freePort, untilAcceptsConnections } from '../ports.js';
import { componentDir, ensureToolchain, ToolchainError } from './ensure.js';
import { localComponents } from './local-components.js';
import { testComponents } from './test-components.js';

const originalPath = process.env.PATH;
const tempDirs: string[] = [];
afterEach(() => {
  process.env.PATH = originalPath;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory under the OS temp dir, removed after the test. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** PATH without any Go: a build attempt would fail, so success proves nothing was built. */
function pathWithoutGo(): string {
  return (originalPath ?? '')
    .split(':')
    .filter((dir) => !dir.includes('go'))
    .join(':');
}

function brokenModule(): Component {
  const dir = tempDir('storefleet-broken-');
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
    const cacheDir = tempDir('storefleet-cache-');
    const error = await ensureToolchain({ cacheDir, components: [brokenModule()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolchainError);
    expect((error as Error).message).toMatch(/^\[toolchain\] broken: go build failed/);
    expect((error as Error).message).toContain('main.go:3');
  });

  it('when Go is missing and a build is needed, then the error says so and names the env vars to use instead', async () => {
    process.env.PATH = pathWithoutGo();
    const cacheDir = tempDir('storefleet-cache-');
    const error = await ensureToolchain({ cacheDir, components: [brokenModule()] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/broken: building it needs Go/);
    expect((error as Error).message).toContain('STOREFLEET_BROKEN_BIN');
  });

  it('when only looking (build: false) and a binary is missing, then it says to run npm run toolchain', async () => {
    const cacheDir = tempDir('storefleet-cache-');
    await expect(ensureToolchain({ cacheDir, build: false, components: [brokenModule()] })).rejects.toThrow(
      /npm run toolchain/,
    );
  });
});

/** A `nice` first on PATH that notes its arguments, then runs the real one. */
function recordingNice(): { dir: string; record: string } {
  const dir = tempDir('storefleet-nice-');
  const record = join(dir, 'args');
  writeFileSync(join(dir, 'nice'), `#!/bin/sh\nprintf '%s ' "$@" > '${record}'\nexec /usr/bin/nice "$@"\n`);
  chmodSync(join(dir, 'nice'), 0o755);
  return { dir, record };
}

describe('a Java program from Maven Central', () => {
  it('when the time-skipping test server is fetched, then the launcher starts it with most of its classes from the startup archive the fetch recorded', async () => {
    // An empty cache: Maven copies the jars from its own repository (~/.m2), then the start is recorded.
    const testServer = testComponents.filter((component) => component.name === 'temporal-test-server');
    const toolchain = await ensureToolchain({ cacheDir: tempDir('storefleet-cache-'), components: testServer });
    const launcher = toolchain['temporal-test-server']!;
    const classLog = join(tempDir('storefleet-classes-'), 'classes.log');
    const port = await freePort();
    const server = execa(launcher, [String(port)], {
      env: { JAVA_TOOL_OPTIONS: `-Xlog:class+load=info:file=${classLog}` },
      reject: false,
    });
    try {
      expect(await untilAcceptsConnections('127.0.0.1', port, 60_000)).toBe(true);
    } finally {
      server.kill('SIGTERM');
      await server;
    }
    // "shared objects file (top)": the dynamic archive; the JDK's own base archive is the bottom layer.
    const fromArchive = readFileSync(classLog, 'utf8')
      .split('\n')
      .filter((line) => line.includes('(top)'));
    expect(fromArchive.length).toBeGreaterThan(1000);
  }, 180_000);
});

describe('local-mode components', () => {
  it('when the default toolchain is ensured, then it contains none of the local-mode binaries', () => {
    const defaultBinaries = new Set(components.flatMap((component) => component.binaries));
    for (const component of localComponents) {
      for (const binary of component.binaries) expect(defaultBinaries.has(binary), binary).toBe(false);
    }
  });

  it('when kubelet and kube-proxy are added, then they get a cache dir of their own and the control plane keeps its own', () => {
    const cacheDir = '/cache';
    const controlPlane = components.find((component) => component.name === 'kube')!;
    const node = localComponents.find((component) => component.binaries.includes('kubelet'))!;
    expect(node.version).toBe(controlPlane.version);
    expect(componentDir(cacheDir, controlPlane)).toBe('/cache/toolchain/kube-v1.34.2');
    expect(componentDir(cacheDir, node)).not.toBe(componentDir(cacheDir, controlPlane));
    expect(node.build.kind === 'module' && node.build.dir).not.toBe(
      controlPlane.build.kind === 'module' && controlPlane.build.dir,
    );
  });

  // At nice 19 on a busy machine, even a failing go build can take more than vitest's default 5 s.
  it('when a local-mode component is built, then go runs under nice -n 19', async () => {
    const nice = recordingNice();
    process.env.PATH = `${nice.dir}:${originalPath}`;
    const cacheDir = tempDir('storefleet-cache-');
    const lowPriority = { ...brokenModule(), lowPriority: true };
    await expect(ensureToolchain({ cacheDir, components: [lowPriority] })).rejects.toThrow(/go build failed/);
    expect(readFileSync(nice.record, 'utf8')).toMatch(/^-n 19 go build /);
  }, 60_000);

  it('when only looking (build: false) and a local-mode binary is missing, then it says to run npm run toolchain -- --local', async () => {
    const cacheDir = tempDir('storefleet-cache-');
    process.env.PATH = pathWithoutGo();
    await expect(ensureToolchain({ cacheDir, build: false, components: localComponents })).rejects.toThrow(
      /kube-node: v1\.34\.2 is not built yet; run `npm run toolchain -- --local` first/,
    );
  });
});
