import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium, root, signIn } from './support';
// @ts-expect-error: a plain .mjs tool without types
import { startProxmoxHarness } from './proxmox-harness.mjs';

/*
 * The Proxmox pages against a made-up estate: the built server fed generated resources in the shapes
 * of packages/server/src/sources/proxmox/CONTRACT.md (test/e2e/proxmox-estate.mjs, served by
 * proxmox-harness.mjs), driven through Debian's Chromium. It covers what the demo's estate does not
 * (an offline node, a failing disk, Ceph warnings, stale backups, 5,000 guests); the pages with real
 * demo data and the connection form against the real API are in proxmox-demo.test.ts. Screenshots
 * of every page, dark and light, land in test-results/proxmox-ui/.
 */

interface Harness {
  base: string;
  credentials: { username: string; password: string };
  estate: { guests: { vmid: number; kind: 'qemu' | 'lxc'; name: string; node: string; status: string; template: boolean; agent?: string; backup: string }[] };
  close(): Promise<void>;
}

const shots = join(root, 'test-results/proxmox-ui');
const title = hasChromium ? 'Proxmox pages, end to end' : `Proxmox pages, end to end (no Chromium at ${CHROMIUM})`;
if (!hasChromium && !process.env.CI) console.warn(`[e2e] Proxmox UI test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name) });
const numbers = (texts: string[]) => texts.map((t) => Number.parseFloat(t));

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let harness: Harness;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium).`);
    mkdirSync(shots, { recursive: true });
    harness = await startProxmoxHarness({ guests: 40 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, harness.base, harness.credentials);
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows each node with its figures, and the error of the one not answering', async () => {
    await page.getByTestId('nav-proxmox-nodes').first().click();
    await page.getByTestId('node-card').first().waitFor();
    expect(await page.getByTestId('node-name').allTextContents()).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    const pve4 = page.locator('[data-testid=node-card][data-node=pve4]');
    await expect(pve4.getByTestId('node-error').textContent()).resolves.toContain('595');
    await expect(pve4.getByTestId('node-status').textContent()).resolves.toBe('Offline');
    const pve3 = page.locator('[data-testid=node-card][data-node=pve3]');
    await expect(pve3.getByTestId('node-updates').textContent()).resolves.toBe('12 updates');
    await expect(pve3.getByTestId('mem-source').textContent()).resolves.toBe('MemAvailable (RRD)');
    await expect(pve3.getByTestId('node-cpu').textContent()).resolves.toMatch(/\d+%.*16 cores/);
    await shot(page, 'nodes-dark.png');
  });

  it('lists every guest, narrows it with filters kept in the URL, and sorts by a column', async () => {
    const guests = harness.estate.guests;
    await page.getByTestId('nav-proxmox-guests').first().click();
    await page.getByTestId('guest-row').first().waitFor();
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${guests.length} guests`);
    await shot(page, 'guests-dark.png');

    await page.getByTestId('guests-search').fill('web-01');
    await expect.poll(() => page.getByTestId('guest-name').allTextContents()).toEqual(['web-01']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('web-01');
    await page.getByTestId('guests-search').fill('');

    const lxc = guests.filter((g) => g.kind === 'lxc').length;
    await page.getByTestId('guests-type').locator('[data-value=lxc]').click();
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${lxc} of ${guests.length} guests`);
    expect(new URL(page.url()).searchParams.get('type')).toBe('lxc');
    await page.getByTestId('guests-node').selectOption('pve2');
    const lxcOnPve2 = guests.filter((g) => g.kind === 'lxc' && g.node === 'pve2').length;
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${lxcOnPve2} of ${guests.length} guests`);
    expect(new Set(await page.getByTestId('guest-node').allTextContents())).toEqual(new Set(['pve2']));
    await page.getByTestId('guests-clear').click();
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toBe(`${guests.length} guests`);

    await page.getByRole('columnheader').getByText('CPU', { exact: true }).click();
    expect(new URL(page.url()).searchParams.get('sort')).toBe('cpu:desc');
    const cpu = numbers(await page.getByTestId('guest-cpu').allTextContents());
    expect(cpu.length).toBeGreaterThan(3);
    expect(cpu.slice(0, 4)).toEqual([...cpu.slice(0, 4)].sort((a, b) => b - a));
    await page.getByRole('columnheader').getByText('Guest', { exact: true }).click();
    const names = await page.getByTestId('guest-name').allTextContents();
    expect(names.slice(0, 5)).toEqual([...names.slice(0, 5)].sort((a, b) => a.localeCompare(b)));
  });

  it('opens a guest with its facts, filesystems from the agent, and history charts', async () => {
    const guest = harness.estate.guests.find((g) => g.kind === 'qemu' && g.status === 'running' && g.agent === 'running')!;
    await page.getByTestId('guests-search').fill(guest.name);
    await page.getByTestId('guest-name').filter({ hasText: guest.name }).first().click();
    await page.getByTestId('guest-detail').waitFor();
    await expect(page.getByTestId('host-name').textContent()).resolves.toBe(guest.name);
    await expect(page.getByTestId('guest-fact-vmid').textContent()).resolves.toBe(String(guest.vmid));
    await expect(page.getByTestId('guest-fact-node').textContent()).resolves.toBe(guest.node);
    await expect(page.getByTestId('guest-fact-agent').textContent()).resolves.toBe('Running');
    await expect.poll(() => page.getByTestId('guest-filesystems-table').locator('tbody tr').count()).toBe(3);
    await page.getByTestId('history').locator('canvas').first().waitFor();
    await shot(page, 'guest-dark.png');
  });

  it('lists the storage with shared storage once, the degraded ZFS pool and the failing disk', async () => {
    await page.getByTestId('nav-proxmox-storage').first().click();
    await page.getByTestId('storage-table').waitFor();
    const names = await page.getByTestId('storage-name').allTextContents();
    expect(names.filter((n) => n === 'nas-nfs')).toHaveLength(1);
    expect(await page.getByTestId('zfs-health').allTextContents()).toContain('DEGRADED');
    expect(await page.getByTestId('disk-health').allTextContents()).toContain('FAILED');
    await shot(page, 'storage-dark.png');
  });

  it('shows datastores, backup groups and the guests without a recent backup', async () => {
    const expected = harness.estate.guests.filter((g) => !g.template && (g.backup === 'none' || g.backup === 'stale')).map((g) => g.name);
    await page.getByTestId('nav-proxmox-backups').first().click();
    await page.getByTestId('datastore-card').first().waitFor();
    expect(await page.getByTestId('datastore-name').allTextContents()).toEqual(['main', 'offsite']);
    await expect.poll(() => page.getByTestId('backups-unprotected-value').textContent()).toBe(String(expected.length));
    expect(expected).toEqual(expect.arrayContaining(await page.getByTestId('unprotected-name').allTextContents()));
    await expect.poll(() => page.getByTestId('group-row').count()).toBeGreaterThan(0);
    await shot(page, 'backups-dark.png');
  });

  it('shows Ceph health with its checks and OSD counts', async () => {
    await page.getByTestId('nav-proxmox-ceph').first().click();
    await page.getByTestId('ceph-cluster').waitFor();
    await expect(page.getByTestId('ceph-health').textContent()).resolves.toBe('Warn');
    await expect(page.getByTestId('ceph-check').count()).resolves.toBe(2);
    await expect(page.getByTestId('ceph-osd-up-value').textContent()).resolves.toBe('8 / 9');
    await shot(page, 'ceph-dark.png');
  });

  it('reads the same in the light theme', async () => {
    await page.getByTestId('theme-toggle').first().click();
    for (const [nav, testId, name] of [
      ['nav-proxmox-nodes', 'node-card', 'nodes'],
      ['nav-proxmox-guests', 'guest-row', 'guests'],
      ['nav-proxmox-storage', 'storage-table', 'storage'],
      ['nav-proxmox-backups', 'datastore-card', 'backups'],
      ['nav-proxmox-ceph', 'ceph-cluster', 'ceph'],
    ] as const) {
      await page.getByTestId(nav).first().click();
      await page.getByTestId(testId).first().waitFor();
      await page.waitForTimeout(300); // the nav's active state and bars settle
      await shot(page, `${name}-light.png`);
    }
    await page.getByTestId('nav-proxmox-guests').first().click();
    await page.getByTestId('guest-name').first().click();
    await page.getByTestId('guest-detail').waitFor();
    await shot(page, 'guest-light.png');
    await page.getByTestId('theme-toggle').first().click();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)(`${title}: 5,000 guests`, () => {
  let harness: Harness;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium).`);
    mkdirSync(shots, { recursive: true });
    harness = await startProxmoxHarness({ guests: 5000 });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' })).newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, harness.base, harness.credentials);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('renders only the rows in view and filters 5,000 guests quickly', async () => {
    await page.goto(`${harness.base}/proxmox/guests`);
    await expect.poll(() => page.getByTestId('guests-count').textContent(), { timeout: 30_000 }).toBe('5,000 guests');
    expect(await page.getByTestId('guest-row').count()).toBeLessThan(60);
    await shot(page, 'guests-5000-dark.png');

    const started = Date.now();
    await page.getByTestId('guests-search').fill('k8s-worker');
    await expect.poll(() => page.getByTestId('guests-count').textContent()).toMatch(/^250 of 5,000 guests$/);
    const filterMs = Date.now() - started;
    expect(filterMs).toBeLessThan(3_000);

    const sortStarted = Date.now();
    await page.getByRole('columnheader').getByText('Memory', { exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('mem:desc');
    await page.getByTestId('guest-row').first().waitFor();
    expect(Date.now() - sortStarted).toBeLessThan(3_000);
    console.log(`[e2e] 5,000 guests: filter ${filterMs} ms, sort ${Date.now() - sortStarted} ms`);
  }, 90_000);
});
