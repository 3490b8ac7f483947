import type { Resource } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import {
  containerFactsOf, currentState, diedBadly, isStale, liveFigures, portLabels, stateView, uptimeText, workloadRow, type ContainerFacts,
} from '../../packages/web/src/features/workloads/container-model.ts';
import {
  countByStatus, hostOptions, matchesWorkload, nextWorkloadSort, NO_PROJECT, parseWorkloadSort, projectOptions, sortWorkloads, type WorkloadQuery,
} from '../../packages/web/src/features/workloads/workload-filter.ts';

const MIB = 1024 ** 2;
const ALL_WORKLOADS: WorkloadQuery = { text: '', status: 'all', host: 'all', project: 'all' };
const NOW = Date.UTC(2026, 10, 30, 12, 0);

function container(name: string, details: Record<string, unknown>, over: Partial<Resource> = {}): Resource {
  return {
    id: `container:agent:a1/${name}`, type: 'app-container', name, parentId: 'host:agent:a1', source: 'agent:a1', status: 'online',
    metrics: {}, details, identity: {}, tags: [], lastSeen: NOW, ...over,
  };
}

// Shape from packages/collectors/src/docker/container-resource.ts, as an agent reports it.
const web = container('shop-web-1', {
  engineId: 'ab'.repeat(32), image: 'nginx:1.27', state: 'running', status: 'Up 3 hours (healthy)', health: 'healthy',
  ports: [
    { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' },
    { privatePort: 80, publicPort: 8080, ip: '::', type: 'tcp' },
    { privatePort: 443, type: 'tcp' },
  ],
  createdAt: NOW - 86_400_000, startedAt: NOW - 3 * 3_600_000 - 12 * 60_000, exitCode: 0, oomKilled: false,
  composeProject: 'shop', composeService: 'web', collectError: null,
}, { metrics: { cpu: 12.5, 'mem.used': 40 * MIB, 'mem.limit': 256 * MIB, 'mem.percent': 15.6, 'net.rx_bps': 1000, 'net.tx_bps': 500, restarts: 0 } });
const facts = (details: Record<string, unknown>): ContainerFacts => containerFactsOf(container('x', details));

describe('container facts', () => {
  it('reads what the Docker collector reports, and drops what it cannot read', () => {
    const f = containerFactsOf(web);
    expect(f).toMatchObject({ image: 'nginx:1.27', state: 'running', health: 'healthy', composeProject: 'shop', composeService: 'web', oomKilled: false });
    expect(f.collectError).toBeUndefined();
    expect(f.ports).toHaveLength(3);
    expect(facts({ state: 'sleeping', health: 'sick', ports: [{ publicPort: 1 }], startedAt: -62135596800000 })).toMatchObject({
      state: 'unknown', health: 'none', ports: [], startedAt: undefined,
    });
  });

  it('names the state by what it asks of you', () => {
    const view = (d: Record<string, unknown>) => stateView(facts(d));
    expect(view({ state: 'running', health: 'healthy' })).toEqual({ label: 'Healthy', tone: 'ok' });
    expect(view({ state: 'running', health: 'none' })).toEqual({ label: 'Running', tone: 'ok' });
    expect(view({ state: 'running', health: 'unhealthy' })).toEqual({ label: 'Unhealthy', tone: 'warn' });
    expect(view({ state: 'running', health: 'starting' })).toEqual({ label: 'Starting', tone: 'accent' });
    expect(view({ state: 'restarting' })).toEqual({ label: 'Restarting', tone: 'warn' });
    expect(view({ state: 'paused' })).toEqual({ label: 'Paused', tone: 'warn' });
    // A finished job is neutral; a crash and an OOM kill are not.
    expect(view({ state: 'exited', exitCode: 0 })).toEqual({ label: 'Exited (0)', tone: 'unknown' });
    expect(view({ state: 'exited', exitCode: 1 })).toEqual({ label: 'Exited (1)', tone: 'crit' });
    expect(view({ state: 'exited', exitCode: 137, oomKilled: true })).toEqual({ label: 'OOM-killed', tone: 'crit' });
    expect(view({ state: 'dead' })).toEqual({ label: 'Dead', tone: 'crit' });
    expect(view({ state: 'created' })).toEqual({ label: 'Created', tone: 'unknown' });
    expect(diedBadly(facts({ state: 'exited', exitCode: 0 }))).toBe(false);
    expect(diedBadly(facts({ state: 'exited', exitCode: 2 }))).toBe(true);
    expect(diedBadly(facts({ state: 'running', exitCode: 2 }))).toBe(false);
  });

  it('does not vouch for figures its reporter stopped sending', () => {
    const running = containerFactsOf(web);
    // The agent went silent: offline while it last ran.
    expect(isStale({ ...web, status: 'offline' }, running)).toBe(true);
    expect(currentState({ ...web, status: 'offline' }, running)).toEqual({ label: 'No data', tone: 'unknown' });
    // The remote engine cannot be read.
    expect(isStale({ ...web, status: 'unknown' }, running)).toBe(true);
    // Exited and offline is simply stopped.
    const exited = facts({ state: 'exited', exitCode: 0 });
    expect(currentState({ ...web, status: 'offline' }, exited).label).toBe('Exited (0)');
    expect(liveFigures({ ...web, status: 'offline' }, running).cpu).toBeUndefined();
  });

  it('hides the last figures of a container that stopped, since a live update never removes them', () => {
    const stopped = { ...web, status: 'offline' as const, details: { ...web.details, state: 'exited', exitCode: 0 } };
    expect(liveFigures(stopped, containerFactsOf(stopped))).toMatchObject({ cpu: undefined, memUsed: undefined, rx: undefined });
    expect(workloadRow(stopped, undefined).restarts).toBe(0);
    expect(liveFigures(web, containerFactsOf(web))).toMatchObject({ cpu: 12.5, memUsed: 40 * MIB, memLimit: 256 * MIB, memPercent: 15.6, rx: 1000, tx: 500 });
  });

  it('says how long it has been up, or since when it is down', () => {
    expect(uptimeText(containerFactsOf(web), NOW)).toBe('Up 3h 12m');
    expect(uptimeText(facts({ state: 'exited', finishedAt: NOW - 5 * 60_000 }), NOW)).toBe('Stopped 5 min ago');
    expect(uptimeText(facts({ state: 'exited' }), NOW)).toBe('Stopped');
    expect(uptimeText(facts({ state: 'created' }), NOW)).toBe('Never started');
    expect(uptimeText(facts({ state: 'restarting' }), NOW)).toBe('Restarting');
  });

  it('lists published ports once, though engines list one binding per address family', () => {
    expect(portLabels(containerFactsOf(web).ports)).toEqual(['443/tcp', '8080→80/tcp']);
    expect(portLabels([{ privatePort: 53, publicPort: 5353, ip: '127.0.0.1', type: 'udp' }, { privatePort: 80, publicPort: 80, ip: 'fe80::1', type: 'tcp' }])).toEqual([
      '[fe80::1]:80→80/tcp',
      '127.0.0.1:5353→53/udp',
    ]);
  });

  it('builds a row with its host’s name and container-scale figures', () => {
    const host = { ...web, id: 'host:agent:a1', type: 'host' as const, name: 'edge-1', parentId: undefined };
    expect(workloadRow(web, host)).toMatchObject({ hostId: 'host:agent:a1', hostName: 'edge-1', cpu: 12.5, state: { label: 'Healthy' } });
  });
});

describe('workloads list', () => {
  const rows = [
    workloadRow(web, { ...web, id: 'host:agent:a1', name: 'edge-1' }),
    workloadRow(container('shop-api-1', { image: 'acme/api:2', state: 'running', health: 'unhealthy', composeProject: 'shop', composeService: 'api', startedAt: NOW - 60_000 }, { status: 'degraded', metrics: { cpu: 80, 'mem.used': 300 * MIB, restarts: 4 } }), { ...web, id: 'host:agent:a1', name: 'edge-1' }),
    workloadRow(container('backup', { image: 'restic/restic', state: 'exited', exitCode: 0 }, { status: 'offline', parentId: 'docker:nas', metrics: { restarts: 0 } }), { ...web, id: 'docker:nas', name: 'nas' }),
    workloadRow(container('importer', { image: 'acme/importer', state: 'exited', exitCode: 137, oomKilled: true }, { status: 'offline', parentId: 'docker:nas', metrics: {} }), { ...web, id: 'docker:nas', name: 'nas' }),
  ];
  const names = (list: typeof rows) => list.map((r) => r.resource.name);

  it('filters by status, host, project and every word of the text', () => {
    const match = (q: Partial<typeof ALL_WORKLOADS>) => names(rows.filter((r) => matchesWorkload(r, { ...ALL_WORKLOADS, ...q })));
    expect(match({})).toHaveLength(4);
    expect(match({ status: 'degraded' })).toEqual(['shop-api-1']);
    expect(match({ host: 'docker:nas' })).toEqual(['backup', 'importer']);
    expect(match({ project: 'shop' })).toEqual(['shop-web-1', 'shop-api-1']);
    expect(match({ project: NO_PROJECT })).toEqual(['backup', 'importer']);
    expect(match({ text: 'NGINX' })).toEqual(['shop-web-1']);
    expect(match({ text: 'shop unhealthy' })).toEqual(['shop-api-1']);
    expect(match({ text: 'nas oom' })).toEqual(['importer']);
  });

  it('sorts figures with missing ones last, and state with trouble first', () => {
    expect(names(sortWorkloads(rows, { key: 'cpu', dir: 'desc' }))).toEqual(['shop-api-1', 'shop-web-1', 'backup', 'importer']);
    expect(names(sortWorkloads(rows, { key: 'cpu', dir: 'asc' }))).toEqual(['shop-web-1', 'shop-api-1', 'backup', 'importer']);
    expect(names(sortWorkloads(rows, { key: 'state', dir: 'asc' }))).toEqual(['importer', 'shop-api-1', 'shop-web-1', 'backup']);
    expect(names(sortWorkloads(rows, { key: 'restarts', dir: 'desc' }))).toEqual(['shop-api-1', 'backup', 'shop-web-1', 'importer']);
    // Up longest first; stopped ones have no uptime.
    expect(names(sortWorkloads(rows, { key: 'uptime', dir: 'desc' }))).toEqual(['shop-web-1', 'shop-api-1', 'backup', 'importer']);
    expect(names(sortWorkloads(rows, { key: 'host', dir: 'asc' }))).toEqual(['shop-api-1', 'shop-web-1', 'backup', 'importer']);
  });

  it('reads the sort from the URL and flips it on a second click', () => {
    expect(parseWorkloadSort('cpu:desc')).toEqual({ key: 'cpu', dir: 'desc' });
    expect(parseWorkloadSort('bogus:desc')).toEqual({ key: 'name', dir: 'asc' });
    expect(parseWorkloadSort(undefined)).toEqual({ key: 'name', dir: 'asc' });
    expect(nextWorkloadSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextWorkloadSort({ key: 'name', dir: 'asc' }, 'restarts')).toEqual({ key: 'restarts', dir: 'desc' });
    expect(nextWorkloadSort({ key: 'cpu', dir: 'desc' }, 'project')).toEqual({ key: 'project', dir: 'asc' });
  });

  it('offers each host and compose project with its count', () => {
    expect(hostOptions(rows)).toEqual([
      { value: 'host:agent:a1', label: 'edge-1', count: 2 },
      { value: 'docker:nas', label: 'nas', count: 2 },
    ]);
    expect(projectOptions(rows)).toEqual([
      { value: 'shop', label: 'shop', count: 2 },
      { value: NO_PROJECT, label: 'No project', count: 2 },
    ]);
    expect(projectOptions(rows.slice(2))).toEqual([]);
    expect(countByStatus(rows)).toEqual({ online: 1, degraded: 1, offline: 2, unknown: 0 });
  });
});
