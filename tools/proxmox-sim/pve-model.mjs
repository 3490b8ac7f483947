import { counter, hash, pick, unit, wander } from './random.mjs';

/*
 * The simulated PVE cluster: nodes, guests and their figures as pure functions of (seed, time).
 * Answers (pve-answers*.mjs) read it; controls (stop, restart, node down) change the few bits of state.
 */

const GiB = 1024 ** 3;
const NAMES = ['web', 'db', 'app', 'cache', 'mq', 'ci', 'dns', 'proxy', 'mail', 'files', 'monitor', 'k8s-node', 'vpn', 'media'];
const TAGS = ['', 'prod', 'prod;web', 'dev', 'db;prod', 'infra', 'k8s;prod', ''];
const CPU_MODELS = ['Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz', 'AMD EPYC 7302P 16-Core Processor', 'Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz', 'AMD Ryzen 9 5950X 16-Core Processor'];

/**
 * @typedef {object} PveModelOptions
 * @property {number | string[]} [nodes] how many nodes (pve1 …) or their names; default 3
 * @property {number} [guests] default 10
 * @property {8 | 9} [version] default 8
 * @property {number} [seed] default 1
 * @property {string | null} [cluster] cluster name, null for a standalone node; default 'homelab' (standalone if one node)
 * @property {boolean} [ceph] serve /cluster/ceph/*; default false
 * @property {() => number} now the simulator's clock (ms)
 *
 * @typedef {ReturnType<typeof createPveModel>} PveModel
 * @typedef {ReturnType<typeof makeGuest>} Guest
 * @typedef {ReturnType<typeof makeNode>} SimNode
 */

function makeNode(/** @type {number} */ seed, /** @type {string} */ name, /** @type {number} */ index, /** @type {number} */ nowSec) {
  const big = index % 2 === 0;
  return {
    name,
    index,
    nodeid: index + 1,
    online: true,
    ip: `10.${10 + Math.floor(index / 250)}.${index % 250}.${11}`,
    maxcpu: pick(seed, `cpu:${name}`, big ? [8, 16, 32] : [4, 8, 16]),
    maxmem: pick(seed, `mem:${name}`, big ? [64, 128, 256] : [16, 32, 64]) * GiB,
    rootTotal: 100861726720,
    cpuModel: pick(seed, `model:${name}`, CPU_MODELS),
    bootAt: nowSec - 3600 * (24 + Math.floor(unit(seed, `boot:${name}`) * 24 * 40)),
    thinStorage: index % 2 === 0 ? 'local-zfs' : 'local-lvm',
    updates: hash(seed, `apt:${name}`) % 6,
  };
}

function makeGuest(/** @type {number} */ seed, /** @type {number} */ i, /** @type {SimNode} */ node, /** @type {number} */ nowSec) {
  const vmid = 100 + i;
  const type = hash(seed, `type:${i}`) % 3 === 0 ? 'lxc' : 'qemu';
  const template = i % 50 === 9;
  const key = `g:${vmid}`;
  const running = !template && i % 7 !== 6;
  return {
    vmid,
    type,
    node: node.name,
    name: `${pick(seed, `${key}:name`, NAMES)}-${String(i + 1).padStart(2, '0')}`,
    template,
    status: /** @type {'running' | 'stopped' | 'paused'} */ (running ? 'running' : 'stopped'),
    tags: pick(seed, `${key}:tags`, TAGS),
    pool: i % 5 === 0 ? 'production' : undefined,
    hastate: !template && i % 6 === 0 ? (i % 97 === 6 ? 'error' : running ? 'started' : 'stopped') : undefined,
    lock: i % 41 === 20 ? 'backup' : undefined,
    /** qemu only: configured and answering, configured but not answering, or not configured */
    agent: type === 'lxc' ? undefined : i % 4 === 3 ? 'disabled' : i % 10 === 1 ? 'enabled-not-running' : 'running',
    backedUp: !template && i % 9 !== 4,
    maxcpu: pick(seed, `${key}:cpu`, type === 'lxc' ? [1, 2, 4] : [1, 2, 4, 8]),
    maxmem: pick(seed, `${key}:mem`, type === 'lxc' ? [0.5, 1, 2, 4] : [1, 2, 4, 8, 16]) * GiB,
    maxdisk: pick(seed, `${key}:disk`, type === 'lxc' ? [8, 16, 32] : [32, 64, 128]) * GiB,
    startedAt: running ? nowSec - 600 - Math.floor(unit(seed, `${key}:up`) * 30 * 86400) : 0,
    cpuBase: 0.01 + unit(seed, `${key}:load`) ** 3 * 0.6,
    memFrac: 0.2 + unit(seed, `${key}:memfrac`) * 0.6,
    diskFrac: 0.1 + unit(seed, `${key}:diskfrac`) * 0.7,
    rates: {
      netin: 500 + unit(seed, `${key}:rx`) ** 2 * 4e5,
      netout: 300 + unit(seed, `${key}:tx`) ** 2 * 2e5,
      diskread: 100 + unit(seed, `${key}:rd`) ** 2 * 1e6,
      diskwrite: 500 + unit(seed, `${key}:wr`) ** 2 * 2e6,
    },
    phase: unit(seed, `${key}:phase`) * 6.28,
    uuid: uuidFrom(seed, key),
    mac: `BC:24:11:${hex2(vmid >> 8)}:${hex2(vmid & 0xff)}:${hex2(hash(seed, key) & 0xff)}`,
    ip: `10.${20 + Math.floor(i / 250)}.${i % 250}.${10 + (i % 200)}`,
  };
}

