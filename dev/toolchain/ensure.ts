import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { binaryEnvVar, components, type BuildRecipe, type Component } from './components.js';
import { formatDuration, say } from '../output.js';
import { freePort, untilAcceptsConnections } from '../ports.js';

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
    throw new ToolchainError(
      component.name,
      `${component.version} is not built yet; run \`${component.buildCommand ?? 'npm run toolchain'}\` first.`,
    );
  }
  await buildComponent(component, binDir, options.progressEverySeconds ?? 30);
  const built = await findComponent(component, binDir);
  if (!built) {
    throw new ToolchainError(
      component.name,
      `the build finished but ${binDir} does not hold ${component.versionText}.`,
    );
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
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, binary));
}

async function hasVersion(path: string, component: Component): Promise<boolean> {
  const result = await execa(path, component.versionArgs, { reject: false, all: true, timeout: 30_000 });
  return result.all?.includes(component.versionText) ?? false;
}

/** One build: the command, and what to do once it succeeded. */
interface BuildRun {
  /** Names the build in its failure, e.g. `go build failed (exit 1)`. */
  tool: string;
  what: string;
  command: string[];
  cwd?: string;
  env: Record<string, string>;
  finish?: () => void | Promise<void>;
}

async function buildComponent(component: Component, binDir: string, progressEverySeconds: number): Promise<void> {
  mkdirSync(binDir, { recursive: true });
  const logPath = join(binDir, '..', 'build.log');
  const { build } = component;
  const run = build.kind === 'maven' ? await mavenRun(component, build, binDir) : await goRun(component, build, binDir);
  say(
    `[toolchain] ${component.name} ${component.version}: ${run.what} ` +
      `(cold build about ${component.coldBuildMinutes} min on 2 cores${component.lowPriority ? ', at low priority' : ''}; log ${logPath})`,
  );
  const started = Date.now();
  const log = createWriteStream(logPath);
  const [command = '', ...args] = component.lowPriority ? ['nice', '-n', '19', ...run.command] : run.command;
  const child = execa(command, args, { cwd: run.cwd, env: run.env, all: true, reject: false });
  child.all?.pipe(log);
  const ticker = setInterval(() => {
    say(`[toolchain] ${component.name}: still building, ${formatDuration(Date.now() - started)} elapsed`);
  }, progressEverySeconds * 1000);
  const result = await child.finally(() => clearInterval(ticker));
  await new Promise((resolve) => log.end(resolve));
  if (result.exitCode !== 0) {
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    throw new ToolchainError(
      component.name,
      `${run.tool} failed (exit ${result.exitCode}). Last lines of ${logPath}:\n${tail}`,
    );
  }
  await run.finish?.();
  say(`[toolchain] ${component.name} ${component.version}: built in ${formatDuration(Date.now() - started)}`);
}

