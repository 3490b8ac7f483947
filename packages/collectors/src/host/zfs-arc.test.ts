import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMountinfo } from './filesystems.js';
import { hasVirtualisedMeminfo, parseArcstats, readZfsArc } from './zfs-arc.js';

const fixture = (path: string): string => fileURLToPath(new URL(`fixtures/${path}`, import.meta.url));

describe('ZFS ARC', () => {
  it('reads size and c_min from arcstats, skipping the kstat header lines', () => {
    expect(readZfsArc(fixture('proxmox/proc'))).toEqual({ size: 16_384_000_000, min: 1_024_000_000 });
  });

  it('is absent without ZFS, and without a size row', () => {
    expect(readZfsArc(fixture('host/proc'))).toBeUndefined();
    expect(parseArcstats('9 1 0x01 1 2 3 4\nname type data\nhits 4 10\n')).toBeUndefined();
  });

  it('treats c_min as 0 when an old module does not print it', () => {
    expect(parseArcstats('name type data\nsize 4 1000\n')).toEqual({ size: 1000, min: 0 });
  });

  it('knows meminfo is a container view when lxcfs is mounted over it, but not lxcfs mounted elsewhere', () => {
    const lxc = '1203 1150 0:52 /proc/meminfo /proc/meminfo rw,nosuid,nodev,relatime master:270 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other\n';
    expect(hasVirtualisedMeminfo(parseMountinfo(lxc))).toBe(true);
    // A Proxmox node mounts lxcfs at /var/lib/lxcfs for its containers; its own meminfo is real.
    expect(hasVirtualisedMeminfo(parseMountinfo(readFileSync(fixture('proxmox/proc/self/mountinfo'), 'utf8')))).toBe(false);
  });
});
