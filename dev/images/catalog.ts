// The images storefleet builds for local mode instead of pulling them: stand-ins for the official
// images the store charts name, each from a Containerfile under images/<name>/ on top of a Debian base
// made on this machine (see debian-rootfs.ts and images/debian-base/Containerfile).
import { join } from 'node:path';
import { repoRoot } from '../config.js';

export interface StandInImage {
  /** Its directory under images/ (the Containerfile and every file it copies). */
  name: string;
  /** What it holds, first part of its tag (the rest is the content key). */
  version: string;
  /** The official image the store chart names, which this one stands in for. */
  standsInFor: string;
  /** Rough cold-build time on 2 cores (measured), shown so a long build is expected. */
  coldBuildMinutes: number;
}

export const imagesDir = join(repoRoot, 'images');
export const baseImageDir = join(imagesDir, 'debian-base');

export const standInImages: StandInImage[] = [
  { name: 'mariadb', version: '10.11', standsInFor: 'mariadb:11.8.8', coldBuildMinutes: 1 },
  { name: 'wordpress', version: '6.1-php8.2-apache', standsInFor: 'wordpress:7.1.0-php8.3-apache', coldBuildMinutes: 2 },
  { name: 'wp-cli', version: 'cli-php8.2', standsInFor: 'wordpress:cli-2.12.0-php8.3', coldBuildMinutes: 1 },
];

/** Where local images live: a name containerd and kubelet accept without any registry behind it. */
export function imageRepository(name: string): string {
  return `localhost/storefleet/${name}`;
}
