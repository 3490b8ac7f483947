import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { simulatedFleet, startTestEngine } from '../../../../tools/docker-sim/index.mjs';
import { createDockerCollector } from './docker-collector.js';
import type { DockerCollector, DockerCollectorOptions } from './docker-collector.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
type SimOptions = Parameters<typeof startTestEngine>[0];

const MiB = 1024 * 1024;
const T0 = Date.UTC(2025, 0, 1, 12);
let clock = T0;
let engine: TestEngine | undefined;
let collector: DockerCollector | undefined;
const logger = { warn: vi.fn(), debug: vi.fn() };

beforeEach(() => {
  clock = T0;
  logger.warn.mockReset();
});
afterEach(async () => {
  collector?.close();
  await engine?.close();
  collector = undefined;
  engine = undefined;
});

async function setup(sim: SimOptions, options: Partial<DockerCollectorOptions> = {}) {
  engine = await startTestEngine({ now: () => clock, ...sim });
  collector = createDockerCollector({
    endpoint: engine.url,
    containerId: ({ name }) => `docker:test/${name}`,
    parentId: 'docker:test',
    now: () => clock,
    logger,
    ...options,
  });
  return { engine, collector };
}

const byName = (containers: Array<{ name: string }>, name: string) => containers.find((c) => c.name === name);

/** A container whose counters make round numbers; see each test for the arithmetic. */
const web = {
  name: 'web',
  cpuPerSec: 500_000_000,
  networks: { eth0: { rxPerSec: 10_000, txPerSec: 5_000 }, eth1: { rxPerSec: 2_000, txPerSec: 1_000 } },
  disks: { '8:0': { readPerSec: 4096, writePerSec: 8192 }, '8:16': { readPerSec: 1024, writePerSec: 0 } },
  memory: { usage: 200 * MiB, inactiveFile: 50 * MiB, limit: 1024 * MiB },
  pids: 7,
};

