import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort, PortInUseError } from './ports.js';

describe('ports', () => {
  it('when a port is free, then assertPortFree passes', async () => {
    await expect(assertPortFree(await freePort(), 'x', 'X_PORT')).resolves.toBeUndefined();
  });

  it('when a port is taken, then the error names the port, what needs it and the env var to change it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await assertPortFree(port, 'Temporal Web UI', 'STOREFLEET_TEMPORAL_UI_PORT').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`port ${port} (Temporal Web UI)`);
      expect((error as Error).message).toContain('STOREFLEET_TEMPORAL_UI_PORT=');
    } finally {
      server.close();
    }
  });
});
