import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { binaryEnvVar, components, type Component } from './components.js';
import { formatDuration, say } from '../output.js';

export type Toolchain = Record<string, string>;

export class ToolchainError extends Error {
  constructor(
    readonly component: string,
    message: string,
  ) {
    super(`[toolchain] ${component}: ${message}`);
  }
}

export interface EnsureOptions {
  cacheDir: string;
  /** When false, a missing binary is an error instead of a build (the test harness only looks). */
  build?: boolean;
  /** Seconds between "still building" lines. */
  progressEverySeconds?: number;
  components?: Component[];
}

/** Finds every pinned binary (env var, PATH, cache) with the right version, building what is missing. */
export async function ensureToolchain(options: EnsureOptions): Promise<Toolchain> {
  const toolchain: Toolchain = {};
  for (const component of options.components ?? components) {
    Object.assign(toolchain, await ensureComponent(component, options));
  }
  return toolchain;
}

export function componentDir(cacheDir: string, component: Component): string {
  return join(cacheDir, 'toolchain', `${component.name}-${component.version}`);
}

async function ensureComponent(component: Component, options: EnsureOptions): Promise<Toolchain> {
  const binDir = join(componentDir(options.cacheDir, component), 'bin');
  const found = await findComponent(component, binDir);
  if (found) return found;
  if (options.build === false) {
    throw new ToolchainError(component.name, `${component.version} is not built yet; run \`${component.buildCommand ?? 'npm run toolchain'}\` first.`);
  }
  await buildComponent(component, binDir, options.progressEverySeconds ?? 30);
  const built = await findComponent(component, binDir);
  if (!built) {
    throw new ToolchainError(component.name, `the build finished but ${binDir} does not hold ${component.versionText}.`);
  }
  return built;
}

async function findComponent(component: Component, binDir: string): Promise<Toolchain | undefined> {
  const paths: Toolchain = {};
  for (const binary of component.binaries) {
    const candidates = [process.env[binaryEnvVar(binary)], ...pathCandidates(binary), join(binDir, binary)];
    let match: string | undefined;
    for (const candidate of candidates) {
      if (candidate && existsSync(candidate) && (await hasVersion(candidate, component))) {
        match = candidate;
        break;
      }
    }
    if (!match) return undefined;
    paths[binary] = match;
  }
  return paths;
}

function pathCandidates(binary: string): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary));
}

async function hasVersion(path: string, component: Component): Promise<boolean> {
  const result = await execa(path, component.versionArgs, { reject: false, all: true, timeout: 30_000 });
  return result.all?.includes(component.versionText) ?? false;
}

async function buildComponent(component: Component, binDir: string, progressEverySeconds: number): Promise<void> {
  await requireGo(component);
  mkdirSync(binDir, { recursive: true });
  const logPath = join(binDir, '..', 'build.log');
  const { recipe, cwd } = goCommand(component, binDir);
  say(
    `[toolchain] ${component.name} ${component.version}: building ${component.binaries.join(', ')} from Go modules ` +
      `(cold build about ${component.coldBuildMinutes} min on 2 cores${component.lowPriority ? ', at low priority' : ''}; log ${logPath})`,
  );
  const started = Date.now();
  const log = createWriteStream(logPath);
  const child = execa(component.lowPriority ? 'nice' : 'go', component.lowPriority ? ['-n', '19', 'go', ...recipe] : recipe, {
    cwd,
    env: { GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0', ...(component.build.kind === 'install' ? { GOBIN: binDir } : {}) },
    all: true,
    reject: false,
  });
  child.all?.pipe(log);
  const ticker = setInterval(() => {
    say(`[toolchain] ${component.name}: still building, ${formatDuration(Date.now() - started)} elapsed`);
  }, progressEverySeconds * 1000);
  const result = await child.finally(() => clearInterval(ticker));
  await new Promise((resolve) => log.end(resolve));
  if (result.exitCode !== 0) {
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    throw new ToolchainError(component.name, `go build failed (exit ${result.exitCode}). Last lines of ${logPath}:\n${tail}`);
  }
  say(`[toolchain] ${component.name} ${component.version}: built in ${formatDuration(Date.now() - started)}`);
}

function goCommand(component: Component, binDir: string): { recipe: string[]; cwd: string | undefined } {
  const { build } = component;
  const ldflags = ['-s -w', build.ldflags].filter(Boolean).join(' ');
  if (build.kind === 'install') return { recipe: ['install', '-trimpath', '-ldflags', ldflags, ...build.packages], cwd: undefined };
  // With several packages, -o names a directory and each command lands there under its own name.
  const output = build.packages.length > 1 ? `${binDir}/` : join(binDir, component.binaries[0] ?? component.name);
  return { recipe: ['build', '-trimpath', '-ldflags', ldflags, '-o', output, ...build.packages], cwd: build.dir };
}

async function requireGo(component: Component): Promise<void> {
  const go = await execa('go', ['version'], { reject: false });
  if (go.exitCode !== 0) {
    throw new ToolchainError(
      component.name,
      `building it needs Go (>= 1.24) on PATH and \`go version\` failed: ${go.stderr || go.message}. ` +
        `Install Go, or point ${component.binaries.map(binaryEnvVar).join(', ')} at existing ${component.version} binaries.`,
    );
  }
}
