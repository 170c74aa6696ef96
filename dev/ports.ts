import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portSettings, type Ports } from './config.js';
import { pollUntil } from './polling.js';

export class PortInUseError extends Error {
  constructor(port: number, what: string, envVar: string) {
    super(
      `port ${port} (${what}) is already in use on 127.0.0.1. Stop whatever holds it, or choose another port: ${envVar}=<port> npm start`,
    );
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
    });
  });
}

/** Whether something accepts a TCP connection at host:port now. */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Polls until something accepts a TCP connection at host:port: false when `timeoutMs` passed first. */
export function untilAcceptsConnections(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return pollUntil(() => acceptsConnections(host, port), { timeoutMs, intervalMs: 200 });
}

export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, what, envVar);
    throw error;
  }
}

/** The first port the kernel hands out on its own (to port-0 listeners and outgoing connections). */
function ephemeralPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const lowestPort = 20_000;

/**
 * Ports drawn by the processes of this machine (a file per port naming the drawing process), so that
 * two of them never hand out the same port in the time between the draw and the server's bind: a
 * test's `npm start` binds its scheduler's port some 15 s after the test drew it.
 */
const claimsDir = join(tmpdir(), 'storefleet-port-claims');
/** A claim older than this is stale even if its process lives on (a pid used again). */
const claimLifeMs = 3_600_000;

/** Whether the process that wrote a claim has ended, or the claim is too old to hold. */
function staleClaim(file: string): boolean {
  try {
    if (Date.now() - statSync(file).mtimeMs > claimLifeMs) return true;
    process.kill(Number(readFileSync(file, 'utf8')), 0);
    return false;
  } catch (error) {
    // ENOENT: released meanwhile; ESRCH: its process ended; EPERM: it lives under another user.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/**
 * Claims the port for this process: false when a live process of this machine drew it already. A
 * claims directory this user may not write (another user's) claims nothing and hands the port out.
 */
export function claimPort(port: number, dir = claimsDir): boolean {
  const file = join(dir, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return true;
      if (code !== 'EEXIST') throw error;
    }
    if (!staleClaim(file)) return false;
    rmSync(file, { force: true });
  }
  return false;
}

/**
 * A port free right now, for the test harness and benchmarks to give every server its own. It is
 * drawn below the kernel's ephemeral range: a port from that range can be taken, between our check
 * and the server's bind, by any port-0 listener (the Temporal dev server picks its internal ports so)
 * or by an outgoing connection, and the server then fails with "address already in use". And it is
 * claimed (claimPort), so no other process of this machine draws it before its server binds it.
 */
export async function freePort(): Promise<number> {
  const highest = ephemeralPortStart();
  for (let attempt = 0; highest > lowestPort && attempt < 50; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (highest - lowestPort));
    try {
      if (claimPort(port)) return await listenOnce(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return listenOnce(0);
}

/** A free port for every port the platform uses (tests and benchmarks: never the fixed defaults). */
export async function freePlatformPorts(): Promise<Ports> {
  const ports = {} as Ports;
  for (const name of Object.keys(portSettings) as Array<keyof Ports>) ports[name] = await freePort();
  return ports;
}
