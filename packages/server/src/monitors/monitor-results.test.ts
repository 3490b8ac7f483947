import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, MonitorState, Resource } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../resources/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createMonitorResults, type MonitorResults } from './monitor-results.js';
import { createMonitorSource } from './monitor-source.js';
import type { StoredMonitor } from './monitor-types.js';

const T0 = 1_800_000_000_000;
const monitor: StoredMonitor = {
  id: 'm1', name: 'shop', type: 'http', url: 'https://shop.test/', method: 'GET', headers: {}, acceptedStatus: ['200-299'], followRedirects: true,
  maxRedirects: 5, jsonPath: [], verifyTls: true, certExpiryDays: 14, keepAlive: false, maxBodyBytes: 1024, intervalS: 60, timeoutMs: 5000,
  retries: 1, retryIntervalS: 20, enabled: true, tags: ['prod'], createdAt: T0, updatedAt: T0,
};
const result = (at: number, status: 'up' | 'down', attempt = 0): CheckResult => ({
  monitorId: 'm1', scheduledAt: at, startedAt: at + 3, status, attempt, worker: 'local',
  timings: { dnsUs: 1500, connectUs: 2250, tlsUs: 10_000, ttfbUs: 30_123, downloadUs: 456, totalUs: 44_329 }, httpStatus: status === 'up' ? 200 : 503,
  ...(status === 'down' ? { reason: { code: 'http.status', message: 'answered 503', phase: 'ttfb' as const } } : {}),
});

describe('monitor state machine', () => {
  let store: StateStore;
  let results: MonitorResults;
  let clock = T0;
  let maintenance = false;
  const registry = createRegistry();
  const source = createMonitorSource({ now: () => clock });
  const states: MonitorState[] = [];

  beforeEach(async () => {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-monitor-results-')) }));
    results = createMonitorResults({ store, now: () => clock, inMaintenance: () => maintenance, logger: { error: (o) => { throw new Error(JSON.stringify(o)); } } });
    results.subscribe((m, status, r) => {
      states.push(status.state);
      source.report(m, status, r);
    });
    source.start((o) => registry.apply(o));
    results.track(monitor);
    await results.init();
  });
  afterEach(async () => {
    states.length = 0;
    maintenance = false;
    await store.close();
  });

  it('goes pending after a first failure, down after the retry with one incident, and closes it with its duration on recovery', async () => {
    expect((await results.applyResult(result(T0, 'up'), monitor)).state).toBe('up');
    expect((await results.applyResult(result(T0 + 60_000, 'down', 0), monitor)).state).toBe('pending');
    expect(await store.monitorIncidents.list('m1')).toEqual([]);
    expect((await results.applyResult(result(T0 + 80_000, 'down', 1), monitor)).state).toBe('down');
    expect((await results.applyResult(result(T0 + 120_000, 'down', 0), monitor)).state).toBe('down');
    const [incident] = await store.monitorIncidents.list('m1');
    expect(await store.monitorIncidents.list('m1')).toHaveLength(1);
    // The outage began with the first failed check, not when the retries ran out.
    expect(incident).toMatchObject({ started_at: T0 + 60_000, ended_at: null, reason_code: 'http.status', reason_message: 'answered 503' });
    expect((await results.applyResult(result(T0 + 180_000, 'up'), monitor)).state).toBe('up');
    const [closed] = await store.monitorIncidents.list('m1');
    expect(closed!.ended_at! - closed!.started_at).toBe(120_003);
    expect(states).toEqual(['unknown', 'up', 'pending', 'down', 'down', 'up']);
    // Healthy checks write nothing: three failures, and the recovery.
    expect((await store.monitorIncidents.events('m1')).map((e) => [e.kind, e.status])).toEqual([['up', 'up'], ['down', 'down'], ['down', 'down'], ['down', 'pending']]);
  });

  it('counts failures in a row when the scheduler dropped the retry (retry interval not shorter than the interval)', async () => {
    expect((await results.applyResult(result(T0, 'down', 0), monitor)).state).toBe('pending');
    expect((await results.applyResult(result(T0 + 60_000, 'down', 0), monitor)).state).toBe('down');
    expect(await store.monitorIncidents.list('m1')).toMatchObject([{ started_at: T0 }]);
    expect((await results.applyResult(result(T0 + 120_000, 'up', 0), monitor)).state).toBe('up');
    expect((await results.applyResult(result(T0 + 180_000, 'down', 0), monitor)).state).toBe('pending');
  });

  it('shows the monitor as a resource with its figures in ms and its state', async () => {
    await results.applyResult(result(T0, 'up'), monitor);
    const resource = registry.get('monitor:m1') as Resource;
    expect(resource).toMatchObject({
      type: 'monitor', name: 'shop', source: 'monitors', status: 'online', tags: ['prod'],
      metrics: { up: 1, rt: 44.329, dns: 1.5, connect: 2.25, tls: 10, ttfb: 30.123, download: 0.456, 'http.status': 200 },
      details: { monitorType: 'http', target: 'https://shop.test/', state: 'up', reason: null, lastCheckAt: T0 + 3, interval: 60, worker: 'local' },
    });
    await results.applyResult(result(T0 + 60_000, 'down'), monitor);
    expect(registry.get('monitor:m1')).toMatchObject({ status: 'degraded', metrics: { up: 0 }, details: { state: 'pending', reason: { code: 'http.status' } } });
    source.remove('m1');
    expect(registry.get('monitor:m1')).toBeUndefined();
  });

  it('opens no incident in maintenance, and leaves `up` out so uptime skips that time', async () => {
    maintenance = true;
    for (const attempt of [0, 1]) expect((await results.applyResult(result(T0 + attempt * 20_000, 'down', attempt), monitor)).state).toBe('maintenance');
    expect(await store.monitorIncidents.list('m1')).toEqual([]);
    expect(registry.get('monitor:m1')).toMatchObject({ status: 'unknown', details: { state: 'maintenance' } });
    expect(registry.get('monitor:m1')?.metrics.up).toBeUndefined();
    maintenance = false;
    expect((await results.applyResult(result(T0 + 60_000, 'down', 1), monitor)).state).toBe('down');
    expect(await store.monitorIncidents.list('m1')).toHaveLength(1);
  });

  it('says paused while paused, keeps the last 100 results newest first, and after a restart closes the incident left open', async () => {
    results.track({ ...monitor, enabled: false });
    expect(results.state('m1')?.state).toBe('paused');
    expect((await results.applyResult(result(T0, 'down', 5), { ...monitor, enabled: false })).state).toBe('paused');
    results.track(monitor);
    for (let i = 0; i < 150; i++) await results.applyResult(result(T0 + i * 60_000, i < 140 ? 'up' : 'down', 1), monitor);
    const recent = results.recentResults('m1', 100);
    expect(recent).toHaveLength(100);
    expect(recent[0]!.scheduledAt).toBe(T0 + 149 * 60_000);
    expect(results.recentResults('m1', 3).map((r) => r.status)).toEqual(['down', 'down', 'down']);
    expect((await store.monitorIncidents.openOnes()).map((r) => r.monitor_id)).toEqual(['m1']);

    const restarted = createMonitorResults({ store, now: () => clock, logger: { error: () => undefined } });
    restarted.track(monitor);
    await restarted.init();
    await restarted.applyResult(result(T0 + 200 * 60_000, 'down', 1), monitor);
    expect(await store.monitorIncidents.list('m1')).toHaveLength(1);
    await restarted.applyResult(result(T0 + 201 * 60_000, 'up'), monitor);
    expect(await store.monitorIncidents.openOnes()).toEqual([]);
  });
});
