import { afterEach, describe, expect, it } from 'vitest';
import { startProxmoxSim } from './index.mjs';
import { request, tokenHeader } from './testing.mjs';

/** @type {Awaited<ReturnType<typeof startProxmoxSim>>[]} */
const open = [];
const start = async (/** @type {import('./simulator.mjs').SimOptions} */ o = {}) => { const s = await startProxmoxSim(o); open.push(s); return s; };
afterEach(async () => { for (const s of open.splice(0)) await s.close(); });
const auth = tokenHeader('pve');
const get = (/** @type {any} */ sim, /** @type {string} */ path, headers = auth, url = sim.urls[0]) => request(sim, url, path, { headers });

describe('PVE auth', () => {
  it('accepts PVEAPIToken with "=" and refuses the PBS-style colon, a wrong secret and no credentials', async () => {
    const sim = await start();
    expect((await get(sim, '/version')).json.data.version).toBe('8.4.1');
    expect((await get(sim, '/version', { Authorization: 'PVEAPIToken=root@pam!pulse:pulse-secret' })).status).toBe(401);
    expect((await get(sim, '/version', tokenHeader('pve', 'root@pam!pulse', 'nope'))).status).toBe(401);
    const none = await get(sim, '/nodes', {});
    expect([none.status, none.reason, none.json]).toEqual([401, 'No ticket', { data: null }]);
  });

  it('logs in with a form or JSON, serves the PVEAuthCookie and expires the ticket after 2 h of sim time', async () => {
    const sim = await start({ users: [{ username: 'monitor@pve', password: 's3cret' }] });
    const form = await request(sim, sim.urls[0], '/access/ticket', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'username=monitor&realm=pve&password=s3cret' });
    expect(form.json.data).toMatchObject({ username: 'monitor@pve', ticket: expect.stringMatching(/^PVE:monitor@pve:/), CSRFPreventionToken: expect.any(String) });
    const json = await request(sim, sim.urls[0], '/access/ticket', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'monitor@pve', password: 's3cret' }) });
    expect(json.status).toBe(200);
    const wrong = await request(sim, sim.urls[0], '/access/ticket', { method: 'POST', body: 'username=monitor@pve&password=x' });
    expect([wrong.status, wrong.reason]).toEqual([401, 'authentication failure']);
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(form.json.data.ticket)}` };
    expect((await get(sim, '/cluster/status', cookie)).status).toBe(200);
    sim.tick(2 * 3600 * 1000 - 1000);
    expect((await get(sim, '/cluster/status', cookie)).status).toBe(200);
    sim.tick(1000);
    expect((await get(sim, '/cluster/status', cookie)).status).toBe(401);
  });

  it('gives a privilege-separated token without ACL an empty resource list and 403 elsewhere; a revoked token 401', async () => {
    const sim = await start({ tokens: [{ tokenId: 'pulse@pve!mon', secret: 'x', privsepNoAcl: true }, { tokenId: 'root@pam!pulse', secret: 'pulse-secret' }] });
    const h = tokenHeader('pve', 'pulse@pve!mon', 'x');
    expect((await get(sim, '/cluster/resources', h)).json).toEqual({ data: [] });
    const denied = await get(sim, '/nodes/pve1/status', h);
    expect([denied.status, denied.reason]).toEqual([403, 'Permission check failed (/nodes/pve1, Sys.Audit)']);
    sim.faults.revokeToken('root@pam!pulse');
    expect((await get(sim, '/version')).status).toBe(401);
  });
});

describe('PVE shapes and quirks', () => {
  it('lists guests, nodes and storage in /cluster/resources, filters by type and rejects an unknown type with errors{}', async () => {
    const sim = await start({ nodes: 3, guests: 20 });
    const all = (await get(sim, '/cluster/resources')).json.data;
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(['qemu', 'lxc', 'node', 'storage', 'pool', 'sdn']));
    const vms = (await get(sim, '/cluster/resources?type=vm')).json.data;
    expect(vms).toHaveLength(20);
    expect(vms.some((r) => r.template === 1 && r.status === 'stopped')).toBe(true);
    expect(vms.every((r) => typeof r.vmid === 'number' && (r.tags === undefined || !r.tags.includes(',')))).toBe(true);
    const bad = await get(sim, '/cluster/resources?type=vms');
    expect(bad.status).toBe(400);
    expect(bad.json.errors.type).toContain("does not have a value in the enumeration 'vm, storage, node, sdn'");
  });

  it('answers PVE 8 and 9 differently: memhost, agent object, memavailable and pressure columns', async () => {
    const [v8, v9] = [await start({ version: 8 }), await start({ version: 9 })];
    const g = v9.model.guests.find((x) => x.type === 'qemu' && x.status === 'running' && x.agent === 'running');
    const path = `/nodes/${g.node}/qemu/${g.vmid}/status/current`;
    expect((await get(v8, path)).json.data).toMatchObject({ agent: 1 });
    expect((await get(v8, path)).json.data.memhost).toBeUndefined();
    expect((await get(v9, path)).json.data).toMatchObject({ agent: { enabled: 1, available: 1 }, memhost: expect.any(Number) });
    const rrd8 = (await get(v8, '/nodes/pve1/rrddata?timeframe=hour&cf=AVERAGE')).json.data;
    const rrd9 = (await get(v9, '/nodes/pve1/rrddata?timeframe=hour&cf=AVERAGE')).json.data;
    expect(rrd8[0].memavailable).toBeUndefined();
    expect(rrd9[0]).toMatchObject({ memavailable: expect.any(Number), pressurecpusome: expect.any(Number) });
    expect((await get(v9, '/nodes/pve1/status')).json.data.memory.available).toEqual(expect.any(Number));
  });

  it('keeps the string quirks: loadavg and mhz strings, LXC list vmid as a string', async () => {
    const sim = await start({ nodes: 1, guests: 12 });
    const status = (await get(sim, '/nodes/pve1/status')).json.data;
    expect(status.loadavg.every((x) => typeof x === 'string')).toBe(true);
    expect(typeof status.cpuinfo.mhz).toBe('string');
    const lxc = (await get(sim, '/nodes/pve1/lxc')).json.data;
    expect(lxc.length).toBeGreaterThan(0);
    expect(lxc.every((c) => typeof c.vmid === 'string')).toBe(true);
  });

  it('grows counters with the clock and restarts them when the guest restarts', async () => {
    const sim = await start({ guests: 5 });
    const g = sim.model.guests.find((x) => x.status === 'running');
    const path = `/nodes/${g.node}/${g.type}/${g.vmid}/status/current`;
    const a = (await get(sim, path)).json.data;
    sim.tick(10_000);
    const b = (await get(sim, path)).json.data;
    expect(b.netin).toBeGreaterThan(a.netin);
    expect(b.uptime).toBe(a.uptime + 10);
    expect(b.cpu).toBeGreaterThan(0);
    expect(b.cpu).toBeLessThanOrEqual(1);
    sim.model.restartGuest(g.vmid);
    sim.tick(1000);
    const c = (await get(sim, path)).json.data;
    expect(c.uptime).toBe(1);
    expect(c.netin).toBeLessThan(a.netin);
  });

  it('answers 500 for guests without a running agent and omits rrd samples of a stopped guest', async () => {
    const sim = await start({ guests: 30 });
    const off = sim.model.guests.find((x) => x.type === 'qemu' && x.agent === 'enabled-not-running' && x.status === 'running');
    const r = await get(sim, `/nodes/${off.node}/qemu/${off.vmid}/agent/get-fsinfo`);
    expect([r.status, r.reason]).toEqual([500, 'QEMU guest agent is not running']);
    const on = sim.model.guests.find((x) => x.type === 'qemu' && x.agent === 'running' && x.status === 'running');
    expect((await get(sim, `/nodes/${on.node}/qemu/${on.vmid}/agent/get-fsinfo`)).json.data.result[0]).toMatchObject({ mountpoint: '/', 'total-bytes': expect.any(Number) });
    expect((await get(sim, `/nodes/${on.node}/qemu/${on.vmid}/config`)).json.data.smbios1).toBe(`uuid=${on.uuid}`);
    const stopped = sim.model.guests.find((x) => x.status === 'stopped');
    const rows = (await get(sim, `/nodes/${stopped.node}/${stopped.type}/${stopped.vmid}/rrddata?timeframe=hour`)).json.data;
    expect(rows).toHaveLength(70);
    expect(Object.keys(rows[0]).sort()).toEqual(['disk', 'maxcpu', 'maxdisk', 'maxmem', 'time']);
  });

  it('is deterministic for a seed and builds /cluster/resources for 500 nodes and 2,500 guests quickly', async () => {
    const [a, b] = [await start({ seed: 7, guests: 40 }), await start({ seed: 7, guests: 40 })];
    expect((await get(a, '/cluster/resources')).text).toBe((await get(b, '/cluster/resources')).text);
    const big = await start({ nodes: 500, guests: 2500 });
    const t0 = performance.now();
    const res = await get(big, '/cluster/resources');
    expect(res.json.data.length).toBeGreaterThan(3000);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('answers 501 for unknown paths, 400 for missing rrd timeframe and 500 for an unknown node', async () => {
    const sim = await start();
    expect((await get(sim, '/nodes/pve1/nothing')).status).toBe(501);
    expect((await get(sim, '/nodes/pve1/rrddata')).json.errors.timeframe).toBe('property is missing and it is not optional');
    expect((await get(sim, '/nodes/nope/status')).reason).toMatch(/^hostname lookup 'nope' failed/);
  });
});
