// The Debian bookworm root filesystem every local image starts from, made here with debootstrap
// (minbase) from the machine's own Debian mirror instead of pulled as debian:bookworm-slim, and
// trimmed the way that image is. Built once into the cache as rootfs.tar; its sha256 is its identity.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { machineMirrors, type DebianMirrors } from './apt-sources.js';
import { run } from './buildah.js';
import { unmountBelow } from './mounts.js';

export const DEBIAN_CODENAME = 'bookworm';

export interface DebianRootfs {
  /** Directory holding rootfs.tar: the build context of images/debian-base/Containerfile. */
  dir: string;
  tarPath: string;
  sha256: string;
  mirrors: DebianMirrors;
}

interface RootfsRecord {
  sha256: string;
  mirrors: DebianMirrors;
  builtAt: string;
}

/** As debian:bookworm-slim: no documentation, manuals or translations, and apt keeps no downloads. */
const slimDpkgConfig = [
  '/usr/share/doc/*',
  '/usr/share/man/*',
  '/usr/share/info/*',
  '/usr/share/locale/*',
  '/usr/share/lintian/*',
]
  .map((path) => `path-exclude ${path}`)
  .concat('path-include /usr/share/doc/*/copyright')
  .join('\n');
const slimAptConfig = [
  'Acquire::Languages "none";',
  'APT::AutoRemove::SuggestsImportant "false";',
  'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
].join('\n');

/** The root filesystem built earlier, if any (nothing is built). */
export function recordedRootfs(imagesCacheDir: string): DebianRootfs | undefined {
  const dir = join(imagesCacheDir, 'base');
  const tarPath = join(dir, 'rootfs.tar');
  const recordPath = join(dir, 'rootfs.json');
  if (!existsSync(tarPath) || !existsSync(recordPath)) return undefined;
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as RootfsRecord;
  return { dir, tarPath, sha256: record.sha256, mirrors: record.mirrors };
}

export async function ensureDebianRootfs(imagesCacheDir: string, say: (line: string) => void): Promise<DebianRootfs> {
  const recorded = recordedRootfs(imagesCacheDir);
  if (recorded) return recorded;
  const dir = join(imagesCacheDir, 'base');
  const tarPath = join(dir, 'rootfs.tar');
  const recordPath = join(dir, 'rootfs.json');
  const mirrors = machineMirrors(DEBIAN_CODENAME);
  const work = join(imagesCacheDir, 'base-work');
  await removeWorkDir(work);
  const rootfs = join(work, 'rootfs');
  mkdirSync(dir, { recursive: true });
  const logPath = join(imagesCacheDir, 'logs', 'debian-base.log');
  say(
    `[images] debian-base: debootstrap ${DEBIAN_CODENAME} (minbase) from ${mirrors.archive} (about 2 min; log ${logPath})...`,
  );
  const started = Date.now();
  try {
    await run('debootstrap', ['--variant=minbase', DEBIAN_CODENAME, rootfs, mirrors.archive], {
      logPath,
      lowPriority: true,
      ticker: { everySeconds: 30, say, what: '[images] debian-base' },
    });
    slimDown(rootfs, mirrors);
    // Sorted names and numeric owners: the same tree packs the same way. /dev, /proc, /sys stay empty:
    // the container runtime provides them.
    await run('tar', [
      '--sort=name',
      '--numeric-owner',
      '--exclude=./dev/*',
      '--exclude=./proc/*',
      '--exclude=./sys/*',
      '-C',
      rootfs,
      '-cf',
      `${tarPath}.tmp`,
      '.',
    ]);
    renameSync(`${tarPath}.tmp`, tarPath);
  } finally {
    await removeWorkDir(work);
  }
  const sha256 = await fileSha256(tarPath);
  const record: RootfsRecord = { sha256, mirrors, builtAt: new Date().toISOString() };
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  say(
    `[images] debian-base: root filesystem ready in ${Math.round((Date.now() - started) / 1000)}s (sha256 ${sha256.slice(0, 12)})`,
  );
  return { dir, tarPath, sha256, mirrors };
}

function slimDown(rootfs: string, mirrors: DebianMirrors): void {
  const c = DEBIAN_CODENAME;
  writeFileSync(
    join(rootfs, 'etc/apt/sources.list'),
    [
      `deb ${mirrors.archive} ${c} main`,
      `deb ${mirrors.archive} ${c}-updates main`,
      `deb ${mirrors.security} ${c}-security main`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/storefleet-slim'), `${slimDpkgConfig}\n`);
  writeFileSync(join(rootfs, 'etc/apt/apt.conf.d/storefleet-slim'), `${slimAptConfig}\n`);
  for (const path of [
    'usr/share/man',
    'usr/share/info',
    'usr/share/locale',
    'var/lib/apt/lists',
    'var/cache/apt/archives',
  ]) {
    emptyDir(join(rootfs, path), (name) => name === 'partial' || name === 'lock');
  }
  const docs = join(rootfs, 'usr/share/doc');
  for (const pkg of existsSync(docs) ? readdirSync(docs) : []) {
    emptyDir(join(docs, pkg), (name) => name === 'copyright');
  }
}

function emptyDir(dir: string, keep: (name: string) => boolean): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!keep(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

async function removeWorkDir(work: string): Promise<void> {
  // A killed debootstrap leaves /proc and /sys mounted in its target: never recurse into those.
  await unmountBelow(work);
  rmSync(work, { recursive: true, force: true });
}

function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
