import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestEngine } from '../../../../tools/docker-sim/index.mjs';
import { createDockerCollector } from './docker-collector.js';
import type { DockerCollector } from './docker-collector.js';

/*
 * The collector against the simulator for list and inspect and a copy of a fixture cgroup tree for
 * the figures: the simulator reports PID 4242 for running containers, and the tree's
 * /proc/4242/cgroup puts that PID in `web`'s systemd scope (see fixtures/cgroup-v2-systemd).
 */

const MiB = 1024 * 1024;
const WEB = '7c3a72e78acb78e7cfbc695e2552169918bd6bf1d97741e7b2cfc8e4d31233a9';
const SCOPE = `sys/fs/cgroup/system.slice/docker-${WEB}.scope`;
const T0 = Date.UTC(2025, 0, 1, 12);
const fixture = fileURLToPath(new URL('../../fixtures/cgroup-v2-systemd/', import.meta.url));

let clock = T0;
let tree: string | undefined;
let engine: Awaited<ReturnType<typeof startTestEngine>> | undefined;
let collector: DockerCollector | undefined;
const logger = { warn: vi.fn(), debug: vi.fn() };

afterEach(async () => {
  collector?.close();
  await engine?.close();
  if (tree) rmSync(tree, { recursive: true, force: true });
  collector = engine = tree = undefined;
  clock = T0;
});

async function setup() {
  tree = mkdtempSync(join(tmpdir(), 'pulse-cgroup-'));
  cpSync(fixture, tree, { recursive: true });
  engine = await startTestEngine({ now: () => clock, containers: [{ name: 'web' }, { name: 'db', cpuPerSec: 1e8 }] });
  collector = createDockerCollector({
    endpoint: engine.url,
    containerId: ({ name }) => `docker:test/${name}`,
    now: () => clock,
    logger,
    cgroups: { procRoot: join(tree, 'proc'), mountRoot: tree, hostMemory: () => 8 * 1024 * MiB },
  });
  return { engine, collector, tree };
}

const write = (path: string, text: string) => writeFileSync(join(tree as string, path), text);
const byName = (containers: Array<{ name: string }>, name: string) => containers.find((c) => c.name === name);
const statsCalls = (e: NonNullable<typeof engine>, id: string) => e.sim.requests.filter((r) => r.route === 'stats' && r.path.includes(id)).length;

describe('docker collector with cgroup figures', () => {
  it('reads a local container from its cgroup files and no stats call, with figures worked out by hand', async () => {
    const { engine, collector } = await setup();
    const first = await collector.collect();
    const web = byName(first.containers, 'web');
    // memory.current 100 MiB − inactive_file 20 MiB; memory.max 512 MiB.
    expect(web?.metrics).toEqual({ 'mem.used': 80 * MiB, 'mem.limit': 512 * MiB, 'mem.percent': 15.63, pids: 5, restarts: 0 });
    expect(web?.details.statsSource).toBe('cgroup');
    expect(statsCalls(engine, WEB)).toBe(0);

    clock += 2000;
    write(`${SCOPE}/cpu.stat`, 'usage_usec 3500000\nuser_usec 2800000\nsystem_usec 700000\n');
    write(`${SCOPE}/io.stat`, '8:0 rbytes=4104192 wbytes=835584 rios=1002 wios=204\n8:16 rbytes=4096 wbytes=0 rios=1 wios=0\n');
    write('proc/4242/net/dev', 'h1\nh2\n    lo: 9 9 0 0 0 0 0 0 9 9 0 0 0 0 0 0\n  eth0: 16000 99 0 0 0 0 0 0 4000 50 0 0 0 0 0 0\n  eth1: 2000 11 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n');
    const second = byName((await collector.collect()).containers, 'web');
    expect(second?.metrics).toEqual({
      'mem.used': 80 * MiB, 'mem.limit': 512 * MiB, 'mem.percent': 15.63, pids: 5, restarts: 0,
      cpu: 50, // 1,000,000 µs of CPU in 2 s of wall clock
      'net.rx_bps': 2500, // eth0 +4000, eth1 +1000 over 2 s
      'net.tx_bps': 500,
      'disk.read_bps': 4096, // 8:0 rbytes +8192
      'disk.write_bps': 8192,
    });
    expect(statsCalls(engine, WEB)).toBe(0);
  });

  it('asks the API for a container whose PID is not in its cgroup, and marks which source was used', async () => {
    const { engine, collector } = await setup();
    const db = byName((await collector.collect()).containers, 'db');
    expect(db?.details.statsSource).toBe('api');
    expect(db?.metrics['mem.used']).toBe(80 * MiB); // the simulator's default 100 MiB − 20 MiB inactive
    expect(statsCalls(engine, engine.sim.container('db')?.id as string)).toBe(1);
    expect(logger.debug).toHaveBeenCalledWith(expect.objectContaining({ reason: expect.stringContaining('not in a cgroup of container') }), expect.any(String));
  });

  it('falls back to the API in the same reading when the cgroup vanishes, and looks for it again after a re-inspect', async () => {
    const { engine, collector, tree } = await setup();
    await collector.collect();
    const inspects = () => engine.sim.requests.filter((r) => r.route === 'inspect' && r.path.includes(WEB)).length;
    expect(inspects()).toBe(1);
    rmSync(join(tree, SCOPE), { recursive: true });
    clock += 1000;
    const web = byName((await collector.collect()).containers, 'web');
    expect(web?.details.statsSource).toBe('api');
    expect(web?.details.collectError).toBeNull();
    expect(statsCalls(engine, WEB)).toBe(1);

    cpSync(join(fixture, SCOPE), join(tree, SCOPE), { recursive: true });
    clock += 1000;
    const again = byName((await collector.collect()).containers, 'web');
    expect(inspects()).toBe(2);
    expect(again?.details.statsSource).toBe('cgroup');
    // A new source starts a new baseline: no CPU figure mixed from API and cgroup counters.
    expect(again?.metrics).not.toHaveProperty('cpu');
  });

  it('treats CPU time that went backwards as a new run: no rates, and a re-inspect', async () => {
    const { engine, collector } = await setup();
    await collector.collect();
    clock += 1000;
    write(`${SCOPE}/cpu.stat`, 'usage_usec 1000\n');
    const web = byName((await collector.collect()).containers, 'web');
    expect(web?.metrics).not.toHaveProperty('cpu');
    expect(engine.sim.requests.filter((r) => r.route === 'inspect' && r.path.includes(WEB))).toHaveLength(2);
  });

  it('never reads cgroups of a remote engine', async () => {
    engine = await startTestEngine({ now: () => clock, containers: [{ name: 'web' }] }, { tcp: true });
    collector = createDockerCollector({ endpoint: engine.tcpUrl as string, containerId: ({ name }) => name, now: () => clock, logger });
    expect(byName((await collector.collect()).containers, 'web')?.details.statsSource).toBe('api');
  });
});
