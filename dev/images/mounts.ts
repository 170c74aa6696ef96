// Mounts a killed build may leave behind (debootstrap mounts /proc and /sys in its target; buildah's
// overlay driver mounts each container's root), found and removed before a directory is reused or
// deleted, so nothing stays mounted and `rm -rf` never walks into a live /proc.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';

/** Mount points at or below dir, deepest first (the order they can be unmounted in). */
export function mountPointsBelow(dir: string, mountsText = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  const prefix = dir.replace(/\/+$/, '');
  return (
    mountsText
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter((field): field is string => Boolean(field))
      // /proc/self/mounts escapes spaces and other specials as octal (\040).
      .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
      .filter((point) => point === prefix || point.startsWith(`${prefix}/`))
      .sort((a, b) => b.length - a.length)
  );
}

/** Unmounts everything at or below dir; returns what it unmounted. */
export async function unmountBelow(dir: string): Promise<string[]> {
  const points = mountPointsBelow(dir);
  for (const point of points) {
    const result = await execa('umount', [point], { reject: false });
    // Busy (a process still inside): detach it now, the kernel finishes when it is free.
    if (result.exitCode !== 0) await execa('umount', ['-l', point], { reject: false });
  }
  return points;
}
