import type { Resource } from '@pulse/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { persistResources } from './persistence.js';
import type { ObservedResource } from './resources/observation.js';
import { createRegistry } from './resources/registry.js';
import { createStateStore, openDatabase, type StateStore } from './store/index.js';

const T0 = 1_735_689_600_000;
const MIN = 60_000;
const logger = pino({ level: 'silent' });
const host = (id: string, cpu: number, status: ObservedResource['status'] = 'online'): ObservedResource => ({
  id, type: 'host', name: id, source: 'local', status, metrics: { cpu }, details: {}, identity: {}, tags: [],
});

describe('resource persistence', () => {
  let state: StateStore | undefined;
  afterEach(async () => {
    await state?.close();
    state = undefined;
  });

  async function start() {
    const clock = { now: T0 };
    state = createStateStore(await openDatabase({ url: 'sqlite::memory:', dataDir: '' }));
    const registry = createRegistry();
    // the timers never fire within a test: flush() is called as they would
    const persistence = persistResources({ registry, store: state, logger, now: () => clock.now, everyMs: 3_600_000, figuresEveryMs: 15 * MIN });
    const saved = async () => new Map((await state!.resources.loadAll()).map((r: Resource) => [r.id, r]));
    return { clock, registry, persistence, saved };
  }

  it('writes a state change at the next flush, and figures alone only once they are due', async () => {
    const { clock, registry, persistence, saved } = await start();
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 1), host('b', 1)], complete: true });
    await persistence.flush();
    expect([...(await saved()).values()].map((r) => [r.id, r.metrics.cpu])).toEqual([['a', 1], ['b', 1]]);

    clock.now += MIN;
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 2), host('b', 2, 'offline')], complete: true });
    await persistence.flush();
    let rows = await saved();
    expect(rows.get('a')?.metrics.cpu).toBe(1);
    expect(rows.get('b')).toMatchObject({ status: 'offline', metrics: { cpu: 2 } });

    clock.now = T0 + 15 * MIN;
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 3), host('b', 3, 'offline')], complete: true });
    await persistence.flush();
    rows = await saved();
    expect(rows.get('a')).toMatchObject({ metrics: { cpu: 3 }, lastSeen: T0 + 15 * MIN });
    expect(rows.get('b')?.metrics.cpu).toBe(3);
  });

  it('writes pending figures and removals when it stops', async () => {
    const { clock, registry, persistence, saved } = await start();
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 1), host('b', 1)], complete: true });
    await persistence.flush();
    clock.now += MIN;
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 5)], complete: true });
    await persistence.stop();
    const rows = await saved();
    expect([...rows.keys()]).toEqual(['a']);
    expect(rows.get('a')?.metrics.cpu).toBe(5);
  });

  it('keeps a change that failed to save and writes it at the next flush', async () => {
    const { clock, registry, persistence, saved } = await start();
    const saveMany = state!.resources.saveMany;
    let fail = true;
    state!.resources.saveMany = async (...args) => {
      if (fail) throw new Error('disk full');
      return saveMany(...args);
    };
    registry.apply({ source: 'local', at: clock.now, resources: [host('a', 1)], complete: true });
    await persistence.flush();
    expect((await saved()).size).toBe(0);
    fail = false;
    await persistence.flush();
    expect((await saved()).get('a')?.metrics.cpu).toBe(1);
  });
});
