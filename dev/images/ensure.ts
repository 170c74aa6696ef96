// Builds the local images without any registry: the Debian base from debootstrap, then each stand-in
// from its Containerfile with buildah, exported as an OCI archive that containerd imports
// (`ctr -n k8s.io images import <archive>` names it from the archive). An archive is kept per content
// key, so an image whose inputs did not change is found and never built again.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { formatDuration } from '../output.js';
import { buildah, buildahStore, hasImage, ImagesError, type BuildahStore } from './buildah.js';
import { imageKey, imageTag } from './cache-key.js';
import { baseImageDir, imageRepository, imagesDir, standInImages, type StandInImage } from './catalog.js';
import { withBuildLock } from './build-lock.js';
import { DEBIAN_CODENAME, ensureDebianRootfs, recordedRootfs, type DebianRootfs } from './debian-rootfs.js';
import { unmountBelow } from './mounts.js';

export interface EnsureImagesOptions {
  /** storefleet's cache (defaultCacheDir()); images live in its images/ directory. */
  cacheDir: string;
  /** Which stand-ins (all by default). */
  names?: string[];
  progress?: (line: string) => void;
  /** Build the named images (all when none are named) again even when an archive with the same content key exists; their bases only when missing. */
  rebuild?: boolean;
  /** With rebuild: run every Containerfile step again, reusing no layer (a cold build, for its time). */
  noCache?: boolean;
}

export interface LocalImage {
  name: string;
  /** `localhost/storefleet/<name>:<version>-<key>`: what pods name (repository + tag). */
  ref: string;
  repository: string;
  tag: string;
  /** The OCI archive to import into containerd. */
  archive: string;
  key: string;
  /** False when the cached archive was used. */
  built: boolean;
}

export async function ensureImages(options: EnsureImagesOptions): Promise<LocalImage[]> {
  const say = options.progress ?? (() => {});
  const wanted = selectImages(options.names);
  const cache = join(options.cacheDir, 'images');
  // Everything already built: answer from the archives alone, touching neither buildah nor the lock.
  const recorded = recordedRootfs(cache);
  if (recorded && !options.rebuild) {
    const cached = planImages(cache, wanted, debianBase(recorded));
    if (cached.every((plan) => existsSync(plan.archive))) return cached.map((plan) => localImage(plan, false));
  }
  await checkMachine();
  return withBuildLock(cache, say, async () => {
    const store = buildahStore(cache);
    const leftovers = await unmountBelow(store.root);
    if (leftovers.length)
      say(`[images] unmounted ${leftovers.length} mount(s) a killed build left under ${store.root}`);
    const rootfs = await ensureDebianRootfs(cache, say);
    const debian = debianBase(rootfs);
    const results: LocalImage[] = [];
    try {
      const rebuilt = (plan: ImagePlan) =>
        options.rebuild && (!options.names?.length || options.names.includes(plan.image.name));
      for (const plan of planImages(cache, wanted, debian)) {
        if (existsSync(plan.archive) && !rebuilt(plan)) {
          results.push(localImage(plan, false));
          continue;
        }
        if (plan.base === debian) await ensureDebianImage(store, rootfs, debian.ref, say);
        else await ensureStoredImage(store, plan.base);
        await buildImage(store, plan, say, options.noCache ?? false);
        results.push(localImage(plan, true));
      }
      return results;
    } finally {
      // buildah leaves its storage's own bind mount behind, also after a good build: the host keeps none.
      await unmountBelow(store.root);
    }
  });
}

/** What an image starts from: its reference in buildah's storage, its content key and, for ours, its archive. */
interface BaseImage {
  ref: string;
  key: string;
  archive?: string;
}

/** The Debian base, keyed by its Containerfile and the root filesystem's sha256. */
function debianBase(rootfs: DebianRootfs): BaseImage {
  const key = imageKey({ contextDir: baseImageDir, baseKey: `rootfs ${rootfs.sha256}` });
  return { ref: `${imageRepository('debian-base')}:${imageTag(DEBIAN_CODENAME, key)}`, key };
}

interface ImagePlan {
  image: StandInImage;
  base: BaseImage;
  contextDir: string;
  key: string;
  repository: string;
  tag: string;
  ref: string;
  /** archives/<name>/<tag>.tar: one directory per image, holding only its newest archive. */
  archive: string;
  logPath: string;
}

/** Plans in catalog order, so an image's base is planned (and built) before it. */
function planImages(cache: string, wanted: StandInImage[], debian: BaseImage): ImagePlan[] {
  const plans = new Map<string, ImagePlan>();
  for (const image of wanted) {
    const base = image.base ? plans.get(image.base) : debian;
    if (!base) throw new ImagesError(`image ${image.name} starts from ${image.base}, which is not planned before it`);
    const contextDir = join(imagesDir, image.name);
    const key = imageKey({ contextDir, baseKey: base.key });
    const repository = imageRepository(image.name);
    const tag = imageTag(image.version, key);
    const archive = join(cache, 'archives', image.name, `${tag}.tar`);
    const logPath = join(cache, 'logs', `${image.name}.log`);
    plans.set(image.name, {
      image,
      base,
      contextDir,
      key,
      repository,
      tag,
      ref: `${repository}:${tag}`,
      archive,
      logPath,
    });
  }
  return [...plans.values()];
}

