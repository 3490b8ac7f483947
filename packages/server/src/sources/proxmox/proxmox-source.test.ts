import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { startProxmoxSim } from '../../../../../tools/proxmox-sim/index.mjs';
import type { Observation, ObservedResource } from '../../resources/observation.js';
import { createProxmoxClient, type ProxmoxAuth } from './client/index.js';
import { createPbsPoller } from './poll/pbs-poller.js';
import { createPmgPoller } from './poll/pmg-poller.js';
import type { ProductPoller } from './poll/poll-context.js';
import { createPvePoller } from './poll/pve-poller.js';
import { createProxmoxSource, type ProxmoxSource } from './proxmox-source.js';

/* The poller against the Proxmox API double: what a cycle reports, and what happens when parts of a cluster fail. */

type Sim = Awaited<ReturnType<typeof startProxmoxSim>>;
const START = Date.UTC(2025, 7, 5, 8);
const quiet = { warn: () => {}, info: () => {} };
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(options: Record<string, unknown>, poller: (client: ReturnType<typeof createProxmoxClient>) => ProductPoller, auth?: ProxmoxAuth) {
  let t = START;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const sim: Sim = await startProxmoxSim({ clock: clock.now, ...options });
  cleanup.push(() => sim.close());
  const product = (options.product as 'pve' | 'pbs' | 'pmg' | undefined) ?? 'pve';
  const client = createProxmoxClient({
    product, endpoints: sim.urls, tls: { fingerprint: sim.fingerprint }, timeoutMs: 60_000,
    auth: auth ?? { kind: 'token', tokenId: 'root@pam!pulse', secret: 'pulse-secret' },
  });
  const observations: Observation[] = [];
  const source: ProxmoxSource = createProxmoxSource({
    product, connection: 'lab', client, poller: poller(client), intervalMs: 2_000, now: clock.now, logger: quiet, random: () => 0.5,
  });
  const sink = (o: Observation) => observations.push(o);
  cleanup.push(() => source.stop());
  const latest = () => observations.at(-1);
  const byId = (id: string): ObservedResource | undefined => latest()?.resources.find((r) => r.id === id);
  const poll = async () => {
    source.start(sink);
    await source.pollNow();
  };
  return { sim, client, source, clock, observations, latest, byId, poll };
}

