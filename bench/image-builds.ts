// How long the Medusa images (the ones a user builds and pushes from this repo) take to build as
// `npm run images` builds them: cold (every Containerfile step run, no layer reused; the base image
// present), with every layer cached (only the archive is written again), and unchanged (the archive
// found by its content key). Needs root, buildah and debootstrap: elsewhere it says why and skips.
import { ensureImages } from '../dev/images/ensure.js';
import { defaultCacheDir } from '../dev/config.js';
import { formatDuration } from '../dev/output.js';
import { progress, type ResultLog } from './report.js';
import { benchResult } from './stats.js';

const measured = ['medusa-server', 'medusa-storefront'];
const ways = [
  { way: 'cold', options: { rebuild: true, noCache: true } },
  { way: 'layers_cached', options: { rebuild: true } },
  { way: 'unchanged', options: {} },
];

export async function imageBuildsBenchmark(results: ResultLog): Promise<void> {
  if (process.getuid?.() !== 0) {
    progress('images: skipped, building images needs root (buildah and debootstrap write root filesystems)');
    return;
  }
  const cacheDir = defaultCacheDir();
  const say = (line: string) => progress(`images: ${line}`);
  // Bases first (the Debian root filesystem, the Node stand-in), so no figure includes them.
  await ensureImages({ cacheDir, names: measured, progress: say });
  for (const name of measured) {
    for (const { way, options } of ways) {
      const started = Date.now();
      await ensureImages({ cacheDir, names: [name], progress: say, ...options });
      const seconds = (Date.now() - started) / 1000;
      progress(`images: ${name} ${way}: ${formatDuration(seconds * 1000)}`);
      results.add(benchResult({ name: `images.${name}.${way}`, value: seconds, unit: 's' }));
    }
  }
}