async function goRun(
  component: Component,
  build: Exclude<BuildRecipe, { kind: 'maven' }>,
  binDir: string,
): Promise<BuildRun> {
  await requireTool(component, 'go', ['version'], 'building it needs Go (>= 1.24) on PATH');
  const ldflags = ['-s -w', build.ldflags].filter(Boolean).join(' ');
  const env = { GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0', ...(build.kind === 'install' ? { GOBIN: binDir } : {}) };
  const what = `building ${component.binaries.join(', ')} from Go modules`;
  if (build.kind === 'install')
    return {
      tool: 'go build',
      what,
      command: ['go', 'install', '-trimpath', '-ldflags', ldflags, ...build.packages],
      env,
    };
  // With several packages, -o names a directory and each command lands there under its own name.
  const output = build.packages.length > 1 ? `${binDir}/` : join(binDir, component.binaries[0] ?? component.name);
  const { copy } = build;
  return {
    tool: 'go build',
    what,
    command: ['go', 'build', '-trimpath', '-ldflags', ldflags, '-o', output, ...build.packages],
    cwd: build.dir,
    env,
    ...(copy && {
      finish: () => {
        const moduleDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', copy.module], { cwd: build.dir })
          .toString()
          .trim();
        cpSync(join(moduleDir, copy.from), join(binDir, '..', copy.to), { recursive: true });
      },
    }),
  };
}

/**
 * Maven copies the artifact's jars (with its dependencies) into lib/; a launcher runs its main class on
 * the JVM. The JVM starts in about a second on an idle machine, and in four or more on a busy one, where
 * the Temporal SDK gives its test server five: the launcher maps the classes of a recorded start
 * (a class-data archive) and compiles with C1 alone, which makes that start about three times shorter.
 */
async function mavenRun(
  component: Component,
  build: Extract<BuildRecipe, { kind: 'maven' }>,
  binDir: string,
): Promise<BuildRun> {
  await requireTool(component, 'mvn', ['--version'], 'fetching it needs Maven on PATH (Debian package maven)');
  await requireTool(component, 'java', ['-version'], 'running it needs Java (>= 17) on PATH');
  const dir = join(binDir, '..');
  const libDir = join(dir, 'lib');
  const { groupId, artifactId, version } = build.artifact;
  const pom = join(dir, 'pom.xml');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>storefleet.toolchain</groupId><artifactId>${component.name}</artifactId><version>${version}</version>
  <dependencies><dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency></dependencies>
</project>
`,
  );
  const jar = `${artifactId}-${version}.jar`;
  const archive = join(dir, 'startup.jsa');
  // The archive is only mapped by a JVM started with the flags and class path it was recorded with.
  const c1Only = '-XX:TieredStopAtLevel=1';
  const launcher = [
    '#!/bin/sh',
    `# ${groupId}:${artifactId}:${version} from Maven Central, run on the JVM (written by the storefleet toolchain).`,
    `lib='${libDir}'`,
    `[ -f "$lib/${jar}" ] || { echo "$lib/${jar} is missing: run '${component.buildCommand ?? 'npm run toolchain'}'" >&2; exit 1; }`,
    `if [ "$1" = --version ]; then echo '${component.versionText}'; exit 0; fi`,
    // -Xshare:auto: an archive this JVM cannot map (a Java update) only makes the start slower.
    `exec java ${c1Only} -XX:SharedArchiveFile='${archive}' -Xshare:auto -cp "$lib/*" ${build.mainClass} "$@"`,
    '',
  ].join('\n');
  return {
    tool: 'mvn',
    what: `fetching ${groupId}:${artifactId}:${version} and its dependencies from Maven Central`,
    command: [
      'mvn',
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libDir}`,
      '-DincludeScope=runtime',
    ],
    env: {},
    finish: async () => {
      const java = ['java', c1Only, '-cp', `${libDir}/*`, build.mainClass];
      await recordStartupArchive(component, java, build.listenArgs, archive);
      for (const binary of component.binaries) writeFileSync(join(binDir, binary), launcher, { mode: 0o755 });
    },
  };
}

/** Starts the program once, until it answers on a port, and stops it: the JVM writes the classes it loaded at exit. */
async function recordStartupArchive(
  component: Component,
  command: string[],
  listenArgs: (port: number) => string[],
  archive: string,
): Promise<void> {
  rmSync(archive, { force: true });
  const port = await freePort();
  const [java = 'java', ...args] = command;
  const child = execa(java, [`-XX:ArchiveClassesAtExit=${archive}`, ...args, ...listenArgs(port)], {
    reject: false,
    all: true,
    // Writing the archive at exit takes seconds on a busy machine: execa's default SIGKILL after 5 s would cut it.
    forceKillAfterDelay: 120_000,
  });
  const answering = await untilAcceptsConnections('127.0.0.1', port, 60_000);
  child.kill('SIGTERM');
  const result = await child;
  if (!answering || !existsSync(archive)) {
    throw new ToolchainError(
      component.name,
      `recording its startup archive failed: ${answering ? 'no archive was written' : `it did not listen on port ${port} within 60 s`}. Last output:\n${(result.all ?? '').split('\n').slice(-10).join('\n')}`,
    );
  }
}

async function requireTool(component: Component, tool: string, versionArgs: string[], need: string): Promise<void> {
  const probe = await execa(tool, versionArgs, { reject: false });
  if (probe.exitCode !== 0) {
    throw new ToolchainError(
      component.name,
      `${need} and \`${tool} ${versionArgs.join(' ')}\` failed: ${probe.stderr || probe.message}. ` +
        `Install it, or point ${component.binaries.map(binaryEnvVar).join(', ')} at existing ${component.version} binaries.`,
    );
  }
}
