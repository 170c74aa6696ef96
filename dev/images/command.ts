// `npm run images [name...] [--rebuild]`: builds the local images (cached by content) and prints
// each one's reference and OCI archive.
import { defaultCacheDir } from '../config.js';
import { say } from '../output.js';
import { ImagesError } from './buildah.js';
import { standInImages } from './catalog.js';
import { ensureImages } from './ensure.js';

export async function runImagesCommand(args: string[]): Promise<number> {
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknownFlags = args.filter((arg) => arg.startsWith('--') && arg !== '--rebuild');
  if (unknownFlags.length) {
    say(
      `usage: npm run images -- [${standInImages.map((image) => image.name).join('|')} ...] [--rebuild]   (unknown: ${unknownFlags.join(' ')})`,
    );
    return 2;
  }
  try {
    const images = await ensureImages({
      cacheDir: defaultCacheDir(),
      names,
      rebuild: args.includes('--rebuild'),
      progress: say,
    });
    for (const image of images)
      say(
        `  ${image.name.padEnd(18)} ${image.ref}${image.built ? '' : ' (cached)'}\n  ${''.padEnd(18)} ${image.archive}`,
      );
    say('Import one into containerd with: ctr -n k8s.io images import <archive>');
    return 0;
  } catch (error) {
    // Expected problems (not root, a tool missing, a failed build) read best without a stack trace.
    if (!(error instanceof ImagesError)) throw error;
    console.error(error.message);
    return 1;
  }
}
