import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostCollector } from '@pulse/collectors';
import { afterEach, describe, expect, it } from 'vitest';
import { recordTree } from './recorder.mjs';
import { buildReplacements, sanitizeFile } from './sanitize.mjs';

const dirs = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

/** A collector reading a recorded tree, with statfs answered from its statfs.json. */
function treeCollector(root) {
  const table = JSON.parse(readFileSync(join(root, 'statfs.json'), 'utf8'));
  return createHostCollector({
    procRoot: join(root, 'proc'),
    sysRoot: join(root, 'sys'),
    machineIdPaths: [join(root, 'etc/machine-id'), join(root, 'var/lib/dbus/machine-id')],
    osReleasePath: join(root, 'etc/os-release'),
    statfs: (path) => {
      if (!table[path]) throw Object.assign(new Error(`statfs ${path}`), { code: 'ENOENT' });
      return table[path];
    },
    logger: { warn: (obj, msg) => { throw new Error(`${msg}: ${JSON.stringify(obj)}`); } },
  });
}

describe.runIf(existsSync('/proc/stat'))('record-proc on this machine', () => {
  it('records a tree the collector reads back as this machine, with its identifiers faked', () => {
    const out = mkdtempSync(join(tmpdir(), 'pulse-record-'));
    dirs.push(out);
    // Two snapshots back to back: the layout of a recording with rates, without waiting a second.
    const manifest = recordTree({ out, label: 'live-test', snapshots: 2, intervalMs: 0, pidSample: 8 });
    const live = createHostCollector({ logger: { warn: () => {} } }).collect(Date.now());
    const tree = treeCollector(out).collect(Date.now());

    expect(manifest.snapshots.map((s) => s.dir)).toEqual(['.', 'snapshot-2']);
    expect(readFileSync(join(out, 'RECORDED.md'), 'utf8')).toContain(live.details.system.kernel);
    // What does not move between two reads a moment apart is equal.
    for (const key of ['cores', 'mem.total', 'swap.total', 'disk.total']) expect(tree.metrics[key], key).toBe(live.metrics[key]);
    const { hostname, ...system } = tree.details.system;
    const { hostname: liveHostname, ...liveSystem } = live.details.system;
    expect(system).toEqual(liveSystem);
    expect(tree.details.filesystems.map((fs) => fs.mount)).toEqual(live.details.filesystems.map((fs) => fs.mount));
    expect(tree.details.interfaces.map((nic) => nic.name)).toEqual(live.details.interfaces.map((nic) => nic.name));
    expect(tree.details.disks.map((disk) => disk.name)).toEqual(live.details.disks.map((disk) => disk.name));
    expect(Object.keys(tree.metrics).sort()).toEqual(Object.keys(live.metrics).sort());
    expect(Math.abs(tree.metrics.uptime - live.metrics.uptime)).toBeLessThan(5);
    expect(Math.abs(tree.metrics['mem.used'] - live.metrics['mem.used'])).toBeLessThan(live.metrics['mem.total'] * 0.05);
    expect(tree.metrics['procs.total']).toBeLessThanOrEqual(8);

    // Identifiers are fakes of the same shape; a MAC keeps its first octet.
    expect(hostname).toMatch(/^rec-[0-9a-f]{6}$/);
    expect(hostname).not.toBe(liveHostname);
    if (live.identity.machineId) {
      expect(tree.identity.machineId).toMatch(/^[0-9a-f]{32}$/);
      expect(tree.identity.machineId).not.toBe(live.identity.machineId);
    }
    expect(tree.identity.macs.length).toBe(live.identity.macs.length);
    for (const mac of tree.identity.macs) expect(live.identity.macs).not.toContain(mac);
    expect(tree.identity.macs.map((mac) => mac.slice(0, 2)).sort()).toEqual(live.identity.macs.map((mac) => mac.slice(0, 2)).sort());
  });
});

describe('sanitizing a recording', () => {
  const files = new Map([
    ['proc/sys/kernel/hostname', Buffer.from('vm\n')],
    ['etc/machine-id', Buffer.from('3d1219c7c4c5404aaa1f6d2a48adfda4\n')],
    ['sys/class/net/eth0/address', Buffer.from('02:fc:00:00:00:01\n')],
    ['sys/class/net/lo/address', Buffer.from('00:00:00:00:00:00\n')],
    ['sys/class/dmi/id/product_uuid', Buffer.from('4C4C4544-0032-3510-8052-B4C04F4D3332\n')],
  ]);
  const replacements = buildReplacements(files, 'unit');
  const clean = (path, text) => sanitizeFile(path, Buffer.from(text), replacements).toString('utf8');

  it('replaces a short hostname only as a whole word', () => {
    expect(clean('proc/sys/kernel/hostname', 'vm\n')).toMatch(/^rec-[0-9a-f]{6}\n$/);
    expect(clean('proc/meminfo', 'VmallocTotal: 1 kB\n')).toBe('VmallocTotal: 1 kB\n');
    expect(clean('proc/cpuinfo', 'flags : vme vmx\n')).toBe('flags : vme vmx\n');
    expect(clean('proc/self/mountinfo', '1 2 0:1 / /srv/vm rw - ext4 /dev/vm rw\n')).not.toMatch(/\/vm\b/);
  });

  it('fakes ids everywhere, keeping format, case and what the collector treats specially', () => {
    const id = clean('etc/machine-id', '3d1219c7c4c5404aaa1f6d2a48adfda4\n').trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(clean('proc/self/mountinfo', '/var/log/journal/3d1219c7c4c5404aaa1f6d2a48adfda4')).toBe(`/var/log/journal/${id}`);
    expect(clean('sys/class/net/eth0/address', '02:fc:00:00:00:01\n')).toMatch(/^02(:[0-9a-f]{2}){5}\n$/);
    expect(clean('sys/class/net/eth0/address', '02:fc:00:00:00:01\n')).not.toContain('02:fc:00:00:00:01');
    expect(clean('sys/class/net/lo/address', '00:00:00:00:00:00\n')).toBe('00:00:00:00:00:00\n');
    expect(clean('sys/class/dmi/id/product_uuid', '4C4C4544-0032-3510-8052-B4C04F4D3332\n')).toMatch(/^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\n$/);
    expect(buildReplacements(files, 'unit')).toEqual(replacements);
  });

  it('blanks credentials in mount options and sources, and board serials', () => {
    expect(clean('proc/self/mountinfo', '9 1 0:50 / /mnt/share rw - cifs //fs/share rw,username=alice,password=hunter2,vers=3.0\n'))
      .toBe('9 1 0:50 / /mnt/share rw - cifs //fs/share rw,username=redacted,password=redacted,vers=3.0\n');
    expect(clean('proc/self/mountinfo', '9 1 0:51 / /mnt/box rw - fuse.sshfs alice@box:/data rw\n'))
      .toBe('9 1 0:51 / /mnt/box rw - fuse.sshfs redacted@box:/data rw\n');
    expect(clean('proc/cpuinfo', 'Serial\t\t: 10000000abcdef12\n')).toBe('Serial\t\t: 0000000000000000\n');
  });
});
