import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';

export const CONTEXT_NAME = 'storefleet-local';

/**
 * The apiserver's self-signed bundle (serving cert + the CA that signed it) is the trust root,
 * so clients verify TLS instead of skipping it.
 */
export function writeKubeconfig(path: string, server: string, caFile: string, token: string): void {
  const ca = Buffer.from(readFileSync(caFile)).toString('base64');
  const config = `apiVersion: v1
kind: Config
clusters:
- name: ${CONTEXT_NAME}
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: ${CONTEXT_NAME}-admin
  user:
    token: ${token}
contexts:
- name: ${CONTEXT_NAME}
  context:
    cluster: ${CONTEXT_NAME}
    user: ${CONTEXT_NAME}-admin
current-context: ${CONTEXT_NAME}
`;
  writeFileSync(path, config, { mode: 0o600 });
}

/** GET an https endpoint on loopback; used only for health probes of the local components. */
export function probeHttps(url: string, options: { ca?: string; token?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        timeout: 3_000,
        ...(options.ca ? { ca: readFileSync(options.ca) } : { rejectUnauthorized: false }),
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
