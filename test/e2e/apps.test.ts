import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApmAppView } from '@pulse/protocol';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiCall, apiSession, assertBuilt, CHROMIUM, freePort, hasChromium, launchChromium, root, signIn, startServer, stop, type ApiSession, type ServerProcess } from './support';

/*
 * Issue 9's acceptance, in Chromium against the built server (a child process): an example Express
 * app (test/e2e/fixtures/example-app.mjs, a child process too) reports through the built @pulse/node
 * with a token of scope apm:report. /apps shows how to add an app while none reports, then the app's
 * card as soon as it does; on /apps/<app> (the last hour, live over the hub's `app:<name>`) fast
 * requests, a slow request and exceptions arrive without a reload: the slow one under its route
 * template, the exceptions grouped with their counts and an expandable stack of the app's own frames,
 * and every route's usage. Once the app stops, its instance is lost after the heartbeat ttl (5 s:
 * the SDK's minimum, with a 1 s heartbeat). Screenshots, dark and light, land in test-results/apps-e2e/.
 */

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
const APP = 'example-shop';
const APP_FILE = 'test/e2e/fixtures/example-app.mjs';
const shots = join(root, 'test-results/apps-e2e');
const title = hasChromium ? 'Apps (APM), end to end' : `Apps (APM), end to end (no Chromium at ${CHROMIUM})`;
if (!hasChromium && !process.env.CI) console.warn(`[e2e] apps test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);

/** The example app as a child process, reporting to `endpoint` with `token`; resolves once it serves. */
async function startExampleApp(endpoint: string, token: string) {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(root, APP_FILE)], {
    cwd: root,
    env: { ...process.env, PULSE_ENDPOINT: endpoint, PULSE_TOKEN: token, PULSE_APP: APP, PULSE_ENVIRONMENT: 'staging', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d;
      const m = /listening (\d+)/.exec(output);
      if (m) ok(Number(m[1]));
    });
    child.stderr!.on('data', (d: Buffer) => (output += d));
    child.once('exit', (code) => fail(new Error(`the example app exited with ${code}:\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    output: () => output,
    /** one request; answers the status */
    async hit(path: string, method = 'GET') {
      const res = await fetch(`${url}${path}`, { method });
      await res.arrayBuffer();
      return res.status;
    },
  };
}

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let base: string;
  let api: ApiSession;
  let token: string;
  let example: Awaited<ReturnType<typeof startExampleApp>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const started = Date.now();

  const view = async () => (await apiCall<{ app: ApmAppView }>(base, api, 'GET', `/api/apm/apps/${APP}?period=1h`)).app;
  /** The same view at 1440×900 in both themes (the app follows the system's until one is picked). */
  const shot = async (name: string) => {
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(250); // the theme's colour transitions settle
      await page.screenshot({ path: join(shots, `${name}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'dark' });
  };
  /** The app scrolls its main pane, not the window: bring an element to the top of it. */
  const scrollTo = (l: Locator) => l.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const scrollToTop = () => page.locator('main').first().evaluate((el) => el.scrollTo(0, 0));
  const cell = (table: Locator, key: string, column: number) => table.locator(`tr[data-key="${key}"] td:nth-child(${column})`).textContent();
  /** A mark on the window: gone if the page reloads, so what follows must arrive over the socket. */
  const markWindow = () => page.evaluate(() => ((window as unknown as { e2eMark: number }).e2eMark = 1));
  const windowMark = () => page.evaluate(() => (window as unknown as { e2eMark?: number }).e2eMark);

  beforeAll(async () => {
    if (process.env.CI) assertBuilt();
    mkdirSync(shots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-apps-e2e-'));
    const config = join(dataDir, 'pulse.toml');
    writeFileSync(config, '');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env, PULSE_HOST: '127.0.0.1', PULSE_PORT: String(port), PULSE_DATA_DIR: dataDir, PULSE_CONFIG: config,
      PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'warn', PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
      // Lost instances marked and changed apps published every 500 ms rather than every 2 s.
      PULSE_APM_TICK_MS: '500', PULSE_APM_READ_REDIS: 'false', PULSE_PUBLIC_URL: base,
    };
    for (const k of ['PULSE_DATABASE_URL', 'PULSE_REDIS_URL', 'PULSE_APM_REDIS_URL', 'PULSE_MONITORS_FILE']) delete env[k];
    server = await startServer(env, base);
    api = await apiSession(base, ADMIN, '/api/session');
    const made = await apiCall<{ token: string; info: { scopes: string[] } }>(base, api, 'POST', '/api/tokens', { name: `APM: ${APP}`, scopes: ['apm:report'] });
    expect(made.info.scopes).toEqual(['apm:report']);
    token = made.token;

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, base, ADMIN);
  }, 60_000);

  // One story: once a step fails, the steps after it would only fail for that reason.
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
    ctx.onTestFailed(() => {
      failed = true;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stop(example?.child);
    await stop(server?.child);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(`[e2e] apps: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it('shows how to add an app while none reports, then the example app as soon as its SDK does', async () => {
    await page.getByTestId('nav-apps').first().click();
    await page.getByTestId('apps-page').waitFor();
    await page.getByTestId('apps-none').waitFor();
    await expect(page.getByTestId('apps-none').textContent()).resolves.toContain('No app reports to Pulse yet');
    await shot('apps-empty');
    await markWindow();

    const startedAt = Date.now();
    example = await startExampleApp(base, token);
    const card = page.locator(`[data-testid=app-card][data-app="${APP}"]`);
    await card.waitFor();
    console.log(`[e2e] apps: card on /apps ${Date.now() - startedAt} ms after the example app started`);
    expect(await windowMark()).toBe(1);
    await expect.poll(() => card.getByTestId('app-card-instances').textContent()).toContain('1 online');
    await expect(card.textContent()).resolves.toContain('staging');
    expect(await page.getByTestId('apps-none').count()).toBe(0);
  });

  it('shows fast, slow and failing requests on /apps/<app> live: the slow one under its route template', async () => {
    await page.locator(`[data-testid=app-card][data-app="${APP}"]`).click();
    await page.waitForURL(`${base}/apps/${APP}`);
    await page.getByTestId('app-body').waitFor();
    expect(await page.getByTestId('app-body').getAttribute('data-period')).toBe('1h');
    await expect.poll(() => page.getByTestId('app-freshness').getAttribute('data-mode')).toBe('live');
    const instance = page.getByTestId('app-instance');
    await expect.poll(() => instance.getAttribute('data-online')).toBe('true');
    expect(await instance.count()).toBe(1);
    await expect(page.getByTestId('app-instances-value').textContent()).resolves.toBe('1 online');
    expect(await windowMark()).toBe(1);

    // Traffic: five fast requests, one slow, one that throws (500), one handled and reported (402).
    const sentAt = Date.now();
    for (let i = 0; i < 5; i++) expect(await example!.hit('/')).toBe(200);
    expect(await example!.hit('/slow/42')).toBe(200);
    expect(await example!.hit('/boom')).toBe(500);
    expect(await example!.hit('/checkout/1001', 'POST')).toBe(402);

    const slowTable = page.getByTestId('app-slow-table');
    await slowTable.locator('tr[data-key="GET /slow/:id"]').waitFor();
    const routes = page.getByTestId('app-routes-table');
    // Route counts leave the app once a second: the last request counted means all of them are.
    await expect.poll(() => cell(routes, 'POST /checkout/:orderId', 2), { timeout: 10_000 }).toBe('1');
    console.log(`[e2e] apps: slow request and route counts on the page ${Date.now() - sentAt} ms after the traffic`);
    expect(await windowMark()).toBe(1);

    // The slow request: its template, never the raw URL; once, and over the 200 ms threshold.
    expect(await slowTable.locator('tbody tr').count()).toBe(1);
    await expect(cell(slowTable, 'GET /slow/:id', 2)).resolves.toBe('1');
    const slowMax = await cell(slowTable, 'GET /slow/:id', 4);
    expect(Number(slowMax!.replace(/[^\d.]/g, ''))).toBeGreaterThanOrEqual(300);
    await expect(page.getByTestId('app-body').textContent()).resolves.not.toContain('/slow/42');

    // Usage per route: every request, counted by template; the 500 as an error, the handled 402 not.
    await expect(cell(routes, 'GET /', 2)).resolves.toBe('5');
    await expect(cell(routes, 'GET /slow/:id', 2)).resolves.toBe('1');
    await expect(cell(routes, 'GET /boom', 2)).resolves.toBe('1');
    await expect(cell(routes, 'GET /boom', 3)).resolves.toMatch(/^1\b/);
    await expect(cell(routes, 'POST /checkout/:orderId', 3)).resolves.toBe('0');
    await expect(cell(routes, 'GET /', 3)).resolves.toBe('0');
    expect(await routes.locator('tbody tr').count()).toBe(4);

    // Two exception groups: the uncaught RangeError of /boom and the reported PaymentDeclinedError.
    const boom = page.getByTestId('app-exception').filter({ hasText: 'RangeError' });
    const declined = page.getByTestId('app-exception').filter({ hasText: 'PaymentDeclinedError' });
    await boom.waitFor();
    await declined.waitFor();
    expect(await page.getByTestId('app-exception').count()).toBe(2);
    await expect(boom.textContent()).resolves.toContain('stock for sku-7 would go below zero (-1)');
    await expect(declined.textContent()).resolves.toContain('card declined for order 1001: over the limit');
    await expect(boom.getByTestId('app-exception-count').textContent()).resolves.toBe('1×');
    await expect(declined.getByTestId('app-exception-count').textContent()).resolves.toBe('1×');

    // Two more of the same bug: one group, counted up in place.
    expect(await example!.hit('/boom')).toBe(500);
    expect(await example!.hit('/boom')).toBe(500);
    await expect.poll(() => boom.getByTestId('app-exception-count').textContent()).toBe('3×');
    await expect.poll(() => cell(routes, 'GET /boom', 2)).toBe('3');
    expect(await page.getByTestId('app-exception').count()).toBe(2);
    expect(await windowMark()).toBe(1);

    // The API agrees with the page.
    const v = await view();
    expect(v.slowRoutes).toEqual([expect.objectContaining({ method: 'GET', route: '/slow/:id', count: 1 })]);
    expect(v.routes.map((r) => `${r.method} ${r.route} ${r.count}/${r.errors}`).sort()).toEqual(['GET / 5/0', 'GET /boom 3/3', 'GET /slow/:id 1/0', 'POST /checkout/:orderId 1/0']);
    expect(v.exceptions.map((e) => `${e.type} ${e.count}`).sort()).toEqual(['PaymentDeclinedError 1', 'RangeError 3']);
    expect(v.instanceCounts).toEqual({ online: 1, lost: 0 });

    await scrollToTop();
    await shot('app-top');
    await scrollTo(page.getByTestId('app-slow'));
    await shot('app-slow-and-routes');
  });

  it('expands an exception group to its stack, the app’s own frames from example-app.mjs highlighted', async () => {
    const boom = page.getByTestId('app-exception').filter({ hasText: 'RangeError' });
    await boom.getByTestId('app-exception-toggle').click();
    expect(await boom.getByTestId('app-exception-toggle').getAttribute('aria-expanded')).toBe('true');
    const stack = boom.getByTestId('app-stack');
    await stack.waitFor();
    const appFrames = stack.locator('[data-testid=app-frame][data-kind=app]');
    expect(await appFrames.count()).toBe(2);
    await expect(appFrames.nth(0).textContent()).resolves.toMatch(/reserveStock.*test\/e2e\/fixtures\/example-app\.mjs:\d+:\d+/);
    await expect(appFrames.nth(1).textContent()).resolves.toMatch(/reserveOnBoom.*test\/e2e\/fixtures\/example-app\.mjs:\d+:\d+/);
    // Express's own frames fold under the app's, and open on a click.
    const fold = stack.getByTestId('app-stack-fold').first();
    await expect(fold.textContent()).resolves.toMatch(/\d+ frames in router/);
    await scrollTo(page.getByTestId('app-exceptions'));
    await shot('app-exception-expanded');
    const before = await stack.getByTestId('app-frame').count();
    await fold.click();
    await expect.poll(() => stack.getByTestId('app-frame').count()).toBeGreaterThan(before);
    await expect(stack.locator('[data-testid=app-frame][data-kind=dependency]').first().textContent()).resolves.toContain('node_modules/router/');

    // A live update keeps the group open (rows are keyed).
    expect(await example!.hit('/boom')).toBe(500);
    await expect.poll(() => boom.getByTestId('app-exception-count').textContent()).toBe('4×');
    expect(await boom.getByTestId('app-exception-toggle').getAttribute('aria-expanded')).toBe('true');
    await stack.waitFor();
    await shot('app-exception-unfolded');

    // The context captureException was given shows with the group it belongs to.
    const declined = page.getByTestId('app-exception').filter({ hasText: 'PaymentDeclinedError' });
    await declined.getByTestId('app-exception-toggle').click();
    const context = declined.getByTestId('app-exception-context');
    await context.waitFor();
    await expect(context.textContent()).resolves.toMatch(/orderId\s*1001.*amountCents\s*72500/s);
  });

  it('shows the app’s traffic on its /apps card', async () => {
    await page.getByTestId('app-page').locator('a[href="/apps"]').first().click();
    const card = page.locator(`[data-testid=app-card][data-app="${APP}"]`);
    await card.waitFor();
    await expect.poll(() => card.getByTestId('app-card-exceptions').textContent()).not.toMatch(/^0\//);
    await expect(card.getByTestId('app-card-slow').textContent()).resolves.not.toMatch(/^0\//);
    await expect(card.getByTestId('app-card-rpm').textContent()).resolves.not.toMatch(/^0\//);
    await expect(card.getByTestId('app-card-instances').textContent()).resolves.toContain('1 online');
    await shot('apps');
  });

  it('greys the instance out as lost once the example app stops, after its heartbeat ttl', async () => {
    await page.locator(`[data-testid=app-card][data-app="${APP}"]`).click();
    await page.getByTestId('app-body').waitFor();
    const instance = page.getByTestId('app-instance');
    await expect.poll(() => instance.getAttribute('data-online')).toBe('true');
    await markWindow();

    const stoppedAt = Date.now();
    await stop(example!.child);
    await expect.poll(() => instance.getAttribute('data-online'), { timeout: 15_000 }).toBe('false');
    const lostAfter = Date.now() - stoppedAt;
    console.log(`[e2e] apps: instance lost on the page ${lostAfter} ms after the example app stopped`);
    // Not before its ttl (5 s after the last heartbeat, at most 1 s before the stop).
    expect(lostAfter).toBeGreaterThanOrEqual(3_500);
    expect(await windowMark()).toBe(1);
    await expect(instance.getByTestId('app-instance-lost').textContent()).resolves.toMatch(/^lost · seen \d+ s ago$/);
    await expect(instance.getAttribute('class')).resolves.toContain('opacity-60');
    await expect(page.getByTestId('app-instances-value').textContent()).resolves.toBe('0 online');
    await expect(page.getByTestId('app-instances').textContent()).resolves.toContain('1 lost');
    expect((await view()).instanceCounts).toEqual({ online: 0, lost: 1 });
    await scrollTo(page.getByTestId('app-servers'));
    await shot('app-instance-lost');
  });
});
