import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHistory, type SeedSeries } from '../../packages/server/test-support/seed-history.ts';
import { assertBuilt, CHROMIUM, freePort, hasChromium, launchChromium, shots, startServer, stop } from './support';

/*
 * Long-term charts as a user meets them: a server whose database already holds a year of this
 * machine's history (seeded before it starts, the way a year of running would have left it), the
 * host page switched across ranges, zoomed by dragging, and the Storage page's figures.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

if (!hasChromium && !process.env.CI) {
  console.warn(`[e2e] history test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);
}

/** A repeatable pseudo-random number in [0, 1) per `every` ms of time, so seeded data is the same every run. */
const noise = (t: number, salt: number, every = MINUTE) => {
  const x = Math.sin(Math.floor(t / every) * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};
const daily = (t: number) => Math.sin((2 * Math.PI * (t % DAY)) / DAY - Math.PI / 2); // lowest at midnight UTC
const MIB = 1024 * 1024;

/** Made-up but plausible: a daily rhythm, a slow trend over the year, and rare short spikes. */
function seriesFor(resource: string, yearStart: number): SeedSeries[] {
  // A 15-minute burst every few days per series, alike at either seeding density.
  const spike = (t: number, salt: number) => noise(t, salt, 15 * MINUTE) > 0.996;
  const year = (t: number) => (t - yearStart) / (400 * DAY);
  const cpu = (t: number) => (spike(t, 1) ? 85 + 10 * noise(t, 2) : 22 + 12 * daily(t) + 6 * noise(t, 3));
  return [
    { metric: 'cpu', value: cpu },
    { metric: 'mem.percent', value: (t) => 38 + 14 * year(t) + 4 * daily(t) + 2 * noise(t, 4) },
    { metric: 'load1', value: (t) => cpu(t) / 22 + 0.3 * noise(t, 5) },
    { metric: 'net.rx', value: (t) => (spike(t, 6) ? 40 * MIB : (3 + 2 * daily(t)) * MIB * (0.7 + 0.6 * noise(t, 7))) },
    { metric: 'net.tx', value: (t) => (0.8 + 0.5 * daily(t)) * MIB * (0.7 + 0.6 * noise(t, 8)) },
    { metric: 'disk.read', value: (t) => (spike(t, 9) ? 120 * MIB : 4 * MIB * noise(t, 10)) },
    { metric: 'disk.write', value: (t) => 2 * MIB * (0.5 + noise(t, 11)) },
    { metric: 'disk.percent', value: (t) => 31 + 24 * year(t) - (year(t) > 0.6 ? 9 : 0) + 0.2 * noise(t, 12) },
  ].map((s) => ({ ...s, resource }));
}

const title = hasChromium ? 'metric history, end to end' : `metric history, end to end (no Chromium at ${CHROMIUM})`;

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let dataDir: string;
  let hostId: string;
  let seeded: string[];

  const cpuChart = () => page.getByTestId('cpu-chart').getByTestId('history-chart');
  const historyResponse = () => page.waitForResponse((r) => r.url().includes('/api/metrics/history?') && r.request().method() === 'GET');
  const queryOf = (r: Response) => new URL(r.url()).searchParams;
  const chooseRange = async (range: string) => {
    const answered = historyResponse();
    await page.getByTestId('history-range').locator(`[data-value="${range}"]`).click();
    const res = await answered;
    await expect.poll(() => cpuChart().getAttribute('data-status')).toBe('ready');
    return res;
  };
  /** The page scrolls inside the app shell, not the window, so a tall section needs a tall viewport to be captured whole. */
  const shotOf = async (name: string, target: Locator) => {
    await page.setViewportSize({ width: 1440, height: 1700 });
    await target.screenshot({ path: join(shots, name) });
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, name) });
  /** Where a chart's plot area is on screen, scrolled into view so the mouse can reach it. */
  const plotBox = async (chart: string) => {
    const plot = page.getByTestId(chart).locator('.u-over');
    await plot.scrollIntoViewIfNeeded();
    return (await plot.boundingBox())!;
  };

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(shots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-e2e-history-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      PULSE_HOST: '127.0.0.1',
      PULSE_PORT: String(port),
      PULSE_DATA_DIR: dataDir,
      PULSE_LOCAL_INTERVAL_MS: '1000',
      PULSE_HISTORY_FLUSH_INTERVAL_MS: '1000',
      PULSE_LOG_LEVEL: 'warn',
    };

    // A first run creates the admin and names this machine's host, which the seed needs. It keeps
    // its history in memory: rollups seeded under samples already on disk would count as done.
    const firstStart = Date.now();
    let first = await startServer({ ...env, PULSE_HISTORY_MEMORY_ONLY: 'true' }, base);
    try {
      const setup = await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
      expect(setup.ok).toBe(true);
      const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      let host: { id: string; metrics: Record<string, number> } | undefined;
      for (let i = 0; i < 100 && !host; i++) {
        const body = (await (await fetch(`${base}/api/resources?type=host`, { headers: { cookie } })).json()) as { resources: NonNullable<typeof host>[] };
        host = body.resources[0];
        if (!host) await new Promise((r) => setTimeout(r, 100));
      }
      if (!host) throw new Error(`the local host never appeared:\n${first.output()}`);
      hostId = host.id;
      seeded = seriesFor(hostId, 0).map((s) => s.metric).filter((m) => m in host!.metrics);
    } finally {
      await stop(first.child);
    }

    // A year at 15 minutes, then the last two days at 30 s: the fine tiers get realistic density
    // without seeding 400 days at that rate (which takes minutes).
    const recentStart = firstStart - 2 * DAY;
    const series = seriesFor(hostId, recentStart - 398 * DAY).filter((s) => seeded.includes(s.metric));
    await seedHistory(dataDir, series, { days: 398, stepMs: 15 * MINUTE, end: recentStart });
    await seedHistory(dataDir, series, { days: 2, stepMs: 30_000, end: firstStart - 1_000 });

    first = await startServer(env, base);
    server = first.child;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('infrastructure-page').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the host on the last hour, and live samples extend the chart', async () => {
    expect(seeded).toEqual(expect.arrayContaining(['cpu', 'mem.percent']));
    const answered = historyResponse();
    await page.goto(`${base}/resources/${encodeURIComponent(hostId)}`);
    const first = await answered;
    expect(queryOf(first).getAll('metric')).toEqual(expect.arrayContaining(seeded));
    const span = Number(queryOf(first).get('to')) - Number(queryOf(first).get('from'));
    expect(span).toBe(HOUR);
    // One point per pixel of plot, roughly.
    expect(Number(queryOf(first).get('points'))).toBeGreaterThan(300);
    expect(Number(queryOf(first).get('points'))).toBeLessThan(1000);

    await expect.poll(() => cpuChart().getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('history').getAttribute('data-range')).toBe('1h');
    expect(await cpuChart().getAttribute('data-tier')).toBe('raw');
    const last = Number(await cpuChart().getAttribute('data-last'));
    const to = Number(await cpuChart().getAttribute('data-to'));
    await expect.poll(async () => Number(await cpuChart().getAttribute('data-last')), { timeout: 10_000 }).toBeGreaterThan(last);
    // The window slides with the samples.
    expect(Number(await cpuChart().getAttribute('data-to'))).toBeGreaterThan(to);
    await shotOf('history-1h.png', page.getByTestId('history'));
  });

  it('shows 7 days from hourly rollups with a min–max band, and keeps the range in the URL', async () => {
    const res = await chooseRange('7d');
    const q = queryOf(res);
    expect(Number(q.get('to')) - Number(q.get('from'))).toBe(7 * DAY);
    const body = (await res.json()) as { series: { metric: string; tier: string; t: number[]; min?: number[]; max?: number[] }[] };
    const cpu = body.series.find((s) => s.metric === 'cpu')!;
    expect(cpu.tier).toBe('1h');
    expect(cpu.t.length).toBeGreaterThan(150);
    // Spikes survive as the band's top edge.
    expect(Math.max(...cpu.max!)).toBeGreaterThan(80);
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
    expect(await cpuChart().getAttribute('data-tier')).toBe('1h');
    // The hourly tier lags up to a day behind; the newest stretch is topped up from finer tiers, so
    // the last point is the live one, which gathers samples for a point's width (7 days / ~500 px).
    expect(Number(await cpuChart().getAttribute('data-last'))).toBeGreaterThan(Date.now() - 30 * MINUTE);
    await page.mouse.move(0, 0);
    await shotOf('history-7d.png', page.getByTestId('history'));
    // Hovering one chart shows the same moment on all of them.
    const plot = await plotBox('cpu-chart');
    await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height / 2);
    await expect.poll(() => page.getByTestId('memory-chart').textContent()).not.toContain('now');
    await shot('history-hover.png');
    await page.mouse.move(0, 0);

    await page.reload();
    await expect.poll(() => cpuChart().getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('history').getAttribute('data-range')).toBe('7d');
    expect(await cpuChart().getAttribute('data-tier')).toBe('1h');
  });

  it('reads 24 hours from 1-minute rollups, 30 days from hourly and a year from daily ones', async () => {
    const day = await chooseRange('24h');
    expect(Number(queryOf(day).get('to')) - Number(queryOf(day).get('from'))).toBe(DAY);
    expect(await cpuChart().getAttribute('data-tier')).toBe('1m');
    await page.mouse.move(0, 0);
    await shotOf('history-24h.png', page.getByTestId('history'));

    const month = await chooseRange('30d');
    expect(Number(queryOf(month).get('to')) - Number(queryOf(month).get('from'))).toBe(30 * DAY);
    expect(await cpuChart().getAttribute('data-tier')).toBe('1h');
    expect(Number(await cpuChart().getAttribute('data-points'))).toBeGreaterThan(400);

    const year = await chooseRange('1y');
    expect(Number(queryOf(year).get('to')) - Number(queryOf(year).get('from'))).toBe(365 * DAY);
    expect(await cpuChart().getAttribute('data-tier')).toBe('1d');
    expect(Number(await cpuChart().getAttribute('data-points'))).toBeGreaterThan(360);
    await page.mouse.move(0, 0);
    await shotOf('history-1y.png', page.getByTestId('history'));
  });

  it('zooms the 30-day chart into a dragged span at finer detail, not live, until reset', async () => {
    await chooseRange('30d');
    const box = await plotBox('cpu-chart');
    const y = box.y + box.height / 2;
    // From a day and a half to half a day ago: the 30-day chart's 95.5th to 98.5th percent.
    const answered = historyResponse();
    await page.mouse.move(box.x + box.width * 0.955, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.985, y, { steps: 8 });
    await page.mouse.up();
    const res = await answered;
    const q = queryOf(res);
    const span = Number(q.get('to')) - Number(q.get('from'));
    expect(span).toBeGreaterThan(18 * HOUR);
    expect(span).toBeLessThan(26 * HOUR);
    expect(Number(q.get('from'))).toBeGreaterThan(Date.now() - 2 * DAY);
    await expect.poll(() => cpuChart().getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('history').getAttribute('data-zoomed')).toBe('true');
    expect(await cpuChart().getAttribute('data-tier')).toBe('1m');
    await page.getByTestId('history-reset-zoom').waitFor();
    expect(await page.getByTestId('history-window').textContent()).toMatch(/–/);

    // Not live: samples keep arriving but the zoomed span stays put.
    const to = await cpuChart().getAttribute('data-to');
    await page.waitForTimeout(2_500);
    expect(await cpuChart().getAttribute('data-to')).toBe(to);
    await page.mouse.move(0, 0);
    await shotOf('history-zoom.png', page.getByTestId('history'));

    const back = historyResponse();
    await page.getByTestId('history-reset-zoom').click();
    expect(Number(queryOf(await back).get('to')) - Number(queryOf(await back).get('from'))).toBe(30 * DAY);
    await expect.poll(() => page.getByTestId('history').getAttribute('data-zoomed')).toBe('false');
    expect(await page.getByTestId('history-reset-zoom').count()).toBe(0);
  });

  it('draws the same charts in the light theme', async () => {
    await page.getByTestId('theme-toggle').first().click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await chooseRange('7d');
    await page.mouse.move(0, 0);
    await shotOf('history-7d-light.png', page.getByTestId('history'));
    await page.getByTestId('theme-toggle').first().click();
  });

  it('shows what the metric store keeps on the Storage page', async () => {
    await page.getByTestId('nav-storage').first().click();
    await page.getByTestId('storage-page').waitFor();
    await expect.poll(() => page.getByTestId('storage-mode-value').textContent()).toBe('SQLite');
    const series = Number((await page.getByTestId('storage-series-value').textContent())!.replace(/,/g, ''));
    expect(series).toBeGreaterThanOrEqual(seeded.length);
    const rows = page.getByTestId('storage-tiers-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const points = async (tier: string) => Number((await page.getByTestId('storage-tiers-table').locator(`tr[data-key="${tier}"] td`).nth(2).textContent())!.replace(/,/g, ''));
    // A year of days, 90 days of hours; the seed rolled every finished unit up.
    expect(await points('1d')).toBeGreaterThanOrEqual(397 * seeded.length);
    expect(await points('1h')).toBeGreaterThan(80 * 24 * seeded.length);
    expect(await points('raw')).toBeGreaterThan(0);
    expect(await page.getByTestId('storage-tiers-table').textContent()).toMatch(/\d(\.\d+)? B/);
    // This run's flushes show up as bytes written in the last hour.
    await expect.poll(() => page.getByTestId('storage-written-value').textContent(), { timeout: 10_000 }).not.toBe('0 B');
    expect(Number((await page.getByTestId('storage-accepted').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    await shot('storage.png');
  });
});
