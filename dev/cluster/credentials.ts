// Credentials of the simulated cluster, made once per state dir and reused so a restart keeps them:
// the service-account signing key pair and a static admin token. The apiserver makes its own
// self-signed serving certificate in the pki dir.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterCredentials {
  pkiDir: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  tokenFile: string;
  adminToken: string;
}

export const ADMIN_USER = 'storefleet-admin';

export function ensureCredentials(stateDir: string): ClusterCredentials {
  const pkiDir = join(stateDir, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const serviceAccountKey = join(pkiDir, 'sa.key');
  const serviceAccountPub = join(pkiDir, 'sa.pub');
  if (!existsSync(serviceAccountKey) || !existsSync(serviceAccountPub)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
    writeFileSync(serviceAccountPub, publicKey);
  }
  const tokenFile = join(pkiDir, 'tokens.csv');
  if (!existsSync(tokenFile)) {
    // token,user,uid,"groups": system:masters makes this user cluster-admin.
    writeFileSync(tokenFile, `${randomBytes(24).toString('hex')},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, {
      mode: 0o600,
    });
  }
  const adminToken = readFileSync(tokenFile, 'utf8').split(',')[0] ?? '';
  return { pkiDir, serviceAccountKey, serviceAccountPub, tokenFile, adminToken };
}
