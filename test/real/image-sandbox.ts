// Runs containers from the local images' OCI archives without Kubernetes: buildah (runc underneath)
// with storage of its own in a temp dir, every container joined to one private network namespace
// with only loopback, so they reach each other on 127.0.0.1 and nothing reaches anything beyond
// this machine. As in a pod, that namespace lets any uid bind port 80. dispose() leaves nothing
// running, mounted or on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { unmountBelow } from '../../dev/images/mounts.js';

export interface RunOptions {
  user?: string;
  env?: Record<string, string>;
  /** host path -> container path (":ro" may follow the container path). */
  volumes?: Record<string, string>;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface Started {
  child: ChildProcess;
  logPath: string;
  stop?: () => Promise<unknown>;
}

export class ImageSandbox {
  private readonly started: Started[] = [];

  private constructor(
    readonly dir: string,
    private readonly netnsHolder: ChildProcess,
  ) {}

  static async create(): Promise<ImageSandbox> {
    const dir = mkdtempSync(join(tmpdir(), 'storefleet-images-'));
    // A process that only holds the namespace open; loopback up, port 80 open to every uid (as the chart's pod sysctl).
    const holder = spawn(
      'unshare',
      [
        '--net',
        'sh',
        '-c',
        'ip link set lo up && sysctl -qw net.ipv4.ip_unprivileged_port_start=0 && echo ready && exec sleep infinity',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`the network namespace holder exited (${code})`)));
    });
    return new ImageSandbox(dir, holder);
  }

  private get netns(): string {
    return `/proc/${this.netnsHolder.pid}/ns/net`;
  }

  private buildah(args: string[]): string[] {
    return [
      '--root',
      join(this.dir, 'storage'),
      '--runroot',
      join(this.dir, 'run'),
      '--storage-driver',
      'overlay',
      ...args,
    ];
  }

  /** A working container from an OCI archive, as containerd would get it. */
  async from(archive: string, name: string): Promise<string> {
    await execa('buildah', this.buildah(['from', '--quiet', '--name', name, `oci-archive:${archive}`]));
    // `buildah run` gives each VOLUME of the image a volume of its own, in an order that sometimes puts
    // it over a bind mount at the same path (seen: /var/www/html). Pods mount their volumes there
    // instead; so do these runs, with the image's VOLUMEs dropped from the working container.
    const volumes = await execa(
      'buildah',
      this.buildah(['inspect', '--format', '{{range $path, $_ := .OCIv1.Config.Volumes}}{{$path}} {{end}}', name]),
    );
    for (const path of volumes.stdout.split(' ').filter(Boolean)) {
      await execa('buildah', this.buildah(['config', '--volume', `${path}-`, name]));
    }
    return name;
  }

  private runArgs(container: string, command: string[], options: RunOptions): string[] {
    const flags = ['run', '--isolation', 'oci', '--network', `ns:${this.netns}`];
    if (options.user) flags.push('--user', options.user);
    for (const [name, value] of Object.entries(options.env ?? {})) flags.push('--env', `${name}=${value}`);
    for (const [host, target] of Object.entries(options.volumes ?? {})) flags.push('--volume', `${host}:${target}`);
    return this.buildah([...flags, container, '--', ...command]);
  }

  async run(container: string, command: string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await execa('buildah', this.runArgs(container, command, options), {
      reject: false,
      stdin: 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** A long-running process (a server); `stop` ends it gracefully before dispose() kills what is left. */
  start(
    container: string,
    command: string[],
    options: RunOptions & { stop?: () => Promise<unknown> } = {},
  ): { logPath: string; log: () => string } {
    const logPath = join(this.dir, `${container}.log`);
    const out = openSync(logPath, 'a');
    const child = spawn('buildah', this.runArgs(container, command, options), {
      stdio: ['ignore', out, out],
      detached: true,
    });
    this.started.push({ child, logPath, ...(options.stop ? { stop: options.stop } : {}) });
    return { logPath, log: () => readFileSync(logPath, 'utf8') };
  }

  /** curl inside the namespace (the host's curl, the sandbox's network). */
  async curl(args: string[]): Promise<RunResult> {
    const result = await execa('nsenter', [`--net=${this.netns}`, 'curl', '--silent', '--max-time', '10', ...args], {
      reject: false,
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  async dispose(): Promise<void> {
    for (const { stop } of this.started) await stop?.().catch(() => undefined);
    for (const { child } of this.started) await stopProcess(child);
    await execa('buildah', this.buildah(['rm', '--all']), { reject: false });
    this.netnsHolder.kill('SIGKILL');
    await unmountBelow(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SIGTERM (buildah then stops its container), SIGKILL to the group after 10 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
}

/** Polls until check() is true or the time is up; returns the last value for the failure message. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not true after ${timeoutMs / 1000}s; last: ${JSON.stringify(value)}`);
    await sleep(1000);
  }
}
