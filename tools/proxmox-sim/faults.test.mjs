import { afterEach, describe, expect, it } from 'vitest';
import { startProxmoxSim } from './index.mjs';
import { request, tokenHeader } from './testing.mjs';

/** @type {Awaited<ReturnType<typeof startProxmoxSim>>[]} */
const open = [];
const start = async (/** @type {import('./simulator.mjs').SimOptions} */ o = {}) => { const s = await startProxmoxSim(o); open.push(s); return s; };
afterEach(async () => { for (const s of open.splice(0)) await s.close(); });
const get = (/** @type {any} */ sim, /** @type {string} */ path, url = sim.urls[0], opts = {}) => request(sim, url, path, { headers: tokenHeader(sim.product), ...opts });

describe('failover and failure injection', () => {
  it('serves one cluster on several ports; a member taken down refuses connections and others answer 595 for it', async () => {
    const sim = await start({ nodes: 3, guests: 9, ports: [0, 0, 0] });
    expect(sim.members).toEqual(['pve1', 'pve2', 'pve3']);
    const local = (await get(sim, '/cluster/status', sim.urls[1])).json.data.find((r) => r.local === 1);
    expect(local.name).toBe('pve2');
    await sim.faults.nodeDown('pve2');
    await expect(get(sim, '/version', sim.urls[1])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const proxied = await get(sim, '/nodes/pve2/status', sim.urls[0]);
    expect([proxied.status, proxied.reason]).toEqual([595, 'Connection refused']);
    const nodes = (await get(sim, '/cluster/resources?type=node')).json.data;
    expect(nodes.find((n) => n.node === 'pve2')).toMatchObject({ status: 'offline' });
    expect(nodes.find((n) => n.node === 'pve2').cpu).toBeUndefined();
    const orphans = (await get(sim, '/cluster/resources?type=vm')).json.data.filter((g) => g.node === 'pve2');
    expect(orphans.every((g) => g.status === 'unknown' && g.netin === undefined)).toBe(true);
    await sim.faults.nodeUp('pve2');
    expect((await get(sim, '/version', sim.urls[1])).status).toBe(200);
  });

  it('injects 429 with Retry-After, 5xx, garbage, truncated JSON and resets, matched by path and counted down', async () => {
    const sim = await start();
    sim.faults.add({ kind: 'status', status: 429, retryAfter: 7, path: '/cluster/resources', times: 1 });
    const limited = await get(sim, '/cluster/resources');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '7']);
    expect((await get(sim, '/cluster/resources')).status).toBe(200);
    sim.faults.add({ kind: 'garbage', path: '/nodes/*/status', times: 1 });
    expect((await get(sim, '/nodes/pve1/status')).json).toBeUndefined();
    sim.faults.add({ kind: 'truncated', path: /qemu$/, times: 1 });
    expect((await get(sim, '/nodes/pve1/qemu')).text).toMatch(/"runn$/);
    sim.faults.add({ kind: 'reset', node: 'pve3', times: 1 });
    await expect(get(sim, '/nodes/pve3/status')).rejects.toMatchObject({ code: 'ECONNRESET' });
    sim.faults.add({ kind: 'status', status: 502, message: 'Bad Gateway', times: 1 });
    expect((await get(sim, '/version')).status).toBe(502);
  });

  it('hangs without answering, stalls mid-body, and delays by the asked latency', async () => {
    const sim = await start();
    const hang = sim.faults.add({ kind: 'hang', path: '/nodes' });
    await expect(get(sim, '/nodes', sim.urls[0], { timeoutMs: 150 })).rejects.toThrow('client timeout');
    hang.clear();
    sim.faults.add({ kind: 'stall', path: '/cluster/resources', times: 1 });
    await expect(get(sim, '/cluster/resources', sim.urls[0], { timeoutMs: 150 })).rejects.toThrow('client timeout');
    sim.faults.add({ kind: 'latency', ms: 120, times: 1 });
    const t0 = performance.now();
    expect((await get(sim, '/version')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('replaces its certificate: new connections see a new SHA-256 fingerprint', async () => {
    const sim = await start();
    const before = await get(sim, '/version');
    expect(before.fingerprint).toBe(sim.fingerprint);
    const old = sim.fingerprint;
    const fresh = sim.faults.replaceCertificate();
    expect(fresh).not.toBe(old);
    expect((await get(sim, '/version')).fingerprint).toBe(fresh);
  });

  it('counts requests per port, member, node in the path and endpoint template', async () => {
    const sim = await start({ ports: [0, 0] });
    await get(sim, '/nodes/pve2/status', sim.urls[0]);
    await get(sim, '/nodes/pve1/qemu', sim.urls[1]);
    await get(sim, '/cluster/resources', sim.urls[1]);
    const r = sim.requests();
    expect(r.total).toBe(3);
    expect(r.byMember).toEqual({ pve1: 1, pve2: 2 });
    expect(r.byNode).toEqual({ pve2: 1, pve1: 1 });
    expect(r.byPath['/nodes/{node}/status']).toBe(1);
    sim.resetRequests();
    expect(sim.requests().total).toBe(0);
  });
});

describe('PBS and PMG', () => {
  it('holds backup groups for the PVE guests except the unprotected ones, with verification states', async () => {
    const pve = await start({ guests: 30, seed: 3 });
    const pbs = await start({ product: 'pbs', guests: 30, seed: 3 });
    expect((await request(pbs, pbs.urls[0], '/version', { headers: tokenHeader('pve') })).status).toBe(401);
    const groups = (await get(pbs, '/admin/datastore/main/groups')).json.data;
    const backedUp = new Set(groups.map((g) => `${g['backup-type']}/${g['backup-id']}`));
    const guests = (await get(pve, '/cluster/resources?type=vm')).json.data.filter((g) => g.template === 0);
    const missing = guests.filter((g) => !backedUp.has(`${g.type === 'qemu' ? 'vm' : 'ct'}/${g.vmid}`));
    expect(missing.map((g) => g.vmid).sort()).toEqual(pve.model.guests.filter((g) => !g.backedUp && !g.template).map((g) => g.vmid).sort());
    expect(missing.length).toBeGreaterThan(0);
    const snaps = (await get(pbs, '/admin/datastore/main/snapshots')).json.data;
    expect(new Set(snaps.map((s) => s.verification?.state ?? 'none'))).toEqual(new Set(['ok', 'failed', 'none']));
    const usage = (await get(pbs, '/status/datastore-usage')).json.data;
    expect(usage[0]).toMatchObject({ store: 'main', 'estimated-full-date': expect.any(Number), history: expect.any(Array) });
    expect((await get(pbs, '/admin/sync')).json.data[0]['last-run-state']).toBe('OK');
    const err = await get(pbs, '/admin/datastore/nope/status');
    expect([err.status, err.text]).toEqual([400, "datastore 'nope' does not exist"]);
  });

  it('answers PMG mail statistics for a time window and the postfix queue index', async () => {
    const pmg = await start({ product: 'pmg', nodes: 2 });
    const t = Math.floor(pmg.now() / 1000);
    const hour = (await get(pmg, `/statistics/mail?starttime=${t - 3600}&endtime=${t}`)).json.data;
    const twoHours = (await get(pmg, `/statistics/mail?starttime=${t - 7200}&endtime=${t}`)).json.data;
    expect(twoHours.count_in).toBeGreaterThan(hour.count_in);
    expect((await get(pmg, '/nodes/pmg1/postfix/queue')).json.data.map((q) => q.name)).toEqual(['deferred', 'active', 'incoming', 'hold']);
    expect((await get(pmg, '/nodes/pmg1/postfix/queue/deferred')).json.total).toBe(2);
    await pmg.faults.down();
    await expect(get(pmg, '/version')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
