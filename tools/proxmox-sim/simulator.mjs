import https from 'node:https';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { createAuth } from './auth.mjs';
import { createCertificate } from './certs.mjs';
import { applyFault, createFaults } from './faults.mjs';
import { pbsRoutes } from './pbs-answers.mjs';
import { pmgRoutes, TOTAL } from './pmg-answers.mjs';
import { pveGuestRoutes } from './pve-answers.mjs';
import { pveHistoryRoutes } from './pve-history.mjs';
import { createPveModel } from './pve-model.mjs';
import { pveStorageRoutes } from './pve-storage.mjs';
import { ApiError, match } from './routes.mjs';

/*
 * A Proxmox VE / Backup Server / Mail Gateway API double over HTTPS. Each port acts as one cluster
 * member's proxy (same data, its own `local` flag), so failover can be played by taking a member down.
 * Pulse's client cannot tell it from the real thing; see README.md for what it imitates.
 */

/**
 * @typedef {object} SimOptions
 * @property {'pve' | 'pbs' | 'pmg'} [product] default 'pve'
 * @property {number | string[]} [nodes] PVE nodes (count or names); PMG: count of nodes (default 1)
 * @property {number} [guests] PVE guests (also the guests whose backups PBS holds)
 * @property {8 | 9} [version] PVE major version, default 8
 * @property {number} [seed] default 1
 * @property {string | null} [cluster] PVE cluster name, null for standalone
 * @property {boolean} [ceph] PVE: serve /cluster/ceph/*
 * @property {number[]} [ports] one listener per port (0 = any free); default [0]
 * @property {string} [host] default 127.0.0.1
 * @property {import('./auth.mjs').SimToken[]} [tokens] default [{ tokenId: 'root@pam!pulse', secret: 'pulse-secret' }]
 * @property {import('./auth.mjs').SimUser[]} [users] default [{ username: 'root@pam', password: 'pulse' }]
 * @property {() => number} [clock] ms; default a fixed start (2025-08-05T08:00Z) moved only by tick()
 * @property {boolean} [realtime] use the wall clock (CLI/demo)
 * @property {{ key: string, cert: string }} [tls] serve this certificate instead of a fresh one
 */

const START = Date.UTC(2025, 7, 5, 8);

