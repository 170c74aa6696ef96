// buildah with storage of our own under the cache (not /var/lib/containers), run as root with chroot
// isolation (RUN steps need no OCI runtime or network setup, and reach Debian's mirror through the
// host's network) and the overlay driver (verified on these machines; vfs copies every layer in full,
// set STOREFLEET_IMAGES_STORAGE_DRIVER=vfs where overlay mounts are refused).
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { formatDuration } from '../output.js';

export class ImagesError extends Error {
  constructor(message: string) {
    super(`[images] ${message}`);
  }
}

export interface BuildahStore {
  root: string;
  runRoot: string;
  driver: string;
}

export function buildahStore(imagesCacheDir: string, env: NodeJS.ProcessEnv = process.env): BuildahStore {
  return {
    root: join(imagesCacheDir, 'storage'),
    runRoot: join(imagesCacheDir, 'run'),
    driver: env.STOREFLEET_IMAGES_STORAGE_DRIVER ?? 'overlay',
  };
}

export function storeArgs(store: BuildahStore): string[] {
  return ['--root', store.root, '--runroot', store.runRoot, '--storage-driver', store.driver];
}

export interface RunOptions {
  /** Output goes here instead of into memory (long builds); its tail is shown on failure. */
  logPath?: string;
  /** Under `nice -n 19`: other people's timing-sensitive tests share these 2 cores. */
  lowPriority?: boolean;
  /** A line every this many seconds while it runs, with the time elapsed. */
  ticker?: { everySeconds: number; say: (line: string) => void; what: string };
}

/** Runs a command, throwing ImagesError with the end of its output when it fails; returns stdout. */
export async function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const [file, argv] = options.lowPriority ? ['nice', ['-n', '19', command, ...args]] : [command, args];
  // Logged output is not also kept in memory (apt's output of a build is long).
  const child = execa(file, argv, { reject: false, all: true, stdin: 'ignore', buffer: !options.logPath });
  let log: ReturnType<typeof createWriteStream> | undefined;
  if (options.logPath) {
    mkdirSync(dirname(options.logPath), { recursive: true });
    log = createWriteStream(options.logPath);
    child.all?.pipe(log);
  }
  const started = Date.now();
  const { ticker } = options;
  const timer =
    ticker &&
    setInterval(
      () => ticker.say(`${ticker.what}: still running, ${formatDuration(Date.now() - started)} elapsed`),
      ticker.everySeconds * 1000,
    );
  const result = await child.finally(() => clearInterval(timer));
  if (log) await new Promise((resolve) => log.end(resolve));
  if (result.exitCode !== 0) {
    const output = options.logPath ? readFileSync(options.logPath, 'utf8') : (result.all ?? '');
    const tail = output.trimEnd().split('\n').slice(-25).join('\n');
    throw new ImagesError(
      `${command} ${args.slice(0, 8).join(' ')} failed (exit ${result.exitCode})${options.logPath ? `; log ${options.logPath}` : ''}:\n${tail}`,
    );
  }
  return typeof result.stdout === 'string' ? result.stdout : '';
}

export function buildah(store: BuildahStore, args: string[], options: RunOptions = {}): Promise<string> {
  return run('buildah', [...storeArgs(store), ...args], options);
}

export async function hasImage(store: BuildahStore, ref: string): Promise<boolean> {
  const result = await execa('buildah', [...storeArgs(store), 'inspect', '--type', 'image', ref], { reject: false });
  return result.exitCode === 0;
}
