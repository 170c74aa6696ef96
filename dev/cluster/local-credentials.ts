// Who is who between a real node and the control plane, made once per state dir and reused:
// - kubelet and kube-proxy sign in to the apiserver with static tokens as `system:node:<name>` (so the
//   Node authorizer limits kubelet to its own node's objects) and `system:kube-proxy`;
// - the add-ons that run as host processes sign in with static tokens of their own, each bound by RBAC
//   to what it reads and writes (local-addons-manifests.ts): kube-router as `storefleet:kube-router`,
//   local-path-provisioner as `storefleet:local-path-provisioner`;
// - the apiserver signs in to kubelet (logs, exec, port-forward) with a client certificate of a small
//   CA that kubelet trusts, as a member of system:masters. kubelet asks the apiserver whether to allow it.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ClusterCredentials } from './credentials.js';

export const KUBE_ROUTER_USER = 'storefleet:kube-router';
export const LOCAL_PATH_USER = 'storefleet:local-path-provisioner';

export interface NodeCredentials {
  kubeletToken: string;
  kubeProxyToken: string;
  kubeRouterToken: string;
  localPathToken: string;
  caCert: string;
  apiserverClientCert: string;
  apiserverClientKey: string;
}

export async function ensureNodeCredentials(
  cluster: ClusterCredentials,
  pkiDir: string,
  nodeName: string,
): Promise<NodeCredentials> {
  const kubeletToken = ensureToken(cluster.tokenFile, `system:node:${nodeName}`, 'system:nodes');
  // RBAC's default binding system:node-proxier names this user.
  const kubeProxyToken = ensureToken(cluster.tokenFile, 'system:kube-proxy');
  const kubeRouterToken = ensureToken(cluster.tokenFile, KUBE_ROUTER_USER);
  const localPathToken = ensureToken(cluster.tokenFile, LOCAL_PATH_USER);
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const caKey = join(pkiDir, 'ca.key');
  const caCert = join(pkiDir, 'ca.crt');
  const apiserverClientKey = join(pkiDir, 'apiserver-kubelet-client.key');
  const apiserverClientCert = join(pkiDir, 'apiserver-kubelet-client.crt');
  if (!existsSync(caCert)) {
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      caKey,
      '-out',
      caCert,
      '-days',
      '3650',
      '-subj',
      '/CN=storefleet-node-ca',
    ]);
  }
  if (!existsSync(apiserverClientCert)) {
    const csr = join(pkiDir, 'apiserver-kubelet-client.csr');
    await openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      apiserverClientKey,
      '-out',
      csr,
      '-subj',
      '/O=system:masters/CN=kube-apiserver-kubelet-client',
    ]);
    await openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      apiserverClientCert,
      '-days',
      '3650',
    ]);
  }
  return {
    kubeletToken,
    kubeProxyToken,
    kubeRouterToken,
    localPathToken,
    caCert,
    apiserverClientCert,
    apiserverClientKey,
  };
}

/** The token of `user` in the apiserver's token file, added when missing (the apiserver reads it at start). */
function ensureToken(tokenFile: string, user: string, group?: string): string {
  const line = readFileSync(tokenFile, 'utf8')
    .split('\n')
    .find((entry) => entry.split(',')[1] === user);
  if (line) return line.split(',')[0] ?? '';
  const token = randomBytes(24).toString('hex');
  appendFileSync(tokenFile, `${token},${user},${user}${group ? `,"${group}"` : ''}\n`);
  return token;
}

async function openssl(args: string[]): Promise<void> {
  const result = await execa('openssl', args, { reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${result.all}`);
}
