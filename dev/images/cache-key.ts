// Content keys of images: an image is rebuilt only when what goes into it changes. The key covers the
// Containerfile and every file beside it (names and bytes), and the key of the base it starts from;
// not the Debian packages apt installs at build time (those change only with a rebuild, on purpose:
// an unchanged repo gives the same image, however often it is asked for).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** What a build of a Node project outside its Containerfile leaves; each such image's .dockerignore names them too. */
const BUILD_OUTPUTS = new Set(['node_modules', 'dist', '.medusa']);

/** Every file under dir (build outputs left out), as sorted paths relative to it with "/" separators. */
export function contextFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory() && BUILD_OUTPUTS.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

export interface KeyInputs {
  /** The directory holding the Containerfile and the files it copies. */
  contextDir: string;
  /** The key (or id) of the base image; any change to the base changes every image on it. */
  baseKey: string;
}

/** sha256 hex over the base key and each context file's path and content (lengths delimit them). */
export function imageKey({ contextDir, baseKey }: KeyInputs): string {
  const hash = createHash('sha256');
  const field = (value: string | Buffer): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field(`base ${baseKey}`);
  for (const file of contextFiles(contextDir)) {
    field(file);
    field(readFileSync(join(contextDir, file)));
  }
  return hash.digest('hex');
}

/** `<version>-<first 12 hex of the key>`: readable, and new whenever the content changes. */
export function imageTag(version: string, key: string): string {
  return `${version}-${key.slice(0, 12)}`;
}
