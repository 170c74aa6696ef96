// Images of a real node, built on this machine from the Containerfiles under images/ with buildah and
// imported into containerd's store: nothing is ever pulled. Each is tagged with a hash of what went
// into it, so an unchanged image is found in containerd and not built again, and its archive is kept
// in the cache, so a fresh node (an ephemeral one, or one whose state was removed) imports it instead.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../config.js';

export interface ImageRecipe {
  /** Its directory under images/, which holds the Containerfile. */
  name: string;
  /** Prepares the build context (compiles or copies the files the Containerfile COPYs). */
  prepare(context: string): Promise<void>;
  /** Files whose content decides the image (besides the Containerfile). */
  inputs: string[];
}

const imageDir = (name: string) => join(repoRoot, 'images', name);

/** Where the node's built images are kept between nodes: beside the stand-in images' archives (dev/images). */
export const nodeImageArchives = (cacheDir: string) => join(cacheDir, 'images', 'archives');

export const pauseImage: ImageRecipe = {
  name: 'pause',
  inputs: [join(imageDir('pause'), 'pause.c')],
  prepare: async (context) => {
    await run('gcc', ['-static', '-Os', '-s', '-o', join(context, 'pause'), join(imageDir('pause'), 'pause.c')]);
  },
};

/** A shell and everyday tools (Debian's static busybox), for tests and debugging. */
export const busyboxImage: ImageRecipe = {
  name: 'busybox',
  inputs: ['/bin/busybox'],
  prepare: (context) => {
    copyFileSync('/bin/busybox', join(context, 'busybox'));
    return Promise.resolve();
  },
};

/** Cluster DNS: the toolchain's static CoreDNS binary, alone in an image (it is a pod like upstream's). */
export function corednsImage(binary: string): ImageRecipe {
  return {
    name: 'coredns',
    inputs: [binary],
    prepare: (context) => {
      copyFileSync(binary, join(context, 'coredns'));
      return Promise.resolve();
    },
  };
}

/** `localhost/storefleet/<name>:<first 12 hex of the inputs' sha256>`, the naming of all local images. */
export function imageRef(recipe: ImageRecipe): string {
  const hash = createHash('sha256');
  for (const file of [join(imageDir(recipe.name), 'Containerfile'), ...recipe.inputs]) hash.update(readFileSync(file));
  return `localhost/storefleet/${recipe.name}:${hash.digest('hex').slice(0, 12)}`;
}

export interface ImageStore {
  containerdSocket: string;
  /** Scratch space for builds (buildah's storage, the archive), emptied after each. */
  workDir: string;
  /** Where built archives are kept (`<name>/<tag>.tar`, the newest only), e.g. the cache's images/archives. */
  archiveDir?: string;
  progress?: (line: string) => void;
}

/** Builds the image unless containerd already holds it; returns its reference. */
export async function ensureImage(recipe: ImageRecipe, store: ImageStore): Promise<string> {
  const ref = imageRef(recipe);
  const kept = store.archiveDir && join(store.archiveDir, recipe.name, `${ref.split(':')[1]}.tar`);
  if (kept && existsSync(kept)) {
    await importImageArchive(ref, kept, store);
    return ref;
  }
  const ctr = ['-a', store.containerdSocket, '-n', 'k8s.io'];
  const listed = await run('ctr', [...ctr, 'images', 'ls', '-q']);
  if (listed.split('\n').includes(ref)) return ref;

  store.progress?.(`building image ${ref} from images/${recipe.name}/Containerfile`);
  const work = join(store.workDir, recipe.name);
  rmSync(work, { recursive: true, force: true });
  const context = join(work, 'context');
  mkdirSync(context, { recursive: true });
  // Storage of our own, not /var/lib/containers; vfs needs no mounts; chroot isolation needs no runtime setup.
  const buildah = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs'];
  try {
    await recipe.prepare(context);
    await run('buildah', [
      ...buildah,
      'bud',
      '--isolation',
      'chroot',
      '--quiet',
      '-f',
      join(imageDir(recipe.name), 'Containerfile'),
      '-t',
      ref,
      context,
    ]);
    const archive = join(work, 'image.tar');
    await run('buildah', [...buildah, 'push', '--quiet', ref, `oci-archive:${archive}:${ref}`]);
    await run('ctr', [...ctr, 'images', 'import', archive]);
    if (kept) keepArchive(archive, kept);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return ref;
}

/** Imports an OCI archive built elsewhere (dev/images/) unless containerd already holds `ref`; true when it imported. */
export async function importImageArchive(
  ref: string,
  archive: string,
  store: Pick<ImageStore, 'containerdSocket' | 'progress'>,
): Promise<boolean> {
  const ctr = ['-a', store.containerdSocket, '-n', 'k8s.io'];
  const listed = await run('ctr', [...ctr, 'images', 'ls', '-q']);
  if (listed.split('\n').includes(ref)) return false;
  store.progress?.(`importing image ${ref}`);
  await run('ctr', [...ctr, 'images', 'import', archive]);
  return true;
}

/** Copies the archive to `kept` whole (through a rename: a killed run leaves no half file there) and drops older tags. */
function keepArchive(archive: string, kept: string): void {
  const dir = dirname(kept);
  mkdirSync(dir, { recursive: true });
  copyFileSync(archive, `${kept}.tmp`);
  renameSync(`${kept}.tmp`, kept);
  for (const file of readdirSync(dir)) if (join(dir, file) !== kept) rmSync(join(dir, file), { force: true });
}

async function run(command: string, args: string[]): Promise<string> {
  const result = await execa(command, args, { reject: false, all: true });
  if (result.exitCode !== 0)
    throw new Error(`${command} ${args.slice(0, 6).join(' ')}... failed (exit ${result.exitCode}):\n${result.all}`);
  return result.stdout;
}
