import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextFiles, imageKey, imageTag } from './cache-key.js';
import { imagesDir, standInImages } from './catalog.js';

describe('image cache keys', () => {
  let dir: string;
  const key = (baseKey = 'base-1') => imageKey({ contextDir: dir, baseKey });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'storefleet-image-key-'));
    writeFileSync(join(dir, 'Containerfile'), 'ARG BASE=debian:bookworm-slim\nFROM ${BASE}\nCOPY entry.sh /\n');
    writeFileSync(join(dir, 'entry.sh'), '#!/bin/sh\nexec "$@"\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when nothing changed, then the key is the same (the image is not rebuilt)', () => {
    expect(key()).toBe(key());
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the Containerfile changes, then the key changes', () => {
    const before = key();
    writeFileSync(
      join(dir, 'Containerfile'),
      'ARG BASE=debian:bookworm-slim\nFROM ${BASE}\nCOPY entry.sh /usr/local/bin/\n',
    );
    expect(key()).not.toBe(before);
  });

  it('when a file next to the Containerfile changes, is added or is renamed, then the key changes', () => {
    const original = key();
    writeFileSync(join(dir, 'entry.sh'), '#!/bin/sh\nset -e\nexec "$@"\n');
    const edited = key();
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'extra.cnf'), '[mariadbd]\n');
    const added = key();
    rmSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(join(dir, 'other.cnf'), '[mariadbd]\n');
    const renamed = key();
    expect(new Set([original, edited, added, renamed]).size).toBe(4);
  });

  it('when the base changes, then the key changes though the Containerfile did not', () => {
    expect(key('base-1')).not.toBe(key('base-2'));
  });

  it('when contents move between files, then the key still differs (names and bytes are delimited)', () => {
    writeFileSync(join(dir, 'a'), 'xy');
    writeFileSync(join(dir, 'b'), '');
    const first = key();
    writeFileSync(join(dir, 'a'), 'x');
    writeFileSync(join(dir, 'b'), 'y');
    expect(key()).not.toBe(first);
  });

  it('when files are listed, then subdirectories are included with "/" paths, sorted', () => {
    mkdirSync(join(dir, 'wp', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'wp', 'lib', 'cli.php'), '<?php');
    expect(contextFiles(dir)).toEqual(['Containerfile', 'entry.sh', 'wp/lib/cli.php']);
  });

  it('when an image is tagged, then the tag is its version and the first 12 hex of its key', () => {
    expect(imageTag('10.11', 'abcdef0123456789')).toBe('10.11-abcdef012345');
  });

  it("when the repo's stand-ins are keyed, then each has a Containerfile naming the official image it stands in for", () => {
    for (const image of standInImages) {
      const files = contextFiles(join(imagesDir, image.name));
      expect(files).toContain('Containerfile');
      expect(imageKey({ contextDir: join(imagesDir, image.name), baseKey: 'b' })).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
