import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEnrolmentAnswer, AgentReport, CreatedInstallToken } from '@pulse/protocol';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentReport, gzipJson } from '../../packages/server/test-support/agent-reports.ts';
import { simulatedFleet, startTestEngine } from '../../tools/docker-sim/index.mjs';
import { EDGE_CONTAINERS, edgeReport } from './edge-agent';
import {
  apiCall, apiSession, assertBuilt, CHROMIUM, cli, freePort, hasChromium, launchChromium, root, shots, signIn, startServer, stop, type ApiSession,
} from './support';

/*
 * Agents and containers as a user meets them. The real agent is not needed: the test enrols over
 * HTTP with an install token and posts hand-made reports (test/e2e/edge-agent.ts) every second, the
 * way pulse-agent would, for "edge-1" and its 30 containers; a second agent, on this very machine,
 * reports once and falls silent, so its host merges with the server's own and it goes offline.
 * A simulated Docker engine ("nas", tools/docker-sim) is polled by the server as a `[[docker.remotes]]`.
 */

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
const VIEWER = { username: 'viewer', password: 'correct horse battery staple' };
const INTERVAL_MS = 1_000;
/** edge-1's clock runs this far behind the server's, which the pages should point out. */
const EDGE_CLOCK_BEHIND_MS = 5_000;
/** Reports 10 s apart that edge-1 resends on enrolling: the last ten minutes. */
const BACKFILL = 60;
/** The remote engine's containers (two compose stacks of web, api and db). */
const NAS_FLEET = simulatedFleet(6);
const ALL_CONTAINERS = EDGE_CONTAINERS.length + NAS_FLEET.length;

if (!hasChromium && !process.env.CI) {
  console.warn(`[e2e] agents test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set PULSE_E2E_CHROMIUM)`);
}

