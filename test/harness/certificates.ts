// Throwaway certificates for test servers, from openssl: a CA, and keys with certificates it signs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

async function openssl(dir: string, args: string[]): Promise<void> {
  await execa('openssl', args, { cwd: dir });
}

/** A self-signed CA `<name>.key`/`<name>.crt` in dir, valid for a day. */
export async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
}

/** A key and a certificate `<name>.key`/`<name>.crt` signed by `<ca>`, with the given X.509 extensions. */
export async function issueCertificate(dir: string, name: string, ca: string, extensions: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}
