#!/usr/bin/env node
import http from 'node:http';
import { parseArgs } from 'node:util';
import { startProxmoxSim } from './simulator.mjs';

const usage = `Proxmox VE / Backup Server / Mail Gateway API simulator (test and demo double; see tools/proxmox-sim/README.md)

  node tools/proxmox-sim/cli.mjs [--product pve|pbs|pmg] [--port N ...] [options]

  --product P        pve (default), pbs or pmg
  --port N           listen on this port (repeat for one port per cluster member; 0 = any); default 8006 (pbs 8007)
  --host H           default 127.0.0.1
  --nodes N          PVE nodes (default 3), PMG nodes (default 1)
  --guests N         PVE guests (default 30); PBS holds the backups of this many guests
  --version 8|9      PVE major version (default 8)
  --cluster NAME     PVE cluster name (default homelab; --standalone for none)
  --standalone       a single node without a cluster
  --ceph             serve /cluster/ceph/*
  --seed N           default 1
  --token ID=SECRET  API token (repeat), e.g. 'root@pam!pulse=secret'; append ',privsep' for a token without ACL
  --user NAME=PASS   ticket login user (repeat), e.g. 'root@pam=pulse'
  --latency-ms N     every answer waits this long
  --down-node NAME   start with this node offline
  --control PORT     plain-HTTP control on 127.0.0.1 (0 = any), for benches driving the sim from outside:
                     GET /requests, POST /requests/reset, GET /guests,
                     POST /guests/<vmid>/stop|start|restart|pause
`;

const { values } = parseArgs({
  options: {
    product: { type: 'string', default: 'pve' }, port: { type: 'string', multiple: true }, host: { type: 'string', default: '127.0.0.1' },
    nodes: { type: 'string' }, guests: { type: 'string', default: '30' }, version: { type: 'string', default: '8' }, cluster: { type: 'string' },
    standalone: { type: 'boolean', default: false }, ceph: { type: 'boolean', default: false }, seed: { type: 'string', default: '1' },
    token: { type: 'string', multiple: true }, user: { type: 'string', multiple: true }, 'latency-ms': { type: 'string' }, 'down-node': { type: 'string', multiple: true },
    control: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const product = /** @type {'pve' | 'pbs' | 'pmg'} */ (['pbs', 'pmg'].includes(values.product) ? values.product : 'pve');
const split = (/** @type {string} */ s, /** @type {string} */ sep) => { const at = s.lastIndexOf(sep); return [s.slice(0, at), s.slice(at + 1)]; };
const tokens = values.token?.map((t) => {
  const [spec, flag] = t.split(',');
  // PVE ids never contain '=' and PBS/PMG secrets are given the same way on the command line
  const [tokenId, secret] = split(spec, '=');
  return { tokenId, secret, privsepNoAcl: flag === 'privsep' };
});
const users = values.user?.map((u) => { const [username, password] = split(u, '='); return { username, password }; });

const sim = await startProxmoxSim({
  product, realtime: true, host: values.host, seed: Number(values.seed), guests: Number(values.guests), version: values.version === '9' ? 9 : 8,
  nodes: values.nodes ? Number(values.nodes) : undefined, cluster: values.standalone ? null : values.cluster, ceph: values.ceph,
  ports: (values.port ?? [product === 'pbs' ? '8007' : '8006']).map(Number), tokens, users,
});
if (values['latency-ms']) sim.faults.add({ kind: 'latency', ms: Number(values['latency-ms']) });
for (const node of values['down-node'] ?? []) await sim.faults.nodeDown(node);

sim.urls.forEach((url, i) => process.stdout.write(`proxmox-sim: ${product} (${sim.members[i]}) listening on ${url}\n`));
process.stdout.write(`proxmox-sim: certificate SHA-256 ${sim.fingerprint}\n`);

/*
 * The request counters and guest changes of a sim in another process (bench/proxmox.mjs). Loopback
 * only and without auth: it is a test double's back door, not part of any Proxmox API.
 */
const GUEST_ACTIONS = { stop: 'stopGuest', start: 'startGuest', restart: 'restartGuest', pause: 'pauseGuest' };
async function onControl(/** @type {http.IncomingMessage} */ req, /** @type {http.ServerResponse} */ res) {
  const reply = (/** @type {number} */ status, /** @type {unknown} */ body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const path = new URL(req.url ?? '/', 'http://control').pathname;
  const action = /^\/guests\/(\d+)\/(stop|start|restart|pause)$/.exec(path);
  if (req.method === 'GET' && path === '/requests') return reply(200, { at: Date.now(), ...sim.requests() });
  if (req.method === 'POST' && path === '/requests/reset') { sim.resetRequests(); return reply(200, { at: Date.now() }); }
  if (req.method === 'GET' && path === '/guests') {
    return reply(200, sim.model.guests.map((g) => ({ vmid: g.vmid, type: g.type, node: g.node, status: g.status, template: Boolean(g.template) })));
  }
  if (req.method === 'POST' && action) {
    try {
      sim.model[GUEST_ACTIONS[/** @type {keyof typeof GUEST_ACTIONS} */ (action[2])]](Number(action[1]));
    } catch (e) {
      return reply(404, { error: /** @type {Error} */ (e).message });
    }
    const g = sim.model.guestByVmid.get(Number(action[1]));
    return reply(200, { at: Date.now(), vmid: g?.vmid, status: g?.status });
  }
  reply(404, { error: `no ${req.method} ${path}` });
}
if (values.control !== undefined) {
  const control = http.createServer((req, res) => void onControl(req, res));
  control.listen(Number(values.control), '127.0.0.1');
  await new Promise((resolve) => control.once('listening', resolve));
  control.unref();
  process.stdout.write(`proxmox-sim: control on http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (control.address()).port}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await sim.close();
    process.exit(0);
  });
}
