// The images storefleet builds for local mode instead of pulling them, each from a Containerfile under
// images/<name>/: stand-ins for the official images the store charts name, and storefleet's own Medusa
// images. They start from a Debian base made on this machine (see debian-rootfs.ts and
// images/debian-base/Containerfile) or from another image of this list.
import { join } from 'node:path';
import { repoRoot } from '../config.js';

export interface StandInImage {
  /** Its directory under images/ (the Containerfile and every file it copies). */
  name: string;
  /** What it holds, first part of its tag (the rest is the content key). */
  version: string;
  /** The image the store chart names by default: an official one this stands in for, or storefleet's own. */
  standsInFor: string;
  /** storefleet's own image (built the same way anywhere), not a stand-in for an official one. */
  own?: true;
  /** The image of this list it starts FROM (passed as BASE); the Debian base when absent. */
  base?: string;
  /** Rough cold-build time on 2 cores (measured), shown so a long build is expected. */
  coldBuildMinutes: number;
}

export const imagesDir = join(repoRoot, 'images');
export const baseImageDir = join(imagesDir, 'debian-base');

export const standInImages: StandInImage[] = [
  { name: 'mariadb', version: '10.11', standsInFor: 'mariadb:11.8.8', coldBuildMinutes: 1 },
  {
    name: 'wordpress',
    version: '6.1-php8.2-apache',
    standsInFor: 'wordpress:7.1.0-php8.3-apache',
    coldBuildMinutes: 2,
  },
  { name: 'wp-cli', version: 'cli-php8.2', standsInFor: 'wordpress:cli-2.12.0-php8.3', coldBuildMinutes: 1 },
  { name: 'postgres', version: '15', standsInFor: 'postgres:17.9-bookworm', coldBuildMinutes: 1 },
  { name: 'redis', version: '7.0', standsInFor: 'redis:7.4.6-alpine', coldBuildMinutes: 1 },
  { name: 'node', version: '22.23.5', standsInFor: 'node:22.23.5-bookworm-slim', coldBuildMinutes: 1 },
  {
    name: 'medusa-server',
    version: '2.21.2',
    standsInFor: 'storefleet/medusa-server:2.21.2',
    own: true,
    base: 'node',
    coldBuildMinutes: 6,
  },
  {
    name: 'medusa-storefront',
    version: '2.21.2',
    standsInFor: 'storefleet/medusa-storefront:2.21.2',
    own: true,
    base: 'node',
    coldBuildMinutes: 1,
  },
];

/** Where local images live: a name containerd and kubelet accept without any registry behind it. */
export function imageRepository(name: string): string {
  return `localhost/storefleet/${name}`;
}
