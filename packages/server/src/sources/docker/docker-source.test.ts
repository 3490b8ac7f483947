import { Resource } from '@pulse/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestEngine, testCerts } from '../../../../../tools/docker-sim/index.mjs';
import { createRegistry } from '../../resources/registry.js';
import type { Observation } from '../../resources/observation.js';
import { createDockerSource } from './docker-source.js';
import type { DockerSource, DockerSourceOptions } from './docker-source.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;

const T0 = Date.UTC(2025, 0, 1, 12);
let clock = T0;
let engine: TestEngine | undefined;
let source: DockerSource | undefined;
const logger = { warn: vi.fn(), debug: vi.fn() };

afterEach(async () => {
  source?.stop();
  await engine?.close();
  source = undefined;
  engine = undefined;
  clock = T0;
  logger.warn.mockReset();
});

const containers = [
  { name: 'web', health: 'healthy' as const, cpuPerSec: 250_000_000 },
  { name: 'worker', health: 'unhealthy' as const },
  { name: 'plain' },
  { name: 'migrate', state: 'exited' as const, exitCode: 0 },
];

/** Starts a source against a fresh simulator; the registry applies what it reports. */
async function watch(listen: { tls?: boolean } = {}, overrides: Partial<DockerSourceOptions> = {}) {
  engine = await startTestEngine({ now: () => clock, containers }, listen);
  const registry = createRegistry();
  const observations: Observation[] = [];
  source = createDockerSource({
    name: 'nas',
    endpoint: listen.tls ? (engine.tcpUrl as string) : engine.url,
    tls: listen.tls ? testCerts().client : undefined,
    // An hour: anything that happens sooner in a test happened because of an event, not the timer.
    intervalMs: 3_600_000,
    now: () => clock,
    logger,
    timeoutMs: 300,
    reconnect: { initialMs: 5, maxMs: 20 },
    ...overrides,
  });
  source.start((observation) => {
    observations.push(observation);
    registry.apply(observation);
  });
  const sim = engine.sim;
  await vi.waitFor(() => expect(registry.get('docker:nas')).toBeDefined());
  await vi.waitFor(() => expect(sim.eventSubscribers).toBe(1));
  return { sim, registry, observations, source };
}

describe('docker source', () => {
  it('reports the engine as a docker-host and its containers under it, with statuses from state and health', async () => {
    const { registry } = await watch();
    const host = registry.get('docker:nas');
    expect(host).toMatchObject({
      type: 'docker-host', name: 'nas', source: 'docker:nas', status: 'online',
      details: { state: 'ok', error: null, apiVersion: '1.47', engine: 'Docker Engine - Community 27.3.1' },
      metrics: { 'containers.total': 4, 'containers.running': 3, 'containers.stopped': 1, 'containers.unhealthy': 1 },
    });
    const status = (name: string) => registry.get(`docker:nas/${name}`)?.status;
    expect([status('web'), status('worker'), status('plain'), status('migrate')]).toEqual(['online', 'degraded', 'online', 'offline']);
    expect(registry.get('docker:nas/web')).toMatchObject({ type: 'app-container', parentId: 'docker:nas', source: 'docker:nas' });
    for (const resource of registry.list()) expect(Resource.safeParse(resource).success).toBe(true);
  });

  it('takes a container offline as soon as it dies, without waiting for the interval', async () => {
    const { sim, registry, observations } = await watch();
    clock += 1000;
    sim.die('web', { exitCode: 137, oomKilled: true });
    await vi.waitFor(() => expect(registry.get('docker:nas/web')?.status).toBe('offline'));
    expect(registry.get('docker:nas/web')?.details).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });
    // One full reading at start; the change came from a partial one about that container alone.
    expect(observations.filter((o) => o.complete)).toHaveLength(1);
    expect(observations.at(-1)).toMatchObject({ complete: false, resources: [{ id: 'docker:nas/web' }] });
  });

  it('marks a container degraded the moment its health check fails, and online when it passes again', async () => {
    const { sim, registry } = await watch();
    sim.setHealth('plain', 'unhealthy');
    await vi.waitFor(() => expect(registry.get('docker:nas/plain')?.status).toBe('degraded'));
    clock += 1000;
    sim.setHealth('plain', 'healthy');
    await vi.waitFor(() => expect(registry.get('docker:nas/plain')?.status).toBe('online'));
  });

  it('removes a container that was deleted, through a complete reading', async () => {
    const { sim, registry } = await watch();
    sim.remove('migrate');
    await vi.waitFor(() => expect(registry.get('docker:nas/migrate')).toBeUndefined());
    expect(registry.get('docker:nas/web')).toBeDefined();
  });

  it('marks the docker-host degraded with the reason when the engine answers garbage, keeps its containers as unknown, and recovers', async () => {
    const { sim, registry, source } = await watch();
    const garbage = sim.inject({ route: 'list', kind: 'garbage' });
    await source.collectNow();
    expect(registry.get('docker:nas')).toMatchObject({ status: 'degraded', details: { state: 'error', error: expect.stringContaining('not JSON') } });
    expect(registry.get('docker:nas')?.metrics).toEqual({});
    expect(registry.get('docker:nas/web')).toMatchObject({ status: 'unknown', metrics: {} });

    garbage.clear();
    await source.collectNow();
    expect(registry.get('docker:nas')).toMatchObject({ status: 'online', details: { state: 'ok', error: null } });
    expect(registry.get('docker:nas/web')?.status).toBe('online');
  });

  it('marks the docker-host degraded when the engine hangs, and takes it offline when nothing listens', async () => {
    const { sim, registry, source } = await watch();
    sim.inject({ route: '*', kind: 'hang' });
    await source.collectNow();
    expect(registry.get('docker:nas')).toMatchObject({ status: 'degraded', details: { error: expect.stringContaining('did not answer') } });
    await sim.close();
    await source.collectNow();
    expect(registry.get('docker:nas')).toMatchObject({ status: 'offline', details: { state: 'unavailable', error: expect.stringContaining('no Docker engine answers') } });
  });

  it('polls a remote engine over TCP with mutual TLS', async () => {
    const { registry, source } = await watch({ tls: true });
    clock += 2000;
    await source.collectNow();
    expect(registry.get('docker:nas')).toMatchObject({ status: 'online', details: { endpoint: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) } });
    // 0.25e9 ns/s over 2 s against 4 CPUs × 2 s: 25 % of one core.
    expect(registry.get('docker:nas/web')?.metrics.cpu).toBe(25);
  });

  it('refuses an engine older than Pulse supports with a clear message on the docker-host', async () => {
    engine = await startTestEngine({ engine: { apiVersion: '1.38', version: '18.06.3' } });
    const registry = createRegistry();
    source = createDockerSource({ name: 'old', endpoint: engine.url, intervalMs: 3_600_000, now: () => clock, logger });
    source.start((o) => registry.apply(o));
    await vi.waitFor(() => expect(registry.get('docker:old')).toBeDefined());
    expect(registry.get('docker:old')).toMatchObject({
      status: 'degraded',
      details: { state: 'error', error: expect.stringMatching(/speaks Engine API 1\.38, older than the 1\.40 Pulse needs; upgrade the engine/) },
    });
  });

  it('refuses a name that cannot be part of a resource id', () => {
    expect(() => createDockerSource({ name: 'my nas/1', endpoint: 'tcp://x', intervalMs: 1000 })).toThrow(/docker source name/);
  });
});
