import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/pulse.js';
import { createRegistry } from '../resources/registry.js';
import type { ObservedResource } from '../resources/observation.js';
import { openDatabase } from '../store/database.js';
import { createStateStore, type StateStore } from '../store/index.js';
import { createMemoryMetricStore } from './metric-store-memory.js';
import { createSqlMetricStore } from './metric-store-sql.js';
import { LAST_HOUR_KEY, retentionOf, startHistoryRecorder } from './recorder.js';
import { DEFAULT_RETENTION_MS } from './tiers.js';

const T0 = 1_735_689_600_000;
const host = (metrics: Record<string, number>): ObservedResource => ({
  id: 'host:a', type: 'host', name: 'a', source: 'local', status: 'online', metrics, details: {}, identity: {}, tags: [],
});
const logger = pino({ level: 'silent' });

describe('history recorder', () => {
  let state: StateStore | undefined;
  afterEach(async () => {
    await state?.close();
    state = undefined;
  });

  it('stores every metric of every registry sample, and drops and counts NaN and infinite values', async () => {
    let clock = T0;
    const registry = createRegistry();
    const store = createMemoryMetricStore({ now: () => clock, retention: DEFAULT_RETENTION_MS });
    const recorder = startHistoryRecorder({ registry, store, flushIntervalMs: 10, now: () => clock, logger });
    registry.apply({ source: 'local', at: T0, resources: [host({ cpu: 12.5, load: 0.4 })], complete: true });
    registry.apply({ source: 'local', at: T0 + 10_000, resources: [host({ cpu: Number.NaN, load: Number.POSITIVE_INFINITY })], complete: true });
    registry.apply({ source: 'local', at: T0 + 20_000, resources: [host({ cpu: 14, load: 0.5 })], complete: true });
    clock = T0 + 30_000;
    const stats = await waitFor(async () => ((await store.stats()).flushes > 0 ? store.stats() : undefined), 'a flush');
    expect(stats).toMatchObject({ series: 2, samplesAccepted: 4, samplesDropped: 2 });
    expect(await store.read('host:a', 'cpu', 'raw', T0, T0 + 60_000)).toEqual({ t: [T0, T0 + 20_000], v: [12.5, 14] });
    expect((await store.read('host:a', 'load', 'raw', T0, T0 + 60_000)).v).toEqual([0.4, 0.5]);
    await recorder.stop();
  });

  it('stops taking samples when stopped, writing out what it holds, and records each finished hour for `pulse db stats`', async () => {
    let clock = T0 + 59 * 60_000;
    const db = await openDatabase({ url: 'sqlite::memory:', dataDir: '' });
    state = createStateStore(db);
    const registry = createRegistry();
    const store = createSqlMetricStore({ db, now: () => clock, retention: DEFAULT_RETENTION_MS });
    const recorder = startHistoryRecorder({ registry, store, flushIntervalMs: 10, maintainEveryMs: 10, settings: state.settings, now: () => clock, logger });
    registry.apply({ source: 'local', at: clock, resources: [host({ cpu: 1 })], complete: true });
    await waitFor(async () => (await store.stats()).flushes > 0, 'a flush');
    expect(await state.settings.get(LAST_HOUR_KEY)).toBeUndefined();
    clock = T0 + 61 * 60_000;
    const record = JSON.parse(await waitFor(() => state!.settings.get(LAST_HOUR_KEY), 'the hour record'));
    expect(record).toMatchObject({ at: T0 + 60 * 60_000, samplesAccepted: 1, samplesDropped: 0, series: 1 });
    expect(record.bytesWritten).toBeGreaterThan(0);
    await recorder.stop();
    registry.apply({ source: 'local', at: clock, resources: [host({ cpu: 2 })], complete: true });
    expect((await store.read('host:a', 'cpu', 'raw', T0, clock)).v).toEqual([1]);
  });

  it('turns the retention settings into milliseconds', () => {
    expect(retentionOf({ flush_interval_ms: 5000, retention_raw_hours: 24, retention_1m_days: 7, retention_1h_days: 90, retention_1d_days: 730 })).toEqual(DEFAULT_RETENTION_MS);
  });
});