const hex2 = (/** @type {number} */ n) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
function uuidFrom(/** @type {number} */ seed, /** @type {string} */ key) {
  const h = [0, 1, 2, 3].map((k) => hash(seed, `${key}:uuid${k}`).toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** @param {PveModelOptions} options */
export function createPveModel(options) {
  const seed = options.seed ?? 1;
  const now = options.now;
  const nowSec = () => Math.floor(now() / 1000);
  const names = Array.isArray(options.nodes) ? options.nodes : Array.from({ length: options.nodes ?? 3 }, (_, i) => `pve${i + 1}`);
  const t0 = nowSec();
  const nodes = names.map((name, i) => makeNode(seed, name, i, t0));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const guestCount = options.guests ?? 10;
  const guests = Array.from({ length: guestCount }, (_, i) => makeGuest(seed, i, nodes[i % nodes.length], t0));
  const guestByVmid = new Map(guests.map((g) => [g.vmid, g]));
  const version = options.version === 9 ? 9 : 8;
  const cluster = options.cluster === undefined ? (nodes.length > 1 ? 'homelab' : null) : options.cluster;

  /** Node figures at time t (s): what /nodes/{n}/status and /cluster/resources report. */
  function nodeUsage(/** @type {SimNode} */ n, t = nowSec()) {
    const k = `n:${n.name}`;
    const cpu = Math.min(1, Math.max(0.002, 0.05 + unit(seed, `${k}:load`) * 0.3 + 0.08 * wander(seed, `${k}:cpu`, t)));
    const memUsed = Math.round(n.maxmem * (0.35 + unit(seed, `${k}:mem`) * 0.3 + 0.03 * wander(seed, `${k}:memw`, t)));
    const cached = Math.round(n.maxmem * 0.12);
    const rootUsed = Math.round(n.rootTotal * (0.08 + unit(seed, `${k}:root`) * 0.3) + (t - n.bootAt) * 40);
    return {
      cpu, memUsed, memFree: n.maxmem - memUsed - cached, memAvailable: n.maxmem - memUsed + Math.round(cached * 0.8),
      iowait: 0.0005 + 0.002 * (1 + wander(seed, `${k}:io`, t)), load: cpu * n.maxcpu * (1 + 0.1 * wander(seed, `${k}:ld`, t)),
      rootUsed, swapTotal: 8 * GiB, swapUsed: Math.round(GiB * 0.01 * (1 + unit(seed, `${k}:swap`))), uptime: t - n.bootAt,
      netinRate: 5e4 + 4e4 * (1 + wander(seed, `${k}:rx`, t)), netoutRate: 1e5 + 8e4 * (1 + wander(seed, `${k}:tx`, t)),
      arcsize: n.thinStorage === 'local-zfs' ? Math.round(n.maxmem * 0.12) : 0,
    };
  }

  /** Guest figures at time t (s); counters count from the guest's start, as PVE's do. */
  function guestUsage(/** @type {Guest} */ g, t = nowSec()) {
    const on = g.status !== 'stopped';
    const k = `g:${g.vmid}`;
    const cpu = on && g.status === 'running' ? Math.min(1, Math.max(0.0005, g.cpuBase * (1 + 0.6 * wander(seed, `${k}:cpu`, t)))) : 0;
    const mem = on ? Math.round(g.maxmem * Math.min(0.98, g.memFrac * (1 + 0.05 * wander(seed, `${k}:mem`, t)))) : 0;
    const c = (/** @type {keyof Guest['rates']} */ name) => (on ? counter(g.rates[name], g.startedAt, t, g.phase) : 0);
    return {
      cpu, mem, memhost: Math.round(mem * 1.06),
      disk: g.type === 'lxc' && on ? Math.round(g.maxdisk * g.diskFrac) : 0,
      netin: c('netin'), netout: c('netout'), diskread: c('diskread'), diskwrite: c('diskwrite'),
      uptime: on ? t - g.startedAt : 0,
      swap: g.type === 'lxc' && on ? Math.round(64 * 1024 * 1024 * unit(seed, `${k}:swap`)) : 0,
    };
  }

  function mustGuest(/** @type {number} */ vmid) {
    const g = guestByVmid.get(vmid);
    if (!g) throw new Error(`proxmox-sim: no guest ${vmid}`);
    return g;
  }

  return {
    seed, version, cluster, nodes, guests, nodeByName, guestByVmid, nowSec, nodeUsage, guestUsage,
    ceph: options.ceph ?? false,
    /** a node goes offline (or back): its pveproxy is unreachable, others answer 595 for it */
    setNodeOnline(/** @type {string} */ name, /** @type {boolean} */ online) {
      const n = nodeByName.get(name);
      if (!n) throw new Error(`proxmox-sim: no node ${name}`);
      n.online = online;
      if (online) n.bootAt = nowSec();
    },
    stopGuest(/** @type {number} */ vmid) {
      const g = mustGuest(vmid);
      g.status = 'stopped';
      g.startedAt = 0;
    },
    startGuest(/** @type {number} */ vmid) {
      const g = mustGuest(vmid);
      if (g.status === 'stopped') g.startedAt = nowSec();
      g.status = 'running';
    },
    /** a restart: counters (netin, diskwrite …) and uptime start again from zero */
    restartGuest(/** @type {number} */ vmid) {
      const g = mustGuest(vmid);
      g.status = 'running';
      g.startedAt = nowSec();
    },
    pauseGuest(/** @type {number} */ vmid) {
      mustGuest(vmid).status = 'paused';
    },
    setGuest(/** @type {number} */ vmid, /** @type {Partial<Guest>} */ patch) {
      Object.assign(mustGuest(vmid), patch);
    },
  };
}
