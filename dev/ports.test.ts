import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { acceptsConnections, assertPortFree, claimPort, freePort, PortInUseError } from './ports.js';

describe('ports', () => {
  it('when a port is free, then assertPortFree passes', async () => {
    await expect(assertPortFree(await freePort(), 'x', 'X_PORT')).resolves.toBeUndefined();
  });

  it('when a free port is drawn, then it lies below the ephemeral range, where port-0 listeners and outgoing connections cannot take it first', async () => {
    const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(ephemeralStart!);
    }
  });

  it('when a server listens on a port, then it accepts connections there, and once closed it does not', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await acceptsConnections('127.0.0.1', port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await acceptsConnections('127.0.0.1', port)).toBe(false);
  });

  it('when a port is taken, then the error names the port, what needs it and the env var to change it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await assertPortFree(port, 'Temporal Web UI', 'STOREFLEET_TEMPORAL_UI_PORT').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`port ${port} (Temporal Web UI)`);
      expect((error as Error).message).toContain('STOREFLEET_TEMPORAL_UI_PORT=');
    } finally {
      server.close();
    }
  });

  describe('claims', () => {
    const withClaims = async (test: (dir: string) => Promise<void>) => {
      const dir = mkdtempSync(join(tmpdir(), 'port-claims-'));
      try {
        await test(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('when a port was drawn, then it is not handed out again while the process that drew it lives, this one included', () =>
      withClaims(async (dir) => {
        expect(claimPort(20_001, dir)).toBe(true);
        expect(claimPort(20_001, dir)).toBe(false);
        const other = execa('sleep', ['30']);
        try {
          writeFileSync(join(dir, '20002'), String(other.pid));
          expect(claimPort(20_002, dir)).toBe(false);
        } finally {
          other.kill();
          await other.catch(() => undefined);
        }
      }));

    it('when the process that drew a port has ended, then the port can be drawn again', () =>
      withClaims(async (dir) => {
        const ended = execa('true');
        await ended;
        writeFileSync(join(dir, '20003'), String(ended.pid));
        expect(claimPort(20_003, dir)).toBe(true);
        expect(readFileSync(join(dir, '20003'), 'utf8')).toBe(String(process.pid));
      }));
  });
});
