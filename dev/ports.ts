import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(port: number, what: string, envVar: string) {
    super(`port ${port} (${what}) is already in use on 127.0.0.1. Stop whatever holds it, or choose another port: ${envVar}=<port> npm start`);
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

export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, what, envVar);
    throw error;
  }
}

/** A port the kernel says is free right now (the test harness gives every server its own). */
export function freePort(): Promise<number> {
  return listenOnce(0);
}
