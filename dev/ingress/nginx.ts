// Debian's nginx as local mode's ingress proxy: its own prefix, config, temp dirs and pid file under
// a state dir, in the foreground, so it lives and dies with the ingress process that started it.
// The server blocks rendered from Ingress objects sit in one included file; a reload swaps it in.
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { acceptsConnections } from '../ports.js';

export interface NginxOptions {
  binary: string;
  stateDir: string;
  /** Where store URLs are answered, e.g. 127.0.0.1:80. */
  listen: string;
}

export interface Nginx {
  /** Installs the rendered server blocks, once nginx accepts them, and reloads. */
  apply(servers: string): Promise<void>;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export class NginxConfigError extends Error {}

export function mainConfig(options: NginxOptions, serversFile: string): string {
  const dir = options.stateDir;
  // As root, workers drop to www-data (Debian's nginx user); as anyone else they stay that user.
  const user = process.getuid?.() === 0 ? 'user www-data;\n' : '';
  return `# Written by storefleet's local ingress (dev/ingress); edits are overwritten.
${user}daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'tmp', 'body')};
  proxy_temp_path ${join(dir, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'tmp', 'scgi')};
  proxy_http_version 1.1;
  proxy_read_timeout 120s;
  server_names_hash_bucket_size 128;
  # A host no Ingress claims.
  server {
    listen ${options.listen} default_server;
    return 404 "no store is served at this host\\n";
  }
  include ${serversFile};
}
`;
}

export async function startNginx(options: NginxOptions, onOutput: (line: string) => void): Promise<Nginx> {
  const dir = options.stateDir;
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, 'tmp', sub), { recursive: true });
  const servers = join(dir, 'servers.conf');
  const main = join(dir, 'nginx.conf');
  writeFileSync(servers, '');
  writeFileSync(main, mainConfig(options, servers));
  const child = spawn(options.binary, ['-p', dir, '-c', main], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => chunk.toString().trimEnd().split('\n').forEach(onOutput));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await untilListening(options.listen, exited);

  return {
    exited,
    async apply(rendered: string) {
      // Checked with the candidate in place of the live file, so a bad render never reaches nginx.
      const candidate = join(dir, 'servers.next.conf');
      const probe = join(dir, 'nginx.check.conf');
      writeFileSync(candidate, rendered);
      writeFileSync(probe, mainConfig(options, candidate));
      const checked = await execa(options.binary, ['-t', '-q', '-p', dir, '-c', probe], { reject: false, all: true });
      if (checked.exitCode !== 0) throw new NginxConfigError(`nginx refused the rendered config: ${checked.all}`);
      renameSync(candidate, servers);
      child.kill('SIGHUP');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}

/** Waits until nginx accepts connections; an nginx that exits first (port taken, bad config) fails the start. */
async function untilListening(listen: string, exited: Promise<number | null>, timeoutMs = 10_000): Promise<void> {
  const [host = '127.0.0.1', port = '80'] = listen.split(':');
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (const began = Date.now(); Date.now() - began < timeoutMs;) {
    if (exitCode !== undefined)
      throw new NginxConfigError(`nginx exited with code ${exitCode} before it listened on ${listen}`);
    if (await acceptsConnections(host, Number(port))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new NginxConfigError(`nginx did not listen on ${listen} within ${timeoutMs / 1000} s`);
}