describe('docker collector', () => {
  it('reports CPU, memory, network and block I/O from its own deltas on cgroup v2, as computed by hand', async () => {
    const { collector } = await setup({ containers: [web] });
    const first = await collector.collect();
    expect(first.docker).toEqual({ state: 'ok', apiVersion: '1.47', engine: 'Docker Engine - Community 27.3.1' });
    // One-shot stats carry no precpu: the first collection has levels but no rates.
    expect(byName(first.containers, 'web')?.metrics).toEqual({ 'mem.used': 150 * MiB, 'mem.limit': 1024 * MiB, 'mem.percent': 14.65, pids: 7, restarts: 0 });

    clock += 2000;
    const second = byName((await collector.collect()).containers, 'web');
    expect(second?.metrics).toEqual({
      // Δtotal_usage = 0.5e9 ns/s × 2 s = 1e9; Δsystem_cpu_usage = 4 CPUs × 2 s = 8e9 ns; 1e9 / 8e9 × 4 × 100
      cpu: 50,
      // 200 MiB usage − 50 MiB inactive_file; 150 / 1024 × 100 = 14.6484… %
      'mem.used': 150 * MiB,
      'mem.limit': 1024 * MiB,
      'mem.percent': 14.65,
      // eth0 + eth1, per second
      'net.rx_bps': 12_000,
      'net.tx_bps': 6_000,
      // 8:0 + 8:16, lowercase "read"/"write" ops
      'disk.read_bps': 5120,
      'disk.write_bps': 8192,
      pids: 7,
      restarts: 0,
    });
    expect(second).toMatchObject({ id: 'docker:test/web', type: 'app-container', parentId: 'docker:test' });
  });

  it('uses total_inactive_file and capitalised Read/Write ops on cgroup v1', async () => {
    const legacy = { name: 'legacy', cgroup: 'v1' as const, cpuPerSec: 1_000_000_000, memory: { usage: 300 * MiB, inactiveFile: 100 * MiB }, disks: { '8:0': { readPerSec: 1000, writePerSec: 3000 } } };
    const { collector } = await setup({ containers: [legacy], cpus: 2, memTotal: 4096 * MiB });
    await collector.collect();
    clock += 5000;
    const metrics = byName((await collector.collect()).containers, 'legacy')?.metrics;
    // 300 MiB − total_inactive_file 100 MiB (the cgroup-local inactive_file is 50 MiB and must not be used).
    expect(metrics?.['mem.used']).toBe(200 * MiB);
    // No limit: the engine reports host memory (4 GiB); 200 / 4096 × 100 = 4.88 %.
    expect(metrics?.['mem.limit']).toBe(4096 * MiB);
    expect(metrics?.['mem.percent']).toBe(4.88);
    // 5e9 ns of CPU in 5 s on 2 CPUs (10e9 ns host time) × 2 × 100 = one full core.
    expect(metrics?.cpu).toBe(100);
    // Read and Write only; Sync, Async and Total entries would double them.
    expect(metrics?.['disk.read_bps']).toBe(1000);
    expect(metrics?.['disk.write_bps']).toBe(3000);
  });

  it('takes Podman CPU from the wall clock, names the engine, and copes with null blkio', async () => {
    const { collector } = await setup({ engine: { flavour: 'podman' }, containers: [web] });
    await collector.collect();
    clock += 2000;
    const result = await collector.collect();
    expect(result.docker).toMatchObject({ state: 'ok', apiVersion: '1.41', engine: 'Podman Engine 5.2.2' });
    const metrics = byName(result.containers, 'web')?.metrics;
    // 1e9 ns of CPU in 2e9 ns of wall time = 50 %; Podman's busy-only system_cpu_usage would say 500 %.
    expect(metrics?.cpu).toBe(50);
    expect(metrics?.['disk.read_bps']).toBeUndefined();
    expect(metrics?.['net.rx_bps']).toBe(12_000);
  });

  it('describes each container: image, state, health, exit code, OOM kill, ports, compose project', async () => {
    const { engine, collector } = await setup({
      containers: [
        { ...web, health: 'healthy', labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'front' }, ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }] },
        { name: 'batch', image: 'alpine:3.20' },
      ],
    });
    clock += 1000;
    engine.sim.die('batch', { oomKilled: true });
    const { containers } = await collector.collect();
    expect(byName(containers, 'web')).toMatchObject({
      tags: ['compose:shop'],
      details: {
        image: 'nginx:1.27-alpine', state: 'running', status: 'Up 1 second (healthy)', health: 'healthy', oomKilled: false, exitCode: 0,
        startedAt: T0, composeProject: 'shop', composeService: 'front', ports: [{ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, type: 'tcp' }],
      },
    });
    const batch = byName(containers, 'batch');
    expect(batch?.details).toMatchObject({ image: 'alpine:3.20', state: 'exited', health: 'none', exitCode: 137, oomKilled: true, finishedAt: T0 + 1000 });
    // A stopped container is not asked for stats.
    expect(batch?.metrics).toEqual({ restarts: 0 });
    expect(engine.sim.requests.filter((r: { route: string; path: string }) => r.route === 'stats' && r.path.includes(engine.sim.container('batch').id))).toEqual([]);
  });

  it('never reports a negative rate when a container restarts between collections', async () => {
    const { engine, collector } = await setup({ containers: [web] });
    await collector.collect();
    clock += 10_000;
    await collector.collect();
    clock += 1000;
    engine.sim.crashAndRestart('web');
    clock += 1000;
    const afterRestart = byName((await collector.collect()).containers, 'web')?.metrics ?? {};
    for (const key of ['cpu', 'net.rx_bps', 'net.tx_bps', 'disk.read_bps', 'disk.write_bps']) expect(afterRestart[key]).toBeUndefined();
    // No event was watched: the counters going backwards made it look again.
    expect(afterRestart.restarts).toBe(1);
    clock += 2000;
    const next = byName((await collector.collect()).containers, 'web')?.metrics;
    expect(next).toMatchObject({ cpu: 50, 'net.rx_bps': 12_000, restarts: 1 });
  });

  it('keeps at most statsConcurrency per-container requests in flight across 50 containers', async () => {
    const { engine, collector } = await setup({ containers: simulatedFleet(50) }, { statsConcurrency: 4 });
    // Slow stats make the requests overlap, so the bound is what limits them.
    engine.sim.inject({ route: 'stats', kind: 'delay', ms: 30 });
    const { containers } = await collector.collect();
    expect(containers).toHaveLength(50);
    expect(engine.sim.maxInFlight('stats')).toBeLessThanOrEqual(4);
    expect(engine.sim.maxInFlight('inspect')).toBeLessThanOrEqual(4);
    expect(engine.sim.maxInFlight('stats')).toBeGreaterThan(1);
    // 45 running containers get one stats call each; the 5 exited ones none.
    expect(engine.sim.requests.filter((r: { route: string }) => r.route === 'stats')).toHaveLength(45);
  });

  it('marks only the container whose stats hang, and reports the others', async () => {
    const { engine, collector } = await setup({ containers: [web, { name: 'stuck' }, { name: 'fine' }] }, { timeoutMs: 200 });
    engine.sim.inject({ route: 'stats', kind: 'hang', container: 'stuck' });
    const result = await collector.collect();
    expect(result.docker.state).toBe('ok');
    expect(byName(result.containers, 'stuck')?.details.collectError).toMatch(/did not answer GET .*\/stats.* within 200 ms/);
    expect(byName(result.containers, 'stuck')?.metrics['mem.used']).toBeUndefined();
    expect(byName(result.containers, 'fine')?.details.collectError).toBeNull();
    expect(byName(result.containers, 'fine')?.metrics['mem.used']).toBe(80 * MiB);
  });

  it('stops asking a stuck engine for stats once as many calls as its concurrency have timed out', async () => {
    const { engine, collector } = await setup({ containers: simulatedFleet(20) }, { timeoutMs: 100, statsConcurrency: 2 });
    await collector.collect();
    engine.sim.resetMeasurements();
    engine.sim.inject({ route: 'stats', kind: 'hang' });
    const result = await collector.collect();
    expect(result.docker).toMatchObject({ state: 'error', message: expect.stringMatching(/timed out on \d+ container requests; figures for the rest were skipped/) });
    // Each worker stops at its next container once the count is reached: at most one more each, not 18.
    expect(engine.sim.requests.filter((r: { route: string }) => r.route === 'stats').length).toBeLessThanOrEqual(2 * 2);
    expect(result.containers.filter((c) => c.details.state === 'running').every((c) => typeof c.details.collectError === 'string')).toBe(true);
  });

  it('reports an error state on a hanging engine, keeps the last containers without figures, and recovers', async () => {
    const { engine, collector } = await setup({ containers: [web] }, { timeoutMs: 150 });
    await collector.collect();
    const hang = engine.sim.inject({ route: '*', kind: 'hang' });
    const hung = await collector.collect();
    expect(hung.docker).toMatchObject({ state: 'error', apiVersion: '1.47', message: expect.stringContaining('did not answer') });
    expect(hung.containers.map((c) => [c.name, c.metrics])).toEqual([['web', {}]]);
    expect(logger.warn).toHaveBeenCalled();

    hang.clear();
    clock += 2000;
    const back = await collector.collect();
    expect(back.docker.state).toBe('ok');
    expect(byName(back.containers, 'web')?.metrics.cpu).toBe(50);
  });

  it('reports an error state with the reason when the engine answers garbage', async () => {
    const { engine, collector } = await setup({ containers: [web] });
    engine.sim.inject({ route: 'list', kind: 'garbage', times: 1 });
    const result = await collector.collect();
    expect(result.docker.state).toBe('error');
    expect(result.docker.message).toMatch(/answered GET \/v1\.47\/containers\/json\?all=1 with something that is not JSON/);
    expect((await collector.collect()).docker.state).toBe('ok');
  });

  it('reports unavailable while no engine listens, then picks it up when one starts', async () => {
    const { engine } = await setup({ containers: [web] });
    const socketPath = engine.socketPath;
    await engine.sim.close();
    collector = createDockerCollector({ endpoint: socketPath, containerId: ({ engineId }) => engineId, now: () => clock, logger });
    const missing = await collector.collect();
    expect(missing.docker).toMatchObject({ state: 'unavailable', message: expect.stringContaining(`no Docker engine answers at unix://${socketPath}`) });
    expect(missing.containers).toEqual([]);
    await engine.sim.listen({ socketPath });
    expect((await collector.collect()).docker.state).toBe('ok');
  });
});
