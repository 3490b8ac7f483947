import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMountPath, filesystemTotals, measureFilesystems, parseMountinfo, selectRealMounts } from './filesystems.js';
import type { FilesystemUsage } from './filesystems.js';
import type { MountEntry, StatfsResult } from './filesystems.js';

const mountinfo = readFileSync(new URL('fixtures/host/proc/self/mountinfo', import.meta.url), 'utf8');

describe('filesystems', () => {
  it('decodes octal escapes in mount paths', () => {
    expect(decodeMountPath('/mnt/backup\\040disk')).toBe('/mnt/backup disk');
    expect(decodeMountPath('/a\\011b\\134c')).toBe('/a\tb\\c');
  });

  it('parses mountinfo lines, with or without optional fields', () => {
    const mounts = parseMountinfo(mountinfo);
    expect(mounts.find((m) => m.mountPoint === '/')).toEqual({
      device: '8:2', root: '/', mountPoint: '/', fstype: 'ext4', source: '/dev/sda2', readonly: false,
    });
    expect(mounts.find((m) => m.fstype === 'overlay')?.mountPoint).toBe('/var/lib/docker/overlay2/4f1c9a/merged');
  });

  it('keeps real filesystems only: no pseudo, tmpfs, snap, docker or kernel-tree mounts, one per device', () => {
    const kept = selectRealMounts(parseMountinfo(mountinfo)).map((m) => m.mountPoint);
    // /var/www and /var/lib/docker/volumes/pgdata are binds of /; /srv/alice-home is a bind of /home.
    expect(kept).toEqual(['/', '/boot/efi', '/home', '/mnt/archive', '/mnt/backup disk', '/mnt/empty-fuse', '/mnt/nfs']);
  });

  it('keeps the shortest path of a filesystem even when a bind mount of it is listed first', () => {
    const text = '40 1 8:5 /exports/a /srv/nfs/a rw - ext4 /dev/sda5 rw\n41 1 8:5 / /data rw - ext4 /dev/sda5 rw\n';
    expect(selectRealMounts(parseMountinfo(text)).map((m) => m.mountPoint)).toEqual(['/data']);
  });

  it('keeps the later of two mounts on one path, since it hides the earlier', () => {
    const text = '28 1 8:2 / /data rw - ext4 /dev/sda2 rw\n29 28 8:3 / /data rw - ext4 /dev/sda3 rw\n';
    expect(selectRealMounts(parseMountinfo(text)).map((m) => m.source)).toEqual(['/dev/sda3']);
  });

  it('measures like df and skips mounts statfs cannot read or that have no blocks', () => {
    const stats: Record<string, StatfsResult> = {
      '/': { bsize: 4096, blocks: 1_000_000, bfree: 400_000, bavail: 350_000 },
      '/mnt/empty-fuse': { bsize: 4096, blocks: 0, bfree: 0, bavail: 0 },
    };
    const skipped: string[] = [];
    const mounts = selectRealMounts(parseMountinfo(mountinfo)).filter((m) => ['/', '/mnt/nfs', '/mnt/empty-fuse'].includes(m.mountPoint));
    const usage = measureFilesystems(mounts, (path) => {
      const s = stats[path];
      if (!s) throw Object.assign(new Error('stale file handle'), { code: 'ESTALE' });
      return s;
    }, (mount: MountEntry) => skipped.push(mount.mountPoint));
    expect(skipped).toEqual(['/mnt/nfs']);
    expect(usage).toEqual([{
      mount: '/', device: '/dev/sda2', fstype: 'ext4', readonly: false,
      total: 4_096_000_000, used: 2_457_600_000, available: 1_433_600_000,
      // df: used / (used + available) = 600,000 / 950,000 blocks; root-reserved blocks count as neither.
      percent: (600_000 / 950_000) * 100,
    }]);
  });

  it('marks read-only mounts', () => {
    const archive = parseMountinfo(mountinfo).find((m) => m.mountPoint === '/mnt/archive');
    expect(archive?.readonly).toBe(true);
  });

  it('counts a ZFS pool\'s free space once however many of its datasets are mounted', () => {
    const fs = (mount: string, device: string, fstype: string, used: number, available: number, total = used + available): FilesystemUsage =>
      ({ mount, device, fstype, used, available, total, percent: 0, readonly: false });
    const totals = filesystemTotals([
      fs('/', 'rpool/ROOT/pve-1', 'zfs', 50, 900),
      fs('/rpool/data', 'rpool/data', 'zfs', 1, 900),
      // A dataset with a quota sees less than the pool's free space.
      fs('/rpool/data/subvol-101-disk-0', 'rpool/data/subvol-101-disk-0', 'zfs', 10, 90),
      fs('/tank', 'tank', 'zfs', 300, 700),
      // ext4 keeps its own total: root-reserved blocks are in it but in neither used nor available.
      fs('/boot', '/dev/sda1', 'ext4', 20, 70, 100),
    ]);
    expect(totals).toEqual({ used: 50 + 1 + 10 + 300 + 20, available: 900 + 700 + 70, total: 61 + 900 + 300 + 700 + 100 });
  });
});