/** @param {SimOptions} [options] */
export async function startProxmoxSim(options = {}) {
  const product = options.product ?? 'pve';
  let offset = 0;
  const base = options.clock ?? (options.realtime ? Date.now : () => START);
  const now = () => base() + offset;
  const model = createPveModel({ nodes: product === 'pve' ? options.nodes : 3, guests: options.guests, version: options.version, seed: options.seed, cluster: options.cluster, ceph: options.ceph, now });
  const pmgNodes = Array.from({ length: product === 'pmg' ? Number(options.nodes ?? 1) : 0 }, (_, i) => `pmg${i + 1}`);
  const routes = product === 'pve' ? [...pveGuestRoutes(model), ...pveStorageRoutes(model), ...pveHistoryRoutes(model)]
    : product === 'pbs' ? pbsRoutes(model) : pmgRoutes({ seed: model.seed, nodes: pmgNodes, nowSec: model.nowSec });
  const auth = createAuth({ product, now, tokens: options.tokens ?? [{ tokenId: 'root@pam!pulse', secret: 'pulse-secret' }], users: options.users ?? [{ username: 'root@pam', password: 'pulse' }] });
  const faultList = createFaults();
  let cert = createCertificate({ ...options.tls, commonName: product === 'pve' ? model.nodes[0].name : product });
  const host = options.host ?? '127.0.0.1';
  const counts = { total: 0, byPort: new Map(), byMember: new Map(), byNode: new Map(), byPath: new Map() };
  const bump = (/** @type {Map<any, number>} */ map, /** @type {unknown} */ key) => map.set(key, (map.get(key) ?? 0) + 1);

  /** @typedef {{ port: number, member: string, server?: https.Server, sockets: Set<import('node:net').Socket> }} Endpoint */
  /** @type {Endpoint[]} */
  const endpoints = (options.ports ?? [0]).map((port, i) => ({
    port, sockets: new Set(),
    member: product === 'pve' ? model.nodes[i % model.nodes.length].name : product === 'pbs' ? 'localhost' : pmgNodes[i % pmgNodes.length],
  }));

  function send(/** @type {import('node:http').ServerResponse} */ res, /** @type {number} */ status, /** @type {string} */ body, /** @type {string} */ message = undefined) {
    if (message) res.statusMessage = message.replace(/[\r\n]+/g, ' ');
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'max-age=0' });
    res.end(body);
  }

  /** PVE and PMG put the message in the reason phrase and send {"data":null}; PBS sends the message as the body. */
  function sendError(/** @type {import('node:http').ServerResponse} */ res, /** @type {ApiError} */ e) {
    if (product === 'pbs') return send(res, e.status, e.errors ? `${e.message}\n\n${Object.entries(e.errors).map(([k, v]) => `parameter '${k}': ${v}`).join('\n')}` : e.message, e.message);
    send(res, e.status, JSON.stringify(e.errors ? { data: null, errors: e.errors } : { data: null }), e.message);
  }

  async function readForm(/** @type {import('node:http').IncomingMessage} */ req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    if ((req.headers['content-type'] ?? '').includes('json')) { try { return JSON.parse(text); } catch { return {}; } }
    return Object.fromEntries(new URLSearchParams(text));
  }

  async function onRequest(/** @type {Endpoint} */ ep, /** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
    const url = new URL(req.url ?? '/', 'https://sim');
    const path = url.pathname.startsWith('/api2/json') ? url.pathname.slice(10) || '/' : undefined;
    const found = path ? match(routes, path) : undefined;
    const pathNode = path ? /^\/nodes\/([^/]+)/.exec(path)?.[1] : undefined;
    counts.total += 1;
    bump(counts.byPort, ep.port);
    bump(counts.byMember, ep.member);
    if (pathNode) bump(counts.byNode, pathNode);
    bump(counts.byPath, found?.route.template ?? path ?? url.pathname);
    const fault = faultList.take({ path: path ?? url.pathname, node: pathNode ?? ep.member, port: ep.port });
    if (fault?.kind === 'latency') await delay(fault.ms ?? 1000);
    else if (fault) return applyFault(fault, req, res);
    try {
      if (path === undefined) throw new ApiError(501, `Unsupported format '${url.pathname.split('/')[2] ?? ''}'`);
      if (path === '/access/ticket' && req.method === 'POST') {
        const session = auth.login(await readForm(req));
        if (!session) throw new ApiError(401, 'authentication failure');
        const extra = product === 'pve' ? { cap: { nodes: { 'Sys.Audit': 1 }, vms: { 'VM.Audit': 1 } }, ...(model.cluster ? { clustername: model.cluster } : {}) } : {};
        return send(res, 200, JSON.stringify({ data: { ...session, ...extra } }));
      }
      const who = auth.check(req);
      if (!who.ok) throw new ApiError(who.status, who.message);
      if (!found) throw product === 'pbs' ? new ApiError(404, `Path '/api2/json${path}' not found.`) : new ApiError(501, `Method '${req.method} ${path}' not implemented`);
      if (product === 'pve' && pathNode) {
        const n = model.nodeByName.get(pathNode);
        if (!n) throw new ApiError(500, `hostname lookup '${pathNode}' failed - failed to get address info for: ${pathNode}: Name or service not known`);
        // pveproxy forwards /nodes/{other}/… to that node's pveproxy; an offline node refuses
        if (!n.online) throw new ApiError(595, 'Connection refused');
      }
      if (who.privsepNoAcl && path !== '/version') {
        // a privilege-separated token without its own ACL: list calls come back filtered to nothing
        if (path === '/cluster/resources') return send(res, 200, '{"data":[]}');
        throw new ApiError(403, `Permission check failed (${pathNode ? `/nodes/${pathNode}` : '/'}, Sys.Audit)`);
      }
      const data = found.route.handle({ params: found.params, query: url.searchParams, member: ep.member, fingerprint: cert.fingerprint });
      const total = Array.isArray(data) && TOTAL in data ? { total: /** @type {any} */ (data)[TOTAL] } : {};
      send(res, 200, JSON.stringify({ data, ...total }));
    } catch (e) {
      if (e instanceof ApiError) return sendError(res, e);
      sendError(res, new ApiError(500, `proxmox-sim: ${/** @type {Error} */ (e).message}`));
    }
  }

  async function listen(/** @type {Endpoint} */ ep) {
    const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => void onRequest(ep, req, res));
    server.on('connection', (s) => { ep.sockets.add(s); s.once('close', () => ep.sockets.delete(s)); });
    server.listen(ep.port, host);
    await once(server, 'listening');
    ep.port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
    ep.server = server;
  }

  async function stop(/** @type {Endpoint} */ ep) {
    const server = ep.server;
    if (!server) return;
    ep.server = undefined;
    const closed = once(server, 'close');
    server.close();
    for (const s of ep.sockets) s.destroy();
    await closed;
  }

  for (const ep of endpoints) await listen(ep);

  const faults = {
    /** @returns {{ clear(): void }} */
    add: (/** @type {import('./faults.mjs').Fault} */ f) => faultList.add(f),
    clear: () => faultList.clear(),
    /** the node goes offline: its port(s) close, other members answer 595 for /nodes/{node}/… */
    async nodeDown(/** @type {string} */ node) {
      model.setNodeOnline(node, false);
      for (const ep of endpoints) if (ep.member === node) await stop(ep);
    },
    async nodeUp(/** @type {string} */ node) {
      model.setNodeOnline(node, true);
      for (const ep of endpoints) if (ep.member === node && !ep.server) await listen(ep);
    },
    /** the whole server (e.g. PBS, PMG) stops accepting connections */
    async down() { for (const ep of endpoints) await stop(ep); },
    async up() { for (const ep of endpoints) if (!ep.server) await listen(ep); },
    revokeToken: (/** @type {string} */ tokenId) => auth.revokeToken(tokenId),
    restoreToken: (/** @type {string} */ tokenId) => auth.restoreToken(tokenId),
    /** a new self-signed certificate on every port (new connections see it); returns its fingerprint */
    replaceCertificate(/** @type {{ key: string, cert: string }} */ tls = undefined) {
      cert = createCertificate({ ...tls, commonName: 'replaced.local' });
      for (const ep of endpoints) ep.server?.setSecureContext({ key: cert.key, cert: cert.cert });
      return cert.fingerprint;
    },
  };

  return {
    product,
    get urls() { return endpoints.map((ep) => `https://${host}:${ep.port}`); },
    /** which member each url acts as (PVE node name, 'localhost' for PBS, pmgN for PMG) */
    get members() { return endpoints.map((ep) => ep.member); },
    /** SHA-256 of the served certificate, 'AB:CD:…' (compare without colons, case-insensitive) */
    get fingerprint() { return cert.fingerprint; },
    get certificate() { return cert.cert; },
    model,
    faults,
    now,
    /** advance the simulator's clock: figures move, counters grow, tickets age */
    tick(/** @type {number} */ ms) { offset += ms; },
    requests() {
      const obj = (/** @type {Map<any, number>} */ m) => Object.fromEntries(m);
      return { total: counts.total, byPort: obj(counts.byPort), byMember: obj(counts.byMember), byNode: obj(counts.byNode), byPath: obj(counts.byPath) };
    },
    resetRequests() {
      counts.total = 0;
      for (const m of [counts.byPort, counts.byMember, counts.byNode, counts.byPath]) m.clear();
    },
    async close() {
      faultList.clear();
      for (const ep of endpoints) await stop(ep);
    },
  };
}
