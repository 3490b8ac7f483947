import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blkioTotals, createCgroupStatsReader, ioStatTotals, keyedValue, netDevTotals } from './cgroup-stats.js';
import type { CgroupTarget } from './cgroup-stats.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const WEB = '7c3a72e78acb78e7cfbc695e2552169918bd6bf1d97741e7b2cfc8e4d31233a9';
const HOST_MEMORY = 8 * 1024 ** 3;

function readerFor(tree: string) {
  const root = join(fixtures, tree);
  return createCgroupStatsReader({ procRoot: join(root, 'proc'), mountRoot: root, hostMemory: () => HOST_MEMORY });
}

function located(reader: ReturnType<typeof createCgroupStatsReader>, id = WEB): CgroupTarget {
  const target = reader.locate(id, 4242);
  if ('error' in target) throw new Error(target.error);
  return target;
}

describe('cgroup stats', () => {
  it('reads a cgroup v1 container of the cgroupfs driver (cpu,cpuacct combined) like the stats API', () => {
    const reader = readerFor('cgroup-v1-cgroupfs');
    const sample = reader.read(located(reader), { networks: true });
    expect(sample).toMatchObject({
      cpuTotal: 160_893_969_138,
      memoryUsage: 843_943_936,
      // memory.limit_in_bytes says 9223372036854771712, "no limit": the engine reports the host's memory.
      memoryLimit: HOST_MEMORY,
      memoryStats: { total_inactive_file: 283_062_272 },
      pids: 7,
      // 8:16 and 8:0 summed: Read 1052672 + 4096, Write 40960 + 8192.
      blkio: [{ op: 'read', value: 1_056_768 }, { op: 'write', value: 49_152 }],
      networks: { eth0: { rx: 248_997_925, tx: 619_400 } },
    });
    expect(sample.memoryStats).not.toHaveProperty('inactive_file');
    reader.close();
  });

  it('reads a cgroup v2 container of the systemd driver', () => {
    const reader = readerFor('cgroup-v2-systemd');
    const sample = reader.read(located(reader), { networks: true });
    expect(sample).toMatchObject({
      cpuTotal: 2_500_000_000, // usage_usec 2500000 in ns
      memoryUsage: 104_857_600,
      memoryLimit: 536_870_912,
      memoryStats: { inactive_file: 20_971_520 },
      pids: 5,
      blkio: [{ op: 'read', value: 4_100_096 }, { op: 'write', value: 819_200 }],
      networks: { eth0: { rx: 12_000, tx: 3000 }, eth1: { rx: 1000, tx: 500 } },
    });
    reader.close();
  });

  it('leaves networks out for a container on the host network', () => {
    const reader = readerFor('cgroup-v2-systemd');
    expect(reader.read(located(reader), { networks: false }).networks).toBeUndefined();
    reader.close();
  });

  it('explains why a container cannot be read from here', () => {
    const reader = readerFor('cgroup-v2-systemd');
    expect(reader.locate(WEB, 0)).toEqual({ error: 'the engine reports no process for it (PID 0)' });
    expect(reader.locate(WEB, 999)).toMatchObject({ error: expect.stringContaining('/999/cgroup (ENOENT)') });
    expect(reader.locate('a4c83784a74d17491e8a70e6414e81af115686d14560d03c7be1d7b9c5a97692', 4242)).toMatchObject({ error: expect.stringContaining('not in a cgroup of container') });
    reader.close();
  });

  it('throws when the cgroup is gone, so the caller can ask the API instead', () => {
    const reader = readerFor('cgroup-v2-systemd');
    const target = { ...located(reader), dir: '/nonexistent/docker.scope' };
    expect(() => reader.read(target, { networks: false })).toThrow(/ENOENT/);
    reader.close();
  });

  it('parses the kernel formats by hand-checked examples', () => {
    expect(keyedValue('usage_usec 12\nuser_usec 3\n', 'user_usec')).toBe(3);
    expect(keyedValue('total_inactive_file 9\ninactive_file 4\n', 'inactive_file')).toBe(4);
    expect(keyedValue('anon 1\n', 'inactive_file')).toBeUndefined();
    expect(ioStatTotals('8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=5 wbytes=0\n')).toEqual({ read: 15, write: 20 });
    expect(blkioTotals('8:0 Read 10\n8:0 Write 20\n8:0 Total 30\nTotal 30\n')).toEqual({ read: 10, write: 20 });
    expect(netDevTotals('h1\nh2\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n')).toEqual({});
  });
});
