import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@pulse/protocol';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiSession, assertBuilt, CHROMIUM, cli, freePort, hasChromium, launchChromium, root, signIn, stop, waitForHealth, type ApiSession } from './support';

/*
 * The Proxmox pages as a newcomer meets them with `pulse serve --demo`: the built server as a child
 * process, polling the Proxmox API double (tools/proxmox-sim) over HTTPS through the production
 * path, driven through Debian's Chromium. Expectations come from the server's own /api/resources,
 * not from the simulator's internals. The connection form runs against the real /api/connections,
 * pointed at the demo cluster's second member. Screenshots, dark and light, land in
 * test-results/proxmox-demo/.
 */

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
// The token the demo's simulators accept (packages/server/src/demo.ts); the API never hands secrets back.
const DEMO_TOKEN = { id: 'pulse-monitor@pve!pulse', secret: 'demo-not-a-secret' };
const GUESTS = 36;
const shots = join(root, 'test-results/proxmox-demo');
const title = hasChromium ? 'Proxmox pages in demo mode, end to end' : `Proxmox pages in demo mode, end to end (no Chromium at ${CHROMIUM})`;
if (!hasChromium && !process.env.CI) console.warn(`[e2e] Proxmox demo test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);

interface Connection {
  id: string;
  name: string;
  product: string;
  endpoints: string[];
  tls: { fingerprint?: string };
  state?: { status: string };
}

const isGuest = (r: Resource) => r.id.startsWith('pve:') && (r.type === 'vm' || r.type === 'system-container');
const numbers = (texts: string[]) => texts.map((t) => Number.parseFloat(t));

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let server: ChildProcess | undefined;
  let output = '';
  let tempDir: string;
  let base: string;
  let api: ApiSession;
  let browser: Browser | undefined;
  let page: Page;

  const resources = async () => (await apiCall<{ resources: Resource[] }>(base, api, 'GET', '/api/resources')).resources;
  const connections = async () => (await apiCall<{ connections: Connection[] }>(base, api, 'GET', '/api/connections')).connections;
  /** A 1440×900 screenshot; with `tallHeight`, also one of the whole page (the app scrolls inside, so fullPage cannot). */
  const shot = async (name: string, tallHeight?: number) => {
    await page.waitForTimeout(250); // bars and the nav's active state finish their transitions
    await page.screenshot({ path: join(shots, `${name}.png`) });
    if (!tallHeight) return;
    await page.setViewportSize({ width: 1440, height: tallHeight });
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(shots, `${name}-tall.png`) });
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  const open = async (nav: string, testId: string) => {
    await page.getByTestId(nav).first().click();
    await page.getByTestId(testId).first().waitFor();
  };

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(shots, { recursive: true });
    // The demo keeps its data in a fresh directory under the temp dir; point that at ours to clean up.
    tempDir = mkdtempSync(join(tmpdir(), 'pulse-demo-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env, TMPDIR: tempDir, PULSE_PORT: String(port), PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'warn',
      PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
    };
    for (const k of ['PULSE_DATA_DIR', 'PULSE_CONFIG', 'PULSE_DATABASE_URL', 'PULSE_REDIS_URL', 'PULSE_HOST']) delete env[k];
    server = spawn(process.execPath, [cli, 'serve', '--demo'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (d) => (output += d));
    server.stderr?.on('data', (d) => (output += d));
    await waitForHealth(base, server, () => output);
    api = await apiSession(base, ADMIN, '/api/session');

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ADMIN);

    // The first poll of each connection brings the estate; PBS groups and Ceph come with it.
    const arrived = async () => {
      const list = await resources();
      return list.filter(isGuest).length === GUESTS && ['backup', 'ceph', 'disk', 'datastore'].every((t) => list.some((r) => r.type === t));
    };
    const deadline = Date.now() + 30_000;
    while (!(await arrived())) {
      if (Date.now() > deadline) throw new Error(`the demo's resources did not arrive within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  it('shows the three nodes of cluster homelab with their CPU and memory', async () => {
    await open('nav-proxmox-nodes', 'node-card');
    expect(await page.getByTestId('node-name').allTextContents()).toEqual(['pve1', 'pve2', 'pve3']);
    for (const node of ['pve1', 'pve2', 'pve3']) {
      const card = page.locator(`[data-testid=node-card][data-node=${node}]`);
      await expect(card.textContent()).resolves.toContain('cluster homelab');
      await expect(card.getByTestId('node-status').textContent()).resolves.toBe('Online');
      await expect(card.getByTestId('node-cpu').textContent()).resolves.toMatch(/\d+(\.\d)?%.*\d+ cores/);
      await expect(card.getByTestId('node-mem').textContent()).resolves.toMatch(/\d+(\.\d)?%.*[KMGT]i?B/);
    }
    await shot('nodes-dark');
  });

  it('lists the 36 guests, VMs and containers, narrows them with a filter and sorts them', async () => {
    const guests = (await resources()).filter(isGuest);
    const lxc = guests.filter((g) => g.type === 'system-container');
    expect(lxc.length).toBeGreaterThan(0);
    expect(lxc.length).toBeLessThan(GUESTS);

    await open('nav-proxmox-guests', 'guest-row');
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${GUESTS} guests`);
    await shot('guests-dark');

    await page.getByTestId('guests-type').locator('[data-value=lxc]').click();
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${lxc.length} of ${GUESTS} guests`);
    const one = lxc[0]!;
    await page.getByTestId('guests-search').fill(one.name);
    await expect.poll(() => page.getByTestId('guest-name').allTextContents()).toContain(one.name);
    expect(new URL(page.url()).searchParams.get('q')).toBe(one.name);
    await page.getByTestId('guests-clear').click();
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${GUESTS} guests`);

    // A stopped guest shows no CPU figure rather than the 0 Proxmox reports for it.
    const stopped = guests.find((g) => g.details['status'] === 'stopped' && g.details['template'] !== true)!;
    await page.getByTestId('guests-search').fill(String(stopped.details['vmid']));
    const row = page.getByTestId('guest-row').filter({ has: page.getByTestId('guest-name').getByText(stopped.name, { exact: true }) });
    await row.waitFor();
    expect(await row.getByTestId('guest-cpu').count()).toBe(0);
    await page.getByTestId('guests-clear').click();

    await page.getByRole('columnheader').getByText('CPU', { exact: true }).click();
    expect(new URL(page.url()).searchParams.get('sort')).toBe('cpu:desc');
    const cpu = numbers(await page.getByTestId('guest-cpu').allTextContents()).filter((n) => !Number.isNaN(n));
    expect(cpu.length).toBeGreaterThan(3);
    expect(cpu).toEqual([...cpu].sort((a, b) => b - a));
    await page.getByRole('columnheader').getByText('Guest', { exact: true }).click();
    const names = await page.getByTestId('guest-name').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('opens a VM with its facts, filesystems from the guest agent, memory source and history chart', async () => {
    // The agent's view comes from a slower background request than the figures: wait for it.
    const started = Date.now();
    let vm: Resource | undefined;
    await expect
      .poll(async () => (vm = (await resources()).find((r) => r.type === 'vm' && r.details['agent'] === 'running' && Array.isArray(r.details['filesystems']))), { timeout: 30_000, interval: 500 })
      .toBeDefined();
    console.log(`[e2e] demo: guest agent details after ${Date.now() - started} ms more`);
    await page.getByTestId('guests-search').fill(vm!.name);
    await page.getByTestId('guest-name').getByText(vm!.name, { exact: true }).first().click();
    await page.getByTestId('guest-detail').waitFor();
    await expect(page.getByTestId('host-name').textContent()).resolves.toBe(vm!.name);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/resources/${vm!.id}`);
    await expect(page.getByTestId('guest-fact-vmid').textContent()).resolves.toBe(String(vm!.details['vmid']));
    await expect(page.getByTestId('guest-fact-node').textContent()).resolves.toBe(String(vm!.details['node']));
    await expect(page.getByTestId('guest-fact-agent').textContent()).resolves.toBe('Running');
    await expect(page.getByTestId('guest-fact-os').textContent()).resolves.toBe(String(vm!.details['os']));
    await expect.poll(() => page.getByTestId('guest-filesystems-table').locator('tbody tr').count()).toBe((vm!.details['filesystems'] as unknown[]).length);
    await expect(page.getByTestId('guest-usage-mem').getByTestId('mem-source').textContent()).resolves.toMatch(/\w/);
    await page.getByTestId('history').locator('canvas').first().waitFor();
    await shot('guest-dark');
  });

  it('lists the storages, the physical disks and the ZFS pools', async () => {
    const list = await resources();
    const storages = new Set(list.filter((r) => r.type === 'storage' && r.id.includes(':storage/')).map((r) => r.name));
    const pools = list.filter((r) => r.id.includes(':zfs/'));
    await open('nav-proxmox-storage', 'storage-table');
    expect(new Set(await page.getByTestId('storage-name').allTextContents())).toEqual(storages);
    await expect.poll(async () => (await page.getByTestId('disk-name').allTextContents()).length).toBeGreaterThan(0);
    if (pools.length) {
      expect(new Set(await page.getByTestId('zfs-name').allTextContents())).toEqual(new Set(pools.map((p) => p.name)));
      expect(await page.getByTestId('zfs-health').allTextContents()).toEqual(expect.arrayContaining(pools.map((p) => String(p.details['health']))));
    }
    await shot('storage-dark', 1700);
  });

  it('shows datastore main with its usage, the backup groups, and exactly the guests without a backup', async () => {
    const list = await resources();
    const groups = new Set(list.filter((r) => r.type === 'backup' && r.id.startsWith('pbs:')).map((r) => `${r.details['backupType']}/${r.details['backupId']}`));
    // A guest counts as backed up when PBS holds a group of its vmid or PVE recorded a backup of it.
    const expected = list
      .filter((g) => isGuest(g) && g.details['template'] !== true)
      .filter((g) => !groups.has(`${g.type === 'vm' ? 'vm' : 'ct'}/${g.details['vmid']}`) && !g.details['lastBackup'])
      .map((g) => g.name)
      .sort();
    expect(expected.length).toBeGreaterThan(0);

    await open('nav-proxmox-backups', 'datastore-card');
    expect(await page.getByTestId('datastore-name').allTextContents()).toContain('main');
    const main = page.locator('[data-testid=datastore-card][data-store=main]');
    await expect(main.textContent()).resolves.toMatch(/\d+%.*[KMGT]i?B.*of.*[KMGT]i?B/);
    await expect.poll(() => page.getByTestId('group-row').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('backups-unprotected-value').textContent()).toBe(String(expected.length));
    expect((await page.getByTestId('unprotected-name').allTextContents()).sort()).toEqual(expected);
    // A datastore PBS cannot read (the demo's unmounted USB disk) says why instead of showing blanks.
    for (const r of list.filter((d) => d.type === 'datastore' && d.status === 'offline')) {
      const card = page.locator(`[data-testid=datastore-card][data-store="${r.name}"]`);
      await expect(card.getByTestId('datastore-error').textContent()).resolves.toContain((r.details['error'] as { message: string }).message);
    }
    await shot('backups-dark', 2200);
  });

  it('shows Ceph health and its OSDs', async () => {
    const ceph = (await resources()).find((r) => r.type === 'ceph')!;
    await open('nav-proxmox-ceph', 'ceph-cluster');
    const health = { HEALTH_OK: 'Ok', HEALTH_WARN: 'Warn', HEALTH_ERR: 'Err' }[String(ceph.details['health'])];
    await expect(page.getByTestId('ceph-health').textContent()).resolves.toBe(health);
    await expect(page.getByTestId('ceph-osd-up-value').textContent()).resolves.toBe(`${ceph.metrics['osd.up']} / ${ceph.metrics['osd.total']}`);
    await shot('ceph-dark');
  });

  it('lists the three demo connections as Connected', async () => {
    await open('nav-connections', 'connection-row');
    expect((await page.getByTestId('connection-row-name').allTextContents()).sort()).toEqual(['demo-pbs', 'demo-pmg', 'demo-pve']);
    await expect.poll(() => page.getByTestId('connection-state').allTextContents()).toEqual(['Connected', 'Connected', 'Connected']);
    await shot('connections-dark');
  });

  it('reads the same in the light theme', async () => {
    await page.getByTestId('theme-toggle').first().click();
    for (const [nav, testId, name] of [
      ['nav-proxmox-nodes', 'node-card', 'nodes'],
      ['nav-proxmox-guests', 'guest-row', 'guests'],
      ['nav-proxmox-storage', 'storage-table', 'storage'],
      ['nav-proxmox-backups', 'datastore-card', 'backups'],
      ['nav-proxmox-ceph', 'ceph-cluster', 'ceph'],
      ['nav-connections', 'connection-row', 'connections'],
    ] as const) {
      await open(nav, testId);
      await shot(`${name}-light`);
    }
    await open('nav-proxmox-guests', 'guest-row');
    await page.getByTestId('guest-name').first().click();
    await page.getByTestId('guest-detail').waitFor();
    await page.getByTestId('history').locator('canvas').first().waitFor();
    await shot('guest-light');
    await page.getByTestId('theme-toggle').first().click();
  });

  it('adds a connection to the second cluster member through the form, against the real API', async () => {
    const pve = (await connections()).find((c) => c.name === 'demo-pve')!;
    const second = pve.endpoints[1]!;
    await open('nav-connections', 'connection-row');
    await page.getByTestId('add-connection-open').click();
    await page.getByTestId('connection-name').fill('lab');
    await page.getByTestId('connection-endpoints').fill(second);
    await page.getByTestId('connection-token-id').fill(DEMO_TOKEN.id);
    await page.getByTestId('connection-secret').fill('not-the-secret');

    // The cluster shares one certificate, so the second member offers the pin the demo stored.
    await page.getByTestId('connection-fetch-fingerprint').click();
    await page.getByTestId('fingerprint-offer').waitFor();
    await page.getByTestId('connection-trust-fingerprint').click();
    await expect(page.getByTestId('connection-fingerprint').inputValue()).resolves.toBe(pve.tls.fingerprint);

    // A wrong secret explains itself: the 401, and what to check.
    await page.getByTestId('connection-test').click();
    await expect(page.getByTestId('connection-test-result').textContent()).resolves.toContain('401');
    await expect(page.getByTestId('connection-test-hint').textContent()).resolves.toMatch(/token id/i);
    await shot('connection-form-401-dark');

    await page.getByTestId('connection-secret').fill(DEMO_TOKEN.secret);
    await page.getByTestId('connection-test').click();
    const result = page.getByTestId('connection-test-result');
    await expect(result.textContent()).resolves.toContain('Connected');
    await expect(result.textContent()).resolves.toContain('pve1, pve2, pve3');
    await shot('connection-form-dark');

    await page.getByTestId('connection-save').click();
    await page.getByTestId('connection-form').waitFor({ state: 'detached' });
    const lab = page.locator('[data-testid=connection-row][data-name=lab]');
    await expect.poll(() => lab.getByTestId('connection-state').textContent(), { timeout: 20_000 }).toBe('Connected');
    const saved = (await connections()).find((c) => c.name === 'lab')!;
    expect(saved).toMatchObject({ product: 'pve', endpoints: [second], tls: { fingerprint: pve.tls.fingerprint } });
    await shot('connections-added-dark');

    // Removing it takes its copy of the estate away again.
    await lab.getByTestId('connection-delete').click();
    await page.getByTestId('delete-connection-dialog-confirm').click();
    await expect.poll(() => page.getByTestId('connection-row-name').allTextContents()).not.toContain('lab');
    await expect.poll(async () => (await resources()).filter((r) => r.id.startsWith('pve:lab:')).length).toBe(0);
  });
});
