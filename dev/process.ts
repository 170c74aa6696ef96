// Child processes of the local platform: each in its own process group with its own log file, tracked
// in a pid registry so a run that died without cleaning up can be cleaned by the next one.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from './output.js';
import { pollUntil } from './polling.js';

export interface RegistryEntry {
  name: string;
  pid: number;
  command: string;
}

export class ProcessRegistry {
  constructor(readonly file: string) {}

  private read(): RegistryEntry[] {
    if (!existsSync(this.file)) return [];
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as RegistryEntry[];
    } catch {
      return [];
    }
  }

  private write(entries: RegistryEntry[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(entries, null, 2));
  }

  add(entry: RegistryEntry): void {
    this.write([...this.read().filter((e) => e.pid !== entry.pid), entry]);
  }

  remove(pid: number): void {
    this.write(this.read().filter((e) => e.pid !== pid));
  }

  /** Stops processes a previous run left behind (it crashed or was killed); returns their names. */
  async cleanLeftovers(): Promise<string[]> {
    const alive = this.read().filter((entry) => isSameProcess(entry));
    await Promise.all(alive.map((entry) => stopGroup(entry.pid, 5_000)));
    this.write([]);
    return alive.map((entry) => `${entry.name} (pid ${entry.pid})`);
  }
}

/** The pid is alive and still runs the command we started (pids get reused). */
function isSameProcess(entry: RegistryEntry): boolean {
  try {
    const cmdline = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0] === entry.command;
  } catch {
    return false;
  }
}

export interface ProcessInfo {
  pid: number;
  /** Its process group. */
  pgrp: number;
  /** Its command line, arguments separated by spaces. */
  cmdline: string;
}

/** The fields of a /proc stat file after the command's closing parenthesis: state, ppid, pgrp, ... */
export function statFields(statFile: string): string[] {
  const stat = readFileSync(statFile, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Every process that has not exited (zombies left out), from /proc; one that exits while it is read is skipped. */
export function liveProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const [state, , pgrp] = statFields(`/proc/${pid}/stat`);
        if (state === 'Z') return [];
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        return [{ pid: Number(pid), pgrp: Number(pgrp), cmdline }];
      } catch {
        return [];
      }
    });
}

/** The process exists and has not exited; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return statFields(`/proc/${pid}/stat`)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sends `signal` to the whole process group led by `pid` (a crash kills the children too); a gone group is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(pid: number, graceMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  await pollUntil(() => !isAlive(pid), { timeoutMs: graceMs, intervalMs: 100 });
  signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logDir: string;
  registry: ProcessRegistry;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves true once the process serves; polled until readyTimeoutMs. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

/** A piece of the platform did not come up; its log tail says why, a stack trace would not. */
export class ProcessStartError extends Error {}

export class ManagedProcess {
  private stopping = false;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly registry: ProcessRegistry,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await this.end(() => stopGroup(this.pid, graceMs));
  }

  /**
   * Kills the whole group at once with SIGKILL, no SIGTERM first, as a crash or an OOM kill would (fault
   * tests). Not a stop: whoever watches the process sees it exit unexpectedly, as after a real crash.
   */
  async crash(): Promise<void> {
    await this.end(() => signalGroup(this.pid, 'SIGKILL'));
  }

  private async end(signal: () => Promise<void> | void): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await signal();
      await this.exited;
    }
    this.registry.remove(this.pid);
  }
}

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  // detached: own process group, so a terminal Ctrl-C reaches only the supervisor, which then stops
  // the pieces in order, and a whole group (with any grandchildren) can be signalled at once.
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const managed = new ManagedProcess(options.name, logFile, child, options.registry);
  if (child.pid) options.registry.add({ name: options.name, pid: child.pid, command: options.command });

  const started = Date.now();
  const timeout = options.readyTimeoutMs ?? 60_000;
  for (;;) {
    const outcome = await Promise.race([
      spawnError.then((error) => ({ failed: `could not start ${options.command}: ${error.message}` })),
      managed.exited.then((code) => ({ failed: `exited with code ${code} before it was ready` })),
      sleep(250).then(() => undefined),
    ]);
    if (outcome) {
      throw new ProcessStartError(`${options.name} ${outcome.failed}. Last lines of ${logFile}:\n${managed.logTail()}`);
    }
    if (await options.isReady().catch(() => false)) return managed;
    if (Date.now() - started > timeout) {
      await managed.stop(2_000);
      throw new ProcessStartError(
        `${options.name} was not ready after ${formatDuration(timeout)}. Last lines of ${logFile}:\n${managed.logTail()}`,
      );
    }
  }
}