describe('PVE poller against the simulator', () => {
  it('reports nodes, guests, storage, disks, ZFS pools and Ceph of a PVE 9 cluster', async () => {
    const s = await setup({ nodes: 3, guests: 20, version: 9, ceph: true }, () => createPvePoller());
    await s.poll();
    // Disks, pools and Ceph arrive from background requests: poll until they are in.
    await vi.waitFor(async () => {
      await s.source.pollNow();
      const types = new Set(s.latest()?.resources.map((r) => r.type));
      expect([...types].sort()).toEqual(['ceph', 'disk', 'node', 'storage', 'system-container', 'vm']);
    }, { timeout: 10_000, interval: 20 });
    const resources = s.latest()!.resources;
    expect(resources.filter((r) => r.type === 'node').map((r) => r.id)).toEqual(['pve:lab:node/pve1', 'pve:lab:node/pve2', 'pve:lab:node/pve3']);
    expect(resources.filter((r) => r.type === 'vm' || r.type === 'system-container')).toHaveLength(20);
    expect(s.source.state()).toMatchObject({ status: 'ok', nodes: ['pve1', 'pve2', 'pve3'] });

    // CPU of a running guest is the simulator's 0-1 fraction as a percent.
    const rows = (await s.client.get('/cluster/resources')) as Array<{ id: string; type: string; vmid?: number; cpu?: number; status?: string }>;
    const running = rows.find((r) => r.type === 'qemu' && r.status === 'running')!;
    expect(s.byId(`pve:lab:qemu/${running.vmid}`)?.metrics.cpu).toBeCloseTo((running.cpu ?? 0) * 100, 1);
    // PVE 9 nodes report memory available: memory used excludes the page cache.
    expect(s.byId('pve:lab:node/pve1')?.details.memSource).toMatch(/available/);
  });

  it('turns guest counters into rates between two polls', async () => {
    const s = await setup({ nodes: 1, guests: 5, version: 8 }, () => createPvePoller());
    await s.poll();
    const first = (await s.client.get('/cluster/resources')) as Array<{ type: string; vmid?: number; netin?: number; status?: string }>;
    const guest = first.find((r) => r.type === 'qemu' && r.status === 'running')!;
    s.clock.advance(10_000);
    await s.source.pollNow();
    const second = (await s.client.get('/cluster/resources')) as Array<{ vmid?: number; netin?: number }>;
    const after = second.find((r) => r.vmid === guest.vmid)!;
    const rate = s.byId(`pve:lab:qemu/${guest.vmid}`)?.metrics['net.rx'];
    expect(rate).toBeCloseTo(((after.netin ?? 0) - (guest.netin ?? 0)) / 10, 0);
    expect(rate).toBeGreaterThan(0);
  });

  it('hands over the same objects while the slower answers are unchanged, and what changed at their next refresh', async () => {
    const s = await setup({ nodes: 2, guests: 8, version: 9 }, () => createPvePoller());
    const guest = s.sim.model.guests.find((g: { type: string; status: string; agent?: string; template: boolean }) => g.type === 'qemu' && g.status === 'running' && g.agent === 'running' && !g.template);
    const id = `pve:lab:qemu/${guest.vmid}`;
    await s.poll();
    await vi.waitFor(async () => {
      await s.source.pollNow();
      // every answer about the guest is in: its agent's addresses, OS and filesystems, its snapshots
      const seen = s.byId(id);
      expect(seen?.details).toMatchObject({ ips: [guest.ip], os: expect.any(String), filesystems: expect.any(Array), memSource: expect.any(String), snapshots: expect.any(Number) });
      expect(s.latest()?.resources.some((r) => r.type === 'disk')).toBe(true);
    }, { timeout: 10_000, interval: 20 });
    const disk = s.latest()!.resources.find((r) => r.type === 'disk')!;
    const before = s.byId(id)!;

    s.clock.advance(10_000);
    await s.source.pollNow();
    // Built once per answer (poll/last-built.ts): the registry keeps what it holds without walking it.
    expect(s.byId(disk.id)).toBe(disk);
    expect(s.byId(id)!.identity).toBe(before.identity);
    expect(s.byId(id)!.details.ips).toBe(before.details.ips);

    guest.ip = '10.99.0.7';
    s.clock.advance(6 * 60_000);
    await vi.waitFor(async () => {
      await s.source.pollNow();
      expect(s.byId(id)?.details.ips).toEqual(['10.99.0.7']);
    }, { timeout: 10_000, interval: 20 });
    expect(s.byId(id)!.identity.ips).toEqual(['10.99.0.7']);
  });

  it('keeps polling the other nodes while one hangs, and marks a node that answers 595 offline', async () => {
    const s = await setup({ nodes: 3, guests: 9, version: 8 }, () => createPvePoller());
    await s.poll();
    s.sim.faults.add({ kind: 'hang', path: '/nodes/pve2/status' });
    s.clock.advance(10_000);
    // The hung request stays outstanding (client timeout 60 s); the cycle must end without it.
    await s.source.pollNow();
    expect(s.sim.requests().byPath['/nodes/{node}/status']).toBeGreaterThanOrEqual(5);
    expect(s.byId('pve:lab:node/pve1')?.status).toBe('online');
    expect(s.byId('pve:lab:node/pve3')?.status).toBe('online');

    await s.sim.faults.nodeDown('pve3');
    s.clock.advance(10_000);
    await vi.waitFor(async () => {
      await s.source.pollNow();
      expect(s.byId('pve:lab:node/pve3')?.status).toBe('offline');
    }, { timeout: 10_000, interval: 20 });
    expect(s.byId('pve:lab:node/pve1')?.status).toBe('online');
    expect(s.source.state().status).toBe('ok');
  });

  it('fails over to the next cluster member when the first one goes down', async () => {
    const s = await setup({ nodes: 3, guests: 6, ports: [0, 0] }, () => createPvePoller());
    await s.poll();
    await s.sim.faults.nodeDown('pve1');
    s.sim.resetRequests();
    s.clock.advance(10_000);
    await s.source.pollNow();
    expect(s.source.state().status).toBe('ok');
    expect(s.byId('pve:lab:node/pve2')?.status).toBe('online');
    const byMember = s.sim.requests().byMember;
    expect(byMember.pve2).toBeGreaterThan(0);
    expect(byMember.pve1 ?? 0).toBe(0);
  });

  it('marks everything unknown with the error when the token is revoked or the answer is garbage, and recovers', async () => {
    const s = await setup({ nodes: 2, guests: 4 }, () => createPvePoller());
    await s.poll();
    const guests = s.latest()!.resources.filter((r) => r.type === 'vm').length;
    s.sim.faults.revokeToken('root@pam!pulse');
    await s.source.pollNow();
    expect(s.source.state()).toMatchObject({ status: 'error', error: { code: 'proxmox.unauthorized' } });
    expect(s.latest()!.resources.filter((r) => r.type === 'vm')).toHaveLength(guests);
    expect(s.latest()!.resources.every((r) => r.status === 'unknown')).toBe(true);
    expect(s.byId('pve:lab:node/pve1')?.details.error).toMatchObject({ code: 'proxmox.unauthorized' });
    expect(JSON.stringify(s.latest())).not.toContain('pulse-secret');

    s.sim.faults.restoreToken('root@pam!pulse');
    const garbage = s.sim.faults.add({ kind: 'garbage', path: '/cluster/resources' });
    await s.source.pollNow();
    expect(s.source.state()).toMatchObject({ status: 'error', error: { code: 'proxmox.bad_response' } });
    garbage.clear();
    await s.source.pollNow();
    expect(s.source.state().status).toBe('ok');
    expect(s.byId('pve:lab:node/pve1')?.status).toBe('online');
  });

  it('logs in with a password ticket when no token is given', async () => {
    const s = await setup({ nodes: 1, guests: 2 }, () => createPvePoller(), { kind: 'password', username: 'root@pam', password: 'pulse' });
    await s.poll();
    expect(s.source.state().status).toBe('ok');
    expect(s.byId('pve:lab:node/pve1')?.status).toBe('online');
  });
});

