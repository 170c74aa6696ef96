import { describe, expect, it } from 'vitest';
import { mountPointsBelow } from './mounts.js';

describe('mounts left by a build', () => {
  const mounts = [
    '/dev/vda / ext4 rw 0 0',
    'proc /cache/images/base-work/rootfs/proc proc rw 0 0',
    'sysfs /cache/images/base-work/rootfs/sys sysfs rw 0 0',
    'overlay /cache/images/storage/overlay/abc/merged overlay rw 0 0',
    'overlay /cache/images/storage-other/x overlay rw 0 0',
    'tmpfs /cache/images/base-work/with\\040space tmpfs rw 0 0',
  ].join('\n');

  it('when mounts lie below a directory, then they are listed deepest first, with escaped spaces decoded', () => {
    expect(mountPointsBelow('/cache/images/base-work', mounts)).toEqual([
      '/cache/images/base-work/rootfs/proc',
      '/cache/images/base-work/rootfs/sys',
      '/cache/images/base-work/with space',
    ]);
  });

  it('when a sibling directory shares the name prefix, then its mounts are not included', () => {
    expect(mountPointsBelow('/cache/images/storage/', mounts)).toEqual(['/cache/images/storage/overlay/abc/merged']);
  });
});
