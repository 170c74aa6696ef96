// A TLS front for the run's Temporal dev server (which speaks only plaintext), standing in for a
// Temporal frontend behind TLS: certificates from openssl, mutual TLS required, HTTP/2 over ALPN.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { issueCertificate, makeCa } from './certificates.js';

export interface TlsFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by a CA the proxy does not trust. */
  strangerCert: string;
  strangerKey: string;
}

export interface TlsProxy {
  address: string;
  /** The name in the server certificate; the address is 127.0.0.1. */
  serverName: string;
  files: TlsFiles;
  close(): Promise<void>;
}

const serverName = 'temporal.storefleet.test';

async function makeCertificates(dir: string): Promise<TlsFiles> {
  for (const ca of ['ca', 'stranger-ca']) await makeCa(dir, ca);
  await issueCertificate(dir, 'server', 'ca', `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\n`);
  await issueCertificate(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  await issueCertificate(dir, 'stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  const at = (file: string) => join(dir, file);
  return {
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    strangerCert: at('stranger.crt'),
    strangerKey: at('stranger.key'),
  };
}

/** Terminates mutual TLS on a free loopback port and passes the bytes on to `upstream` (host:port). */
export async function startTlsProxy(upstream: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'storefleet-tls-'));
  const files = await makeCertificates(dir);
  const [host = '127.0.0.1', port = ''] = upstream.split(':');
  const server = createServer(
    {
      key: readFileSync(files.serverKey),
      cert: readFileSync(files.serverCert),
      ca: readFileSync(files.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const backend = connectTcp(Number(port), host);
      socket.pipe(backend).pipe(socket);
      socket.on('error', () => backend.destroy());
      backend.on('error', () => socket.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    serverName,
    files,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
