import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestEngine } from '../../../../tools/docker-sim/index.mjs';
import { createDockerCollector } from './docker-collector.js';
import type { DockerCollector } from './docker-collector.js';
import type { ContainerEvent } from './engine-answers.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
type Request = { route: string; query: Record<string, string> };

const T0 = Date.UTC(2025, 0, 1, 12);
let clock = T0;
let engine: TestEngine | undefined;
let collector: DockerCollector | undefined;
const logger = { warn: vi.fn(), debug: vi.fn() };

afterEach(async () => {
  collector?.close();
  await engine?.close();
  collector = undefined;
  engine = undefined;
  clock = T0;
  logger.warn.mockReset();
});

async function watching(names: string[]) {
  engine = await startTestEngine({ now: () => clock, containers: names.map((name) => ({ name, health: 'healthy' as const })) });
  collector = createDockerCollector({
    endpoint: engine.url,
    containerId: ({ name }) => `c/${name}`,
    now: () => clock,
    logger,
    reconnect: { initialMs: 5, maxMs: 20 },
  });
  const events: ContainerEvent[] = [];
  collector.watchEvents((event) => events.push(event));
  const sim = engine.sim;
  await vi.waitFor(() => expect(sim.eventSubscribers).toBe(1));
  return { sim, collector, events };
}

describe('docker collector events', () => {
  it('hears a container die (OOM-killed) and reads it at once: exited, exit code 137, OOM flag set', async () => {
    const { sim, collector, events } = await watching(['web', 'db']);
    await collector.collect();
    clock += 1000;
    sim.die('db', { oomKilled: true });
    await vi.waitFor(() => expect(events.map((e) => e.action)).toEqual(['oom', 'die']));
    expect(events[1]).toMatchObject({ engineId: sim.container('db').id, exitCode: 137, name: 'db' });

    const db = await collector.collectContainer(events[1]?.engineId as string);
    expect(db?.details).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true, finishedAt: T0 + 1000 });
    expect(db?.metrics).toEqual({ restarts: 0 });
  });

  it('hears health changes and restarts, and the re-read shows the new health and restart count', async () => {
    const { sim, collector, events } = await watching(['web']);
    await collector.collect();
    sim.setHealth('web', 'unhealthy');
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ action: 'health_status', health: 'unhealthy' });
    expect((await collector.collectContainer(sim.container('web').id))?.details.health).toBe('unhealthy');

    clock += 1000;
    sim.crashAndRestart('web', { exitCode: 2 });
    await vi.waitFor(() => expect(events.map((e) => e.action)).toEqual(['health_status', 'die', 'start']));
    const web = await collector.collectContainer(sim.container('web').id);
    expect(web?.metrics.restarts).toBe(1);
    expect(web?.details).toMatchObject({ state: 'running', startedAt: T0 + 1000 });
  });

  it('gives undefined for a container that was removed', async () => {
    const { sim, collector, events } = await watching(['web']);
    const id = sim.container('web').id;
    sim.remove('web');
    await vi.waitFor(() => expect(events.map((e) => e.action)).toEqual(['destroy']));
    expect(await collector.collectContainer(id)).toBeUndefined();
  });

  it('reconnects after the engine drops the stream, asks for events since the last one, and delivers none twice', async () => {
    const { sim, events } = await watching(['web']);
    // The container's create and start events fall in the second before; the replay starts after them.
    clock += 1000;
    sim.setHealth('web', 'unhealthy');
    await vi.waitFor(() => expect(events).toHaveLength(1));
    sim.dropEventStreams();
    await vi.waitFor(() => expect(sim.eventSubscribers).toBe(1));
    const reopened = (sim.requests as Request[]).filter((r) => r.route === 'events').at(-1);
    // The engine replays that whole second, so the unhealthy event comes again and is dropped.
    expect(reopened?.query.since).toBe(String(Math.floor(T0 / 1000) + 1));
    clock += 1000;
    sim.setHealth('web', 'healthy');
    await vi.waitFor(() => expect(events.map((e) => e.health)).toEqual(['unhealthy', 'healthy']));
  });

  it('drops a stream that sends garbage, logs why, and carries on with a fresh one', async () => {
    const { sim, events } = await watching(['web']);
    sim.sendRawEvent('{"this is": not json');
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'docker.bad_json' }), expect.stringContaining('events stream failed')));
    await vi.waitFor(() => expect(sim.eventSubscribers).toBe(1));
    sim.die('web', { exitCode: 3 });
    await vi.waitFor(() => expect(events.map((e) => e.action)).toEqual(['die']));
  });

  it('keeps trying while the engine is away and stops for good when told to', async () => {
    const { sim, collector } = await watching(['web']);
    sim.inject({ route: 'events', kind: 'status', status: 500, message: 'daemon restarting', times: 2 });
    sim.dropEventStreams();
    await vi.waitFor(() => expect(sim.eventSubscribers).toBe(1));
    expect((sim.requests as Request[]).filter((r) => r.route === 'events').length).toBeGreaterThanOrEqual(4);
    collector.close();
    await vi.waitFor(() => expect(sim.eventSubscribers).toBe(0));
  });
});
