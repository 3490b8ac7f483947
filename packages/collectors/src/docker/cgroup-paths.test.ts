import { describe, expect, it } from 'vitest';
import { containerCgroupPath, locateCgroup, parseCgroupMounts, parseProcessCgroups } from './cgroup-paths.js';

const ID = 'a4c83784a74d17491e8a70e6414e81af115686d14560d03c7be1d7b9c5a97692';
const OTHER = '7c3a72e78acb78e7cfbc695e2552169918bd6bf1d97741e7b2cfc8e4d31233a9';

// This VM's mountinfo (controllers mounted apart, a hybrid unified mount), as recorded on 2026-11-30.
const SPLIT_V1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const COMBINED_V1 = `34 31 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
`;
const V2 = '31 23 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';

describe('cgroup paths', () => {
  it('finds v1 controllers mounted apart and combined, and the unified mount of a hybrid machine', () => {
    const split = parseCgroupMounts(SPLIT_V1);
    expect(split.v1.cpuacct?.mountPoint).toBe('/sys/fs/cgroup/cpuacct');
    expect(split.v1.memory?.mountPoint).toBe('/sys/fs/cgroup/memory');
    expect(split.v2?.mountPoint).toBe('/sys/fs/cgroup/unified');
    expect(parseCgroupMounts(COMBINED_V1).v1.cpuacct?.mountPoint).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(parseCgroupMounts('50 1 0:40 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n').v2?.mountPoint).toBe('/mnt/my cgroups');
  });

  it('reads cgroupfs-driver v1 paths, preferring v1 on a hybrid machine', () => {
    const procs = parseProcessCgroups(`9:memory:/docker/${ID}\n4:cpu,cpuacct:/docker/${ID}\n10:blkio:/docker/${ID}\n1:name=systemd:/docker/${ID}\n0::/system.slice/containerd.service\n`);
    expect(locateCgroup(parseCgroupMounts(COMBINED_V1), procs, ID, 99, '/fx')).toEqual({
      version: 1, pid: 99, dirs: { cpuacct: `/fx/sys/fs/cgroup/cpu,cpuacct/docker/${ID}`, memory: `/fx/sys/fs/cgroup/memory/docker/${ID}` },
    });
  });

  it('reads systemd-driver v1 paths under every controller mounted', () => {
    const scope = `/system.slice/docker-${ID}.scope`;
    const procs = parseProcessCgroups(`8:pids:${scope}\n7:blkio:${scope}\n4:memory:${scope}\n2:cpuacct:${scope}\n1:cpu:${scope}\n0::${scope}\n`);
    const located = locateCgroup(parseCgroupMounts(SPLIT_V1), procs, ID, 7, '');
    expect(located).toEqual({
      version: 1, pid: 7,
      dirs: { cpuacct: `/sys/fs/cgroup/cpuacct${scope}`, memory: `/sys/fs/cgroup/memory${scope}`, blkio: `/sys/fs/cgroup/blkio${scope}`, pids: `/sys/fs/cgroup/pids${scope}` },
    });
  });

  it('reads v2 systemd scopes and steps out of Podman’s container sub-cgroup', () => {
    const mounts = parseCgroupMounts(V2);
    expect(locateCgroup(mounts, parseProcessCgroups(`0::/system.slice/docker-${ID}.scope\n`), ID, 5, '')).toEqual({ version: 2, pid: 5, dir: `/sys/fs/cgroup/system.slice/docker-${ID}.scope` });
    const podman = `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container\n`;
    expect(locateCgroup(mounts, parseProcessCgroups(podman), ID, 5, '')).toEqual({ version: 2, pid: 5, dir: `/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope` });
  });

  it('refuses a PID that belongs to another container or to no container (another PID namespace, a reused PID)', () => {
    const mounts = parseCgroupMounts(V2);
    expect(locateCgroup(mounts, parseProcessCgroups(`0::/system.slice/docker-${OTHER}.scope\n`), ID, 5, '')).toMatchObject({ error: expect.stringContaining('not in a cgroup of container a4c83784a74d') });
    expect(locateCgroup(mounts, parseProcessCgroups('0::/user.slice/session-3.scope\n'), ID, 5, '')).toHaveProperty('error');
    expect(containerCgroupPath('/../docker-x.scope', '')).toBeUndefined();
  });

  it('maps a path through a mount that shows only part of the tree (a cgroup namespace or bind mount)', () => {
    const mounts = parseCgroupMounts('60 1 0:27 /system.slice /host/cgroup rw - cgroup2 cgroup2 rw\n');
    expect(locateCgroup(mounts, parseProcessCgroups(`0::/system.slice/docker-${ID}.scope\n`), ID, 5, '')).toEqual({ version: 2, pid: 5, dir: `/host/cgroup/docker-${ID}.scope` });
    expect(locateCgroup(mounts, parseProcessCgroups(`0::/kubepods/docker-${ID}.scope\n`), ID, 5, '')).toHaveProperty('error');
  });

  it('says so when no hierarchy is mounted', () => {
    expect(locateCgroup(parseCgroupMounts(''), parseProcessCgroups(`0::/docker/${ID}\n`), ID, 5, '')).toEqual({ error: 'no cgroup hierarchy of process 5 is mounted here' });
  });
});