/** Waits for a value the pages reach within seconds (a report, a refresh), not expect.poll's default second. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 100 });

const title = hasChromium ? 'agents and containers, end to end' : `agents and containers, end to end (no Chromium at ${CHROMIUM})`;

describe.skipIf(!hasChromium && !process.env.CI)(title, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  let dataDir: string;
  let serverEnv: NodeJS.ProcessEnv;
  let admin: ApiSession;
  let edge: { agentId: string; token: string } | undefined;
  let reporting: Promise<void> | undefined;
  let engine: Awaited<ReturnType<typeof startTestEngine>> | undefined;
  let stopReporting = false;
  const reportErrors: string[] = [];

  const post = (path: string, token: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const enrol = async (installToken: string, hostname: string, machineId: string) => {
    const res = await post('/api/agents/enrol', installToken, { hostname, machineId, version: '0.3.1' });
    expect(res.status).toBe(200);
    return (await res.json()) as AgentEnrolmentAnswer;
  };
  const sendReport = async (token: string, report: AgentReport, sentAt: number) => {
    const res = await post('/api/agents/report', token, { reports: [report], sentAt });
    if (!res.ok) throw new Error(`report answered ${res.status}: ${await res.text()}`);
  };
  /**
   * edge-1 first resends ten minutes of buffered reports in one batch (as an agent does after an
   * outage), so sparklines and charts have a past; then it reports every second until the suite
   * ends, its clock EDGE_CLOCK_BEHIND_MS behind the server's.
   */
  const reportLoop = async (agent: { token: string }) => {
    const agentNow = Date.now() - EDGE_CLOCK_BEHIND_MS;
    const buffered = Array.from({ length: BACKFILL }, (_, k) => edgeReport(k, agentNow - (BACKFILL - k) * 10_000, INTERVAL_MS));
    // Gzip, as the agent sends it: ten minutes of 30 containers is over the 1 MiB limit uncompressed.
    const res = await fetch(`${base}/api/agents/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipJson({ reports: buffered, sentAt: agentNow }),
    });
    if (!res.ok) reportErrors.push(`backfill answered ${res.status}: ${await res.text()}`);
    for (let seq = BACKFILL; !stopReporting; seq++) {
      const agentNow = Date.now() - EDGE_CLOCK_BEHIND_MS;
      try {
        await sendReport(agent.token, edgeReport(seq, agentNow, INTERVAL_MS), agentNow);
      } catch (err) {
        reportErrors.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, name) });
  /** The page scrolls inside the app shell, so a tall page needs a tall viewport to be captured whole. */
  const tallShot = async (name: string, height: number) => {
    await page.setViewportSize({ width: 1440, height });
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(shots, name) });
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  const rowNamed = (rows: Locator, name: string) => rows.filter({ has: page.getByText(name, { exact: true }) });
  const workloadRows = () => page.getByTestId('workload-row');
  const workloadCount = async () => Number((await page.getByTestId('workloads-count').textContent())!.match(/^(\d+)/)![1]);

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(shots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-e2e-agents-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The engine starts empty, so the first test sees Pulse with no containers at all.
    engine = await startTestEngine({ containers: [] });
    const config = join(dataDir, 'pulse.toml');
    writeFileSync(config, `[[docker.remotes]]\nname = "nas"\nurl = "${engine.url}"\ninterval_ms = 1000\n`);
    serverEnv = {
      ...process.env,
      PULSE_CONFIG: config,
      PULSE_HOST: '127.0.0.1',
      PULSE_PORT: String(port),
      PULSE_DATA_DIR: dataDir,
      PULSE_LOCAL_INTERVAL_MS: '1000',
      PULSE_HISTORY_FLUSH_INTERVAL_MS: '1000',
      PULSE_LOG_LEVEL: 'warn',
    };
    server = (await startServer(serverEnv, base)).child;
    admin = await apiSession(base, ADMIN);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ADMIN);
  }, 120_000);

  afterAll(async () => {
    stopReporting = true;
    await reporting;
    await browser?.close();
    await stop(server);
    await engine?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('explains how to get containers and agents before any agent reports', async () => {
    await page.getByTestId('nav-workloads').first().click();
    await page.getByTestId('workloads-empty').waitFor();
    expect(await page.getByTestId('workloads-empty').textContent()).toContain('[[docker.remotes]]');
    await shot('workloads-empty.png');

    await page.getByTestId('nav-agents').first().click();
    await page.getByTestId('agents-empty').waitFor();
    expect(await page.getByTestId('install-tokens').textContent()).toContain('No token can enrol machines');
    await shot('agents-empty.png');
  });

  it('lists an agent that reports and one that fell silent, with version, Docker and clock', async () => {
    const token = await apiCall<CreatedInstallToken>(base, admin, 'POST', '/api/agents/install-tokens', { expiresInHours: 1, maxUses: 2 });
    const enrolled = await enrol(token.token, 'edge-1', 'e'.repeat(32));
    edge = { agentId: enrolled.agentId, token: enrolled.token };
    reporting = reportLoop(edge);

    // An agent on the server's own machine: same machine id, so its host joins the server's.
    const hosts = await apiCall<{ resources: { source: string; identity: { machineId?: string } }[] }>(base, admin, 'GET', '/api/resources?type=host');
    const machineId = hosts.resources.find((r) => r.source === 'local')!.identity.machineId!;
    const twin = await enrol(token.token, 'pulse-server', machineId);
    const twinReport = agentReport({ machineId, hostname: 'pulse-server' });
    twinReport.intervalMs = INTERVAL_MS;
    twinReport.host.metrics = {};
    twinReport.host.details = {};
    twinReport.containers = [];
    twinReport.docker = { state: 'unavailable', message: 'No Docker socket at /var/run/docker.sock' };
    await sendReport(twin.token, twinReport, Date.now());
    // Meanwhile the remote engine starts its containers; one of them dies of OOM.
    for (const spec of NAS_FLEET) engine!.sim.addContainer(spec);
    engine!.sim.die(NAS_FLEET[4]!.name, { exitCode: 137, oomKilled: true });

    await page.reload();
    const rows = page.getByTestId('agents-table').locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    const edgeRow = rowNamed(rows, 'edge-1');
    await poll(() => edgeRow.getByTestId('agent-status').textContent()).toBe('Online');
    await poll(() => edgeRow.getByTestId('agent-docker-state').textContent()).toBe('Docker 27.3.1');
    await poll(() => edgeRow.getByTestId('agent-clock-skew').textContent()).toMatch(/^[5-6]\.\d s behind the server$/);
    expect(await edgeRow.textContent()).toContain('0.3.1');
    // No report for three of its intervals: offline.
    const twinRow = rowNamed(rows, 'pulse-server');
    await poll(() => twinRow.getByTestId('agent-status').textContent()).toBe('Offline');
    expect(await twinRow.getByTestId('agent-docker-state').textContent()).toBe('No Docker');
    await poll(() => edgeRow.getByTestId('agent-last-report').textContent()).toMatch(/just now|\d s ago/);
    expect(await page.getByTestId('agents-summary').textContent()).toContain('1 offline');
    // The install token is used up by the two enrolments, so none is active.
    expect(await page.getByTestId('install-tokens-table').locator('tbody tr').count()).toBe(0);
    await page.mouse.move(0, 0);
    await shot('agents.png');
    expect(reportErrors).toEqual([]);
  });

  it('creates an install command with a fresh token, copies it, and revokes the token', async () => {
    await page.getByTestId('add-agent-open').click();
    await page.getByTestId('agent-requirements').waitFor();
    expect(await page.getByTestId('agent-requirements').textContent()).toMatch(/Node\.js 20.*systemd|systemd.*Node\.js 20/s);
    await page.getByTestId('install-token-expiry-choice').locator('[data-value="168"]').click();
    await page.getByTestId('install-token-uses').fill('0');
    await poll(() => page.getByTestId('install-token-uses-note').textContent()).toContain('At least 1');
    expect(await page.getByTestId('add-agent-create').isDisabled()).toBe(true);
    await page.getByTestId('install-token-uses').fill('3');
    await page.getByTestId('add-agent-create').click();

    const command = page.getByTestId('install-command-text');
    await command.waitFor();
    const text = (await command.textContent())!;
    expect(text).toContain(`${base}/api/agents/install.sh?token=pulse_install_`);
    expect(text).toMatch(/^curl -fsSL '.+' \| sudo sh$/);
    expect(await page.getByTestId('install-token-expiry').textContent()).toMatch(/Works on 3 machines until .+ \(in [67] d\)/);
    // Plain HTTP here, so the server's warning is shown.
    expect(await page.getByTestId('install-note').textContent()).toContain('plain HTTP');
    await page.getByTestId('install-command-copy').click();
    await poll(() => page.getByTestId('install-command-copy').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    await poll(() => page.getByTestId('install-tokens-table').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('install-tokens-table').textContent()).toContain('0 of 3');
    await page.mouse.move(0, 0);
    await shot('add-agent.png');

    await page.getByTestId('add-agent-done').click();
    expect(await page.getByTestId('add-agent').count()).toBe(0);
    await page.getByTestId('install-token-revoke').click();
    await poll(() => page.getByTestId('install-tokens-table').locator('tbody tr').count()).toBe(0);
  });

  it('lists every container in Workloads, with filters that narrow it', async () => {
    await page.getByTestId('nav-workloads').first().click();
    await page.getByTestId('workloads-table').waitFor();
    await poll(workloadCount).toBe(ALL_CONTAINERS);
    expect(await page.getByTestId('workloads-total-value').textContent()).toBe(String(ALL_CONTAINERS));

    const api = rowNamed(workloadRows(), 'shop-api-1');
    expect(await api.getByTestId('workload-state').textContent()).toBe('Unhealthy');
    expect(await api.getByTestId('workload-host').textContent()).toBe('edge-1');
    expect(await api.getByTestId('workload-restarts').textContent()).toBe('3');
    await poll(() => api.getByTestId('workload-cpu').textContent()).toMatch(/^\d+(\.\d)?%$/);
    // Sparklines fill from the in-memory hour.
    await poll(() => api.locator('svg path').count()).toBeGreaterThan(0);

    // Degraded: the server's call, which covers the unhealthy ones (and maybe restarting and paused).
    await page.getByTestId('workloads-status').locator('[data-value="degraded"]').click();
    await poll(async () => (await workloadRows().getByTestId('workload-name').allTextContents()).sort()).toEqual(expect.arrayContaining(['nodered', 'shop-api-1']));
    for (const state of await workloadRows().getByTestId('workload-state').allTextContents()) expect(['Unhealthy', 'Restarting', 'Paused']).toContain(state);
    expect(await workloadCount()).toBeLessThan(EDGE_CONTAINERS.length);
    expect(new URL(page.url()).searchParams.get('status')).toBe('degraded');
    await page.getByTestId('workloads-status').locator('[data-value="all"]').click();

    // Host: the remote engine's containers only.
    await page.getByTestId('workloads-host').selectOption('docker:nas');
    await poll(workloadCount).toBe(NAS_FLEET.length);
    expect(new Set(await workloadRows().getByTestId('workload-host').allTextContents())).toEqual(new Set(['nas']));
    await page.getByTestId('workloads-host').selectOption('all');

    await page.getByTestId('workloads-project').selectOption('shop');
    await poll(workloadCount).toBe(EDGE_CONTAINERS.filter((c) => c.project === 'shop').length);
    await page.getByTestId('workloads-search').fill('postgres:16.4');
    await poll(workloadCount).toBe(1);
    expect(await workloadRows().first().getByTestId('workload-name').textContent()).toBe('shop-db-1');
    await page.getByTestId('workloads-search').fill('nothing-is-called-this');
    await page.getByTestId('workloads-no-match').waitFor();
    await page.getByTestId('workloads-no-match').getByRole('button', { name: 'Clear filters' }).click();
    await poll(workloadCount).toBe(ALL_CONTAINERS);

    // Sorting by CPU puts the busiest first; containers without a figure go last.
    await page.getByTestId('workloads-table').getByRole('button', { name: 'CPU' }).click();
    expect(new URL(page.url()).searchParams.get('sort')).toBe('cpu:desc');
    const shownCpu = async () => (await workloadRows().getByTestId('workload-cpu').allTextContents()).map((t) => parseFloat(t));
    await poll(async () => (await shownCpu()).length).toBeGreaterThan(5);
    const cpus = await shownCpu();
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
    // Stopped containers show their exit, not stale figures.
    const oom = rowNamed(workloadRows(), 'report-importer');
    await page.getByTestId('workloads-search').fill('importer');
    await poll(() => oom.getByTestId('workload-state').textContent()).toBe('OOM-killed');
    expect(await oom.getByTestId('workload-cpu').count()).toBe(0);
    await page.getByTestId('workloads-search').fill('');
    await page.getByTestId('workloads-table').getByRole('button', { name: 'Container' }).click();
    await poll(() => workloadRows().first().getByTestId('workload-name').textContent()).toBe('backup-nightly');
    await page.mouse.move(0, 0);
    await shot('workloads.png');
  });

  it('opens a container with its facts, figures and history charts', async () => {
    await rowNamed(workloadRows(), 'shop-api-1').getByTestId('workload-name').click();
    await page.getByTestId('container-detail').waitFor();
    expect(await page.getByTestId('host-name').textContent()).toBe('shop-api-1');
    expect(await page.getByTestId('container-state').textContent()).toBe('Unhealthy');
    expect(await page.getByTestId('container-image').textContent()).toBe('ghcr.io/acme/shop-api:2.4.1');
    expect(await page.getByTestId('container-host-link').textContent()).toBe('edge-1');
    expect(await page.getByTestId('container-compose').textContent()).toBe('shop / api');
    expect(await page.getByTestId('container-restarts').textContent()).toBe('3');
    expect(await page.getByTestId('container-exit-code').textContent()).toBe('running');
    expect(await page.getByTestId('container-ports').textContent()).toBe('3000/tcp');
    expect(await page.getByTestId('container-uptime').textContent()).toMatch(/^Up 2\dm \d+s$/);
    await poll(() => page.getByTestId('container-cpu-value').textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.getByTestId('container-mem-value').textContent()).toMatch(/MiB$/);

    // The charts: CPU, memory used vs limit, network, block I/O, from history and live samples.
    for (const chart of ['cpu-chart', 'memory-chart', 'network-chart', 'block-io-chart']) {
      await page.getByTestId(chart).locator('canvas').first().waitFor();
    }
    const cpu = page.getByTestId('cpu-chart').getByTestId('history-chart');
    await poll(() => cpu.getAttribute('data-status')).toBe('ready');
    await poll(async () => Number(await cpu.getAttribute('data-points'))).toBeGreaterThan(3);
    expect(await page.getByTestId('memory-chart').textContent()).toContain('Limit');
    const last = Number(await cpu.getAttribute('data-last'));
    await poll(async () => Number(await cpu.getAttribute('data-last'))).toBeGreaterThan(last);
    await page.getByTestId('history-range').locator('[data-value="24h"]').click();
    await poll(() => cpu.getAttribute('data-status')).toBe('ready');
    await page.getByTestId('history-range').locator('[data-value="1h"]').click();
    await poll(() => cpu.getAttribute('data-status')).toBe('ready');
    await tallShot('container-detail.png', 1400);
  });

  it('shows why a container died: exit code, OOM kill and the engine', async () => {
    await page.goto(`${base}/resources/${encodeURIComponent(`container:agent:${edge!.agentId}/report-importer`)}`);
    await page.getByTestId('container-detail').waitFor();
    expect(await page.getByTestId('container-state').textContent()).toBe('OOM-killed');
    expect(await page.getByTestId('container-exit-code').textContent()).toBe('137 · OOM-killed');
    expect(await page.getByTestId('container-oom-banner').textContent()).toContain('memory limit');
    expect(await page.getByTestId('container-uptime').textContent()).toMatch(/^Stopped \d+ (min|h) ago$/);
    expect(await page.getByTestId('container-cpu-value').textContent()).toBe('—');
    await shot('container-oom.png');

    await page.goto(`${base}/resources/${encodeURIComponent(`container:agent:${edge!.agentId}/prometheus`)}`);
    expect(await page.getByTestId('collect-error-banner').textContent()).toContain('stats did not answer');
  });

  it('shows the agent host with agent facts, sensors, pressure, top processes and its containers', async () => {
    await page.getByTestId('container-host-link').click();
    await page.getByTestId('host-detail').waitFor();
    expect(await page.getByTestId('host-name').textContent()).toBe('edge-1');
    expect(await page.getByTestId('host-sources').textContent()).toBe('Agent');
    expect(await page.getByTestId('agent-version').textContent()).toBe('0.3.1 · Node 22.11.0 · x64');
    expect(await page.getByTestId('agent-interval').textContent()).toBe('1 s');
    expect(await page.getByTestId('agent-clock').textContent()).toMatch(/s behind the server/);
    expect(await page.getByTestId('agent-docker').textContent()).toBe('Docker 27.3.1');
    expect(await page.getByTestId('clock-skew-banner').textContent()).toContain('timedatectl');
    expect(await page.getByTestId('temperature-value').count()).toBe(5);
    expect(await page.getByTestId('pressure-io').textContent()).toContain('Full');
    expect(await page.getByTestId('top-process-name').first().textContent()).toBe('jellyfin');
    await page.getByTestId('top-processes-order').locator('[data-value="memory"]').click();
    await poll(() => page.getByTestId('top-process-name').nth(1).textContent()).toBe('postgres');
    await poll(() => page.getByTestId('host-containers-table').locator('tbody tr').count()).toBe(EDGE_CONTAINERS.length);
    // Trouble first: the crashed and unhealthy ones top the host's list.
    expect(await page.getByTestId('host-container-name').first().textContent()).toMatch(/report-importer|legacy-cron/);
    await page.getByTestId('cpu-chart').locator('canvas').first().waitFor();
    await tallShot('host-agent.png', 3900);

    await page.getByTestId('host-containers-all').click();
    await page.getByTestId('workloads-page').waitFor();
    expect(new URL(page.url()).searchParams.get('host')).toBe(`host:agent:${edge!.agentId}`);
    await poll(workloadCount).toBe(EDGE_CONTAINERS.length);
    expect(await page.getByTestId('workloads-count').textContent()).toBe(`${EDGE_CONTAINERS.length} of ${ALL_CONTAINERS} containers`);
  });

  it('nests containers under their host in Infrastructure and names every source', async () => {
    await page.getByTestId('nav-infrastructure').first().click();
    const rows = page.getByTestId('resource-row');
    const edgeRow = rows.filter({ has: page.getByTestId('resource-name').getByText('edge-1', { exact: true }) });
    await edgeRow.waitFor();
    expect(await edgeRow.getByTestId('resource-source').textContent()).toBe('Agent');
    expect(await edgeRow.textContent()).toContain(`${EDGE_CONTAINERS.length} containers`);
    // The server's own host is reported by the server and the silent agent on the same machine.
    const sources = await rows.getByTestId('resource-source').allTextContents();
    expect(sources).toContain('Local + Agent');
    expect(sources).toContain('Docker');
    // Closed, the containers are not listed; opened, they follow their host (or engine).
    expect(await rows.count()).toBe(3);
    expect(await page.getByTestId('resource-count').textContent()).toBe(`${ALL_CONTAINERS + 3} resources`);
    await edgeRow.getByTestId('tree-toggle').click();
    const containerRows = page.locator('[data-testid="resource-row"][data-key^="container:"]');
    await poll(() => containerRows.count()).toBeGreaterThan(5);
    expect(await containerRows.first().getByTestId('resource-source').textContent()).toBe('Agent');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300); // the toggle's chevron turns
    await shot('infrastructure-agents.png');
    // A filter lists matches flat, containers included.
    await page.getByTestId('resource-search').fill('postgres:16.4');
    await poll(() => rows.count()).toBe(1);
    await page.getByTestId('resource-search').fill('');
    await edgeRow.getByTestId('tree-toggle').click();
    await poll(() => rows.count()).toBe(3);
    await page.waitForTimeout(300);
    await shot('infrastructure-agents-closed.png');
  });

  it('shows a remote Docker engine with its containers', async () => {
    await page.goto(`${base}/resources/${encodeURIComponent('docker:nas')}`);
    await page.getByTestId('docker-host-detail').waitFor();
    expect(await page.getByTestId('host-name').textContent()).toBe('nas');
    await poll(() => page.getByTestId('host-containers-table').locator('tbody tr').count()).toBe(NAS_FLEET.length);
    // The one that died of OOM tops the list.
    expect(await page.getByTestId('host-container-name').first().textContent()).toBe(NAS_FLEET[4]!.name);
    await page.mouse.move(0, 0);
    await shot('docker-host.png');
  });

  it('keeps agent controls from a viewer', async () => {
    execFileSync(process.execPath, [cli, 'user', 'add', '--username', VIEWER.username, '--password-stdin', '--role', 'viewer'], {
      cwd: root, env: serverEnv, input: `${VIEWER.password}\n`, stdio: ['pipe', 'ignore', 'pipe'],
    });
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    try {
      const theirs = await context.newPage();
      theirs.setDefaultTimeout(15_000);
      await signIn(theirs, base, VIEWER);
      await theirs.goto(`${base}/system/agents?add=1`);
      await theirs.getByTestId('agents-table').waitFor();
      expect(await theirs.getByTestId('add-agent-open').isDisabled()).toBe(true);
      expect(await theirs.getByTestId('add-agent').count()).toBe(0);
      expect(await theirs.getByTestId('install-tokens').count()).toBe(0);
      expect(await theirs.getByTestId('agent-remove').count()).toBe(0);
      await theirs.screenshot({ path: join(shots, 'agents-viewer-light.png') });
    } finally {
      await context.close();
    }
  });

  it('removes an agent after asking, leaving the server its own host', async () => {
    await page.getByTestId('nav-agents').first().click();
    const rows = page.getByTestId('agents-table').locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    await rowNamed(rows, 'pulse-server').getByTestId('agent-remove').click();
    const dialog = page.getByTestId('remove-agent-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('Remove the agent on pulse-server?');
    await page.mouse.move(0, 0);
    await shot('agent-remove-confirm.png');
    // Cancel first: nothing happens.
    await page.getByTestId('remove-agent-dialog-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows.count()).toBe(2);

    await rowNamed(rows, 'pulse-server').getByTestId('agent-remove').click();
    await page.getByTestId('remove-agent-dialog-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => rows.count()).toBe(1);
    await page.getByTestId('nav-infrastructure').first().click();
    await poll(() => page.getByTestId('resource-source').allTextContents()).toEqual(expect.arrayContaining(['Local', 'Agent', 'Docker']));
    expect(await page.getByTestId('resource-source').allTextContents()).not.toContain('Local + Agent');
  });

  it('draws the new pages in the light theme', async () => {
    await page.getByTestId('theme-toggle').first().click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.getByTestId('nav-workloads').first().click();
    await page.getByTestId('workloads-table').waitFor();
    await page.mouse.move(0, 0);
    await shot('workloads-light.png');
    await page.goto(`${base}/resources/${encodeURIComponent(`container:agent:${edge!.agentId}/jellyfin`)}`);
    await page.getByTestId('cpu-chart').locator('canvas').first().waitFor();
    await poll(() => page.getByTestId('cpu-chart').getByTestId('history-chart').getAttribute('data-status')).toBe('ready');
    await tallShot('container-detail-light.png', 1400);
    await page.getByTestId('theme-toggle').first().click();
    expect(reportErrors).toEqual([]);
  });
});
