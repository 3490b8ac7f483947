import { execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CHROMIUM, cli, freePort, hasChromium, launchChromium, root, shots, startServer, stop } from './support';

/*
 * The dashboard as a user meets it: the built server with this machine monitored, driven through
 * Debian's Chromium. Screenshots of each step land in test-results/e2e/ (and the README's in docs/).
 */

const PASSWORD = 'correct horse battery staple';

if (!hasChromium && !process.env.CI) {
  console.warn(`[e2e] dashboard test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);
}

const shot = (page: Page, name: string, fullHeight?: number) =>
  fullHeight
    ? page.setViewportSize({ width: 1440, height: fullHeight }).then(() => page.screenshot({ path: join(shots, name) }))
    : page.screenshot({ path: join(shots, name) });

const title = hasChromium ? 'dashboard, end to end' : `dashboard, end to end (no Chromium at ${CHROMIUM})`;

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let dataDir: string;
  let serverEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(shots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    serverEnv = {
      ...process.env,
      PULSE_HOST: '127.0.0.1',
      PULSE_PORT: String(port),
      PULSE_DATA_DIR: dataDir,
      PULSE_LOCAL_INTERVAL_MS: '1000',
      PULSE_LOG_LEVEL: 'warn',
    };
    server = (await startServer(serverEnv, base)).child;
    browser = await launchChromium();
    // Dark is the system preference here, so the first screens show the default dark theme.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a first visitor to setup', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL('**/setup');
    await page.getByTestId('setup-page').waitFor();
    await shot(page, 'setup.png');
  });

  it('creates the admin and lands on Infrastructure', async () => {
    await page.getByTestId('setup-username').fill('admin');
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('setup-password-note').textContent()).toContain('at least 10 characters');

    // The server's own validation message lands under the field it names.
    await page.getByTestId('setup-username').fill('bad name!');
    await page.getByTestId('setup-password').fill(PASSWORD);
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('setup-username-note').textContent()).toMatch(/letters, digits/i);

    await page.getByTestId('setup-username').fill('admin');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('infrastructure-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it("shows this machine's host and its CPU changing live", async () => {
    const row = page.getByTestId('resource-row').filter({ has: page.getByTestId('resource-name').getByText(hostname(), { exact: true }) });
    await row.waitFor();
    await expect.poll(() => page.getByTestId('connection-indicator').first().getAttribute('data-state')).toBe('live');

    const cpu = row.getByTestId('cpu-value');
    const first = await cpu.textContent();
    expect(first).toMatch(/^\d+(\.\d)?%$/);
    await expect.poll(() => cpu.textContent(), { timeout: 5_000, interval: 200 }).not.toBe(first);

    await shot(page, 'infrastructure-dark.png');
    mkdirSync(join(root, 'docs'), { recursive: true });
    copyFileSync(join(shots, 'infrastructure-dark.png'), join(root, 'docs/screenshot.png'));
  });

  it('opens the host with per-core bars, filesystems and live charts', async () => {
    await page.getByTestId('resource-row').filter({ hasText: hostname() }).first().click();
    await page.getByTestId('host-detail').waitFor();
    await expect(page.getByTestId('host-name').textContent()).resolves.toBe(hostname());
    await expect.poll(() => page.getByTestId('core-bar').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('filesystems-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('filesystems-table').textContent()).resolves.toContain('/');
    await page.getByTestId('cpu-chart').locator('canvas').first().waitFor();
    await page.getByTestId('process-states').waitFor();
    await page.waitForTimeout(1_500); // a couple of samples into the charts
    await shot(page, 'host-detail.png', 1900);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows how many people view the host, live, counting people rather than tabs', async () => {
    const hostUrl = page.url();
    const viewers = (p: Page) => p.getByTestId('viewer-count');
    // Alone on the page: nothing to show.
    expect(await viewers(page).count()).toBe(0);

    // A second person, signed in from another browser.
    execFileSync(process.execPath, [cli, 'user', 'add', '--username', 'ops', '--password-stdin', '--role', 'viewer'], {
      cwd: root, env: serverEnv, input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'pipe'],
    });
    const other: BrowserContext = await browser!.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    try {
      const theirs = await other.newPage();
      theirs.setDefaultTimeout(15_000);
      const socketUrls: string[] = [];
      theirs.on('websocket', (ws) => socketUrls.push(ws.url()));
      await theirs.goto(`${base}/login`);
      await theirs.getByTestId('login-username').fill('ops');
      await theirs.getByTestId('login-password').fill(PASSWORD);
      await theirs.getByTestId('login-submit').click();
      await theirs.getByTestId('infrastructure-page').waitFor();
      await theirs.goto(hostUrl);
      await theirs.getByTestId('host-detail').waitFor();

      // The dashboard connects with a connection token (opaque), not the cookie alone.
      expect(socketUrls.at(-1)).toMatch(/\/api\/ws\?token=[^&]+$/);
      await expect.poll(() => viewers(page).textContent()).toBe('2 viewing');
      await expect.poll(() => viewers(theirs).textContent()).toBe('2 viewing');
      await expect(viewers(page).getAttribute('title')).resolves.toBe('You and 1 other person are viewing this resource');

      // A second tab of the same person is not another viewer.
      const secondTab = await page.context().newPage();
      await secondTab.goto(hostUrl);
      await expect.poll(() => viewers(secondTab).textContent()).toBe('2 viewing');
      await page.bringToFront();
      await expect.poll(() => viewers(page).textContent()).toBe('2 viewing');
      await shot(page, 'host-viewers.png');

      // They leave: only tabs of one person remain, so the count goes away everywhere.
      await other.close();
      await expect.poll(() => viewers(page).count()).toBe(0);
      await expect.poll(() => viewers(secondTab).count()).toBe(0);
      await secondTab.close();
    } finally {
      await other.close();
    }
  });

  it('switches between dark and light themes', async () => {
    await page.getByTestId('back-to-infrastructure').click();
    await page.getByTestId('infrastructure-page').waitFor();
    const theme = () => page.evaluate(() => ({ attr: document.documentElement.dataset.theme, cls: document.documentElement.className }));
    expect(await theme()).toMatchObject({ attr: 'dark' });
    await page.getByTestId('theme-toggle').first().click();
    const after = await theme();
    expect(after.attr).toBe('light');
    expect(after.cls).toContain('light');
    await page.getByTestId('resource-row').first().waitFor();
    await shot(page, 'infrastructure-light.png');
    // The choice is remembered across reloads.
    await page.reload();
    await page.getByTestId('infrastructure-page').waitFor();
    expect((await theme()).attr).toBe('light');
  });

  it('logs out back to the login page', async () => {
    await page.getByTestId('user-menu').first().click();
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await page.getByTestId('login-page').waitFor();
  });

  it('rejects a wrong password with a message, then signs in', async () => {
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('Wrong username or password');
    await shot(page, 'login.png');

    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('infrastructure-page').waitFor();
  });
});
