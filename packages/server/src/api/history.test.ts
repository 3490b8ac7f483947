import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';
import { seedHistory } from '../../test-support/seed-history.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPIKE_AT = 12 * DAY + 5 * HOUR + 17 * 60_000;

describe('metric history API', () => {
  let t: TestPulse;
  let headers: Record<string, string>;
  let end: number;
  let hostId: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-history-'));
    end = Date.now();
    // 40 days of a made-up VM at one sample a minute, with one short spike 28 days ago.
    const start = end - 40 * DAY;
    await seedHistory(dataDir, [
      { resource: 'vm:seeded', metric: 'cpu', value: (at) => (at - start === SPIKE_AT ? 97 : 20 + 10 * Math.sin(at / HOUR)) },
      { resource: 'vm:seeded', metric: 'mem.percent', value: () => 40 },
    ], { days: 40, stepMs: 60_000, end });
    t = await startTestPulse({ dataDir, env: { PULSE_HISTORY_FLUSH_INTERVAL_MS: '100' } });
    const admin = await t.setupAdmin();
    headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    hostId = await waitFor(async () => (await get('/api/resources?type=host')).body.resources[0]?.id as string | undefined, 'the local host');
  }, 120_000);
  afterAll(() => t?.close());

  const get = async (path: string, h = headers) => {
    const res = await fetch(`${t.url}${path}`, { headers: h });
    return { status: res.status, body: (await res.json()) as any };
  };
  const history = (query: string) => get(`/api/metrics/history?${query}`);

  it('serves what the local source just sampled, once it is flushed, several series in one request', async () => {
    const id = encodeURIComponent(hostId);
    const body = await waitFor(async () => {
      const r = await history(`resource=${id}&metric=cpu&metric=mem.percent&from=${Date.now() - HOUR}`);
      return r.status === 200 && r.body.series.every((s: { t: number[] }) => s.t.length >= 3) ? r.body : undefined;
    }, 'three flushed samples of each series');
    expect(body.series.map((s: { metric: string; tier: string }) => [s.metric, s.tier])).toEqual([['cpu', 'raw'], ['mem.percent', 'raw']]);
    const cpu = body.series[0];
    expect(cpu.t).toEqual([...cpu.t].sort((a: number, b: number) => a - b));
    for (const v of cpu.v) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('picks a coarse tier for a long range and keeps a spike through downsampling', async () => {
    const { status, body } = await history(`resource=vm:seeded&metric=cpu&from=${end - 30 * DAY}&to=${end}&points=300`);
    expect(status).toBe(200);
    const cpu = body.series[0];
    expect(cpu.tier).toBe('1h');
    expect(cpu.t.length).toBeLessThanOrEqual(300);
    expect(cpu.t.length).toBeGreaterThan(200);
    expect(Math.max(...cpu.max)).toBe(97);
    // The averages never reach the spike: only the max band keeps it.
    expect(Math.max(...cpu.v)).toBeLessThan(60);
    expect(Math.min(...cpu.min)).toBeCloseTo(10, 0);
  });

  it('uses raw or 1 m data for a short range, and a year range falls back to what exists', async () => {
    const week = await history(`resource=vm:seeded&metric=cpu&from=${end - 2 * HOUR}&to=${end}&points=500`);
    expect(week.body.series[0].tier).toMatch(/^(raw|1m)$/);
    expect(week.body.series[0].t.length).toBeGreaterThan(100);
    const year = await history(`resource=vm:seeded&metric=mem.percent&from=${end - 365 * DAY}&to=${end}&points=600`);
    expect(year.status).toBe(200);
    expect(year.body.series[0].tier).toBe('1d');
    expect(year.body.series[0].t.length).toBeGreaterThanOrEqual(39);
    expect(new Set(year.body.series[0].v)).toEqual(new Set([40]));
  });

  it('answers an empty series for a stored metric with nothing in the range (a stopped container\'s quiet week)', async () => {
    const { status, body } = await history(`resource=vm:seeded&metric=cpu&from=${end - 300 * DAY}&to=${end - 200 * DAY}`);
    expect(status).toBe(200);
    expect(body.series[0]).toMatchObject({ metric: 'cpu', t: [], v: [] });
    const mixed = await history(`resource=vm:seeded&metric=cpu&metric=disk.iops&from=${end - 300 * DAY}&to=${end - 200 * DAY}`);
    expect(mixed.body.error).toMatchObject({ code: 'history.unknown_metric', message: expect.stringContaining('"disk.iops"') });
  });

  it('refuses bad ranges, unknown metrics and absurd point counts with the reason', async () => {
    const id = encodeURIComponent(hostId);
    const cases: Array<[string, number, string]> = [
      [`resource=${id}&metric=cpu&from=2000&to=1000`, 400, 'history.range'],
      [`resource=${id}&metric=cpu&from=0&to=${end}`, 400, 'history.range'],
      [`resource=${id}&metric=cpu&from=yesterday`, 400, 'validation.failed'],
      [`resource=${id}&metric=no.such.metric`, 400, 'history.unknown_metric'],
      [`resource=${id}&metric=cpu&points=1000000`, 400, 'validation.failed'],
      [`resource=${id}&metric=cpu&points=1`, 400, 'validation.failed'],
      [`resource=${id}&metric=bad%20name`, 400, 'validation.failed'],
      [`resource=${id}`, 400, 'validation.failed'],
      ['resource=vm:nowhere&metric=cpu', 404, 'resource.not_found'],
    ];
    for (const [query, status, code] of cases) {
      const r = await history(query);
      expect({ query, status: r.status, code: r.body.error?.code }).toEqual({ query, status, code });
      expect(r.body.error.message.length).toBeGreaterThan(5);
    }
    const anonymous = await get(`/api/metrics/history?resource=${id}&metric=cpu`, {});
    expect(anonymous.status).toBe(401);
  });

  it('reports series, bytes per tier and bytes written, as `pulse db stats` does', async () => {
    const body = await waitFor(async () => {
      const r = await get('/api/metrics/stats');
      return r.body.live?.flushes > 0 ? r.body : undefined;
    }, 'a flush');
    expect(body.memoryOnly).toBe(false);
    expect(body.storage.series).toBeGreaterThanOrEqual(3);
    const tiers = Object.fromEntries(body.storage.tiers.map((x: { tier: string }) => [x.tier, x]));
    for (const tier of ['1m', '1h', '1d']) expect(tiers[tier].points, tier).toBeGreaterThan(0);
    // One 1 h point per seeded hour and series, give or take the unfinished edges.
    expect(tiers['1h'].points).toBeGreaterThan(2 * 39 * 24);
    expect(tiers['1h'].bytes / tiers['1h'].points).toBeLessThan(12);
    expect(body.live.samplesAccepted).toBeGreaterThan(0);
    expect(body.live.bytesWrittenLastHour).toBeGreaterThan(0);
    expect(body.storage.databaseBytes).toBeGreaterThan(0);
  });
});

describe('memory-only history', () => {
  it('answers history and stats with nothing written to the database', async () => {
    const t = await startTestPulse({ env: { PULSE_HISTORY_MEMORY_ONLY: 'true', PULSE_HISTORY_FLUSH_INTERVAL_MS: '100' } });
    try {
      const admin = await t.setupAdmin();
      const headers = { cookie: admin.cookie };
      const id = await waitFor(async () => ((await (await fetch(`${t.url}/api/resources?type=host`, { headers })).json()) as any).resources[0]?.id as string | undefined, 'the local host');
      await waitFor(async () => {
        const r = (await (await fetch(`${t.url}/api/metrics/history?resource=${encodeURIComponent(id)}&metric=cpu`, { headers })).json()) as any;
        return r.series?.[0]?.t.length >= 2;
      }, 'history in memory');
      const stats = (await (await fetch(`${t.url}/api/metrics/stats`, { headers })).json()) as any;
      expect(stats.memoryOnly).toBe(true);
      expect(stats.storage).toBeNull();
      expect(stats.live.series).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