function localImage(plan: ImagePlan, built: boolean): LocalImage {
  const { image, ref, repository, tag, archive, key } = plan;
  return { name: image.name, ref, repository, tag, archive, key, built };
}

function selectImages(names: string[] | undefined): StandInImage[] {
  if (!names?.length) return standInImages;
  const unknown = names.filter((name) => !standInImages.some((image) => image.name === name));
  if (unknown.length)
    throw new ImagesError(`unknown image ${unknown.join(', ')}; known: ${standInImages.map((i) => i.name).join(', ')}`);
  const needed = new Set<string>();
  const need = (name: string): void => {
    needed.add(name);
    const base = standInImages.find((image) => image.name === name)?.base;
    if (base) need(base);
  };
  names.forEach(need);
  return standInImages.filter((image) => needed.has(image.name));
}

async function checkMachine(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new ImagesError('building images needs root (debootstrap and buildah write a root filesystem).');
  for (const tool of ['buildah', 'debootstrap']) {
    const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (found.exitCode !== 0)
      throw new ImagesError(`${tool} is not installed; run: apt-get install -y buildah debootstrap`);
  }
}

/** The Debian base in buildah's storage, made from the root filesystem tarball (a few seconds). */
async function ensureDebianImage(
  store: BuildahStore,
  rootfs: DebianRootfs,
  ref: string,
  say: (line: string) => void,
): Promise<void> {
  if (await hasImage(store, ref)) return;
  say(`[images] debian-base: importing the root filesystem as ${ref}`);
  await buildah(
    store,
    [
      'bud',
      '--quiet',
      '--isolation',
      'chroot',
      '--pull=never',
      '-f',
      join(baseImageDir, 'Containerfile'),
      '-t',
      ref,
      rootfs.dir,
    ],
    {
      lowPriority: true,
    },
  );
}

/** One of our images as a base: in buildah's storage already, or loaded from its archive (a cache kept only the archive). */
async function ensureStoredImage(store: BuildahStore, base: BaseImage): Promise<void> {
  if (await hasImage(store, base.ref)) return;
  if (!base.archive) throw new ImagesError(`base image ${base.ref} is neither in buildah's storage nor archived`);
  const id = (await buildah(store, ['pull', '--quiet', `oci-archive:${base.archive}`], { lowPriority: true })).trim();
  await buildah(store, ['tag', id, base.ref]);
}

async function buildImage(
  store: BuildahStore,
  plan: ImagePlan,
  say: (line: string) => void,
  noCache: boolean,
): Promise<void> {
  const { image } = plan;
  const what = image.own ? `storefleet's ${image.standsInFor}` : `stand-in for ${image.standsInFor}`;
  say(
    `[images] ${image.name}: building ${plan.ref}, ${what} (about ${image.coldBuildMinutes} min on 2 cores; log ${plan.logPath})...`,
  );
  const started = Date.now();
  const ticker = { everySeconds: 30, say, what: `[images] ${image.name}` };
  // --layers keeps each step's result, so a change to a copied script reruns only the steps after it.
  // The machine's CA bundle is lent to the build as a secret (a TLS-inspecting proxy's CA may be in it):
  // the Containerfiles that download over HTTPS mount it; it never becomes part of an image.
  const ca = hostCaBundle();
  await buildah(
    store,
    [
      'bud',
      '--isolation',
      'chroot',
      '--layers',
      ...(noCache ? ['--no-cache'] : []),
      '--pull=never',
      '--build-arg',
      `BASE=${plan.base.ref}`,
      ...(ca ? ['--secret', `id=build-ca,src=${ca}`] : []),
      '-f',
      join(plan.contextDir, 'Containerfile'),
      '-t',
      plan.ref,
      plan.contextDir,
    ],
    { logPath: plan.logPath, lowPriority: true, ticker },
  );
  mkdirSync(dirname(plan.archive), { recursive: true });
  rmSync(`${plan.archive}.tmp`, { force: true });
  // The archive's index names the image by its full reference, which `ctr images import` keeps.
  await buildah(store, ['push', '--quiet', plan.ref, `oci-archive:${plan.archive}.tmp:${plan.ref}`], {
    lowPriority: true,
  });
  renameSync(`${plan.archive}.tmp`, plan.archive);
  await dropOlderVersions(store, plan);
  say(`[images] ${image.name}: built in ${formatDuration(Date.now() - started)}: ${plan.archive}`);
}

/** The CA bundle this machine trusts (SSL_CERT_FILE, else Debian's), when there is one. */
function hostCaBundle(): string | undefined {
  return [process.env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt'].find((path): path is string =>
    Boolean(path && existsSync(path)),
  );
}

/** Older archives and tags of the same image: only the newest content is kept. */
async function dropOlderVersions(store: BuildahStore, plan: ImagePlan): Promise<void> {
  const archives = dirname(plan.archive);
  for (const file of readdirSync(archives)) {
    if (join(archives, file) !== plan.archive) rmSync(join(archives, file), { force: true });
  }
  const listed = await buildah(store, ['images', '--format', '{{.Name}}:{{.Tag}}']);
  const older = listed.split('\n').filter((ref) => ref.startsWith(`${plan.repository}:`) && ref !== plan.ref);
  if (older.length) await buildah(store, ['rmi', ...older]);
}