describe('PBS and PMG pollers against the simulator', () => {
  it('reads a backup server: the server, its datastores and backup groups', async () => {
    const s = await setup({ product: 'pbs', guests: 12 }, () => createPbsPoller());
    await s.poll();
    await vi.waitFor(async () => {
      await s.source.pollNow();
      expect(s.latest()!.resources.some((r) => r.type === 'backup')).toBe(true);
    }, { timeout: 10_000, interval: 20 });
    const resources = s.latest()!.resources;
    expect(s.byId('pbs:lab')?.type).toBe('node');
    const store = resources.find((r) => r.type === 'datastore')!;
    expect(store.metrics['disk.total']).toBeGreaterThan(0);
    expect(resources.filter((r) => r.type === 'backup').every((r) => r.parentId?.startsWith('pbs:lab:datastore/'))).toBe(true);
  });

  it('reads a mail gateway: mail per minute and queues', async () => {
    const s = await setup({ product: 'pmg', nodes: 1 }, () => createPmgPoller());
    await s.poll();
    const node = s.byId('pmg:lab:node/pmg1')!;
    expect(node.status).toBe('online');
    expect(node.metrics['mail.in']).toBeGreaterThan(0);
    expect(node.metrics['queue.deferred']).toBe(2);
    expect(node.metrics['queue.oldest_age']).toBe(7200);
  });
});
