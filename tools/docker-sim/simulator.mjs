import { rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import { infoAnswer, inspectAnswer, listEntry, statsAnswer, versionAnswer } from './answers.mjs';
import { testCerts } from './certs.mjs';
import { createEventLog, parseFilters } from './events.mjs';
import { createCgroupProcesses } from './cgroup-procs.mjs';
import { applyFault, createFaults } from './faults.mjs';
import { createSimContainer } from './sim-container.mjs';

/**
 * A Docker Engine API simulator: the real API's paths and shapes over a unix socket and/or TCP
 * (optionally mutual TLS), deterministic counters driven by an injectable clock, events, and
 * failure injection. Pulse's code under test cannot tell it from dockerd (or Podman, if asked).
 */

/**
 * @typedef {import('./sim-container.mjs').ContainerSpec} ContainerSpec
 * @typedef {import('./sim-container.mjs').SimContainer} SimContainer
 * @typedef {import('./faults.mjs').Fault} Fault
 * @typedef {import('./faults.mjs').Route} Route
 *
 * @typedef {object} SimulatorOptions
 * @property {() => number} [now] the clock counters grow with (default Date.now)
 * @property {{ flavour?: 'docker' | 'podman', version?: string, apiVersion?: string, minApiVersion?: string }} [engine]
 *   default Docker 27.3.1, API 1.47, minimum 1.24
 * @property {'v1' | 'v2'} [cgroup] default v2
 * @property {number} [cpus] default 4
 * @property {number} [memTotal] bytes, default 8 GiB
 * @property {ContainerSpec[]} [containers]
 * @property {number} [legacyStatsDelayMs] how long stats without one-shot take (a real engine waits for a second sample); default 0
 * @property {boolean} [cgroups] give each running container a real process in a real cgroup (root only; see cgroup-procs.mjs)
 *   and report its PID in inspect; without it every running container claims PID 4242
 */

const ONE_SHOT_API = [1, 41];
const parseVersion = (v) => v.split('.').map(Number);
const compare = (a, b) => {
  const [pa, pb] = [parseVersion(a), parseVersion(b)];
  return (pa[0] ?? 0) - (pb[0] ?? 0) || (pa[1] ?? 0) - (pb[1] ?? 0);
};

/** @param {SimulatorOptions} [options] */
export function createDockerSimulator(options = {}) {
  const now = options.now ?? Date.now;
  const engine = {
    flavour: options.engine?.flavour ?? 'docker',
    version: options.engine?.version ?? (options.engine?.flavour === 'podman' ? '5.2.2' : '27.3.1'),
    apiVersion: options.engine?.apiVersion ?? (options.engine?.flavour === 'podman' ? '1.41' : '1.47'),
    minApiVersion: options.engine?.minApiVersion ?? '1.24',
    cpus: options.cpus ?? 4,
    memTotal: options.memTotal ?? 8 * 1024 ** 3,
    cgroup: options.cgroup ?? 'v2',
    bootAt: now() - 86_400_000,
  };
  /** @type {Map<string, SimContainer>} */
  const containers = new Map();
  const events = createEventLog({ now });
  const faults = createFaults();
  const procs = options.cgroups ? createCgroupProcesses() : undefined;
  /** A container's run begins or ends: its real process (with --cgroups) follows. */
  const runProcess = (c) => {
    if (procs) c.pid = c.state === 'running' || c.state === 'paused' ? procs.start(c.id) : (procs.stop(c.id), undefined);
  };
  /** @type {Array<{ server: http.Server, socketPath?: string }>} */
  const servers = [];
  const openResponses = new Set();
  const inFlight = new Map();
  const maxInFlight = new Map();
  /** @type {Array<{ route: Route | 'unknown', path: string, apiVersion: string | undefined, query: Record<string, string> }>} */
  const requests = [];

  const attributes = (c, extra = {}) => ({ image: c.image, name: c.name, ...c.labels, ...extra });
  const emit = (c, action, extra) => events.emit('container', action, c.id, attributes(c, extra));

  function find(/** @type {string} */ ref) {
    const byName = [...containers.values()].find((c) => c.name === ref.replace(/^\//, ''));
    if (containers.has(ref)) return containers.get(ref);
    if (byName) return byName;
    const byPrefix = [...containers.values()].filter((c) => c.id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  function mustFind(/** @type {string} */ ref) {
    const c = find(ref);
    if (!c) throw new Error(`docker-sim: no container ${ref}`);
    return c;
  }

  function addContainer(/** @type {ContainerSpec} */ spec) {
    const c = createSimContainer(spec, now());
    containers.set(c.id, c);
    runProcess(c);
    emit(c, 'create');
    if (c.state === 'running') emit(c, 'start');
    return c.id;
  }
  for (const spec of options.containers ?? []) addContainer(spec);

  // ---- HTTP ----

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers });
    res.end(text);
  }

  const serverHeader = () => (engine.flavour === 'podman' ? `Libpod/${engine.version} (linux)` : `Docker/${engine.version} (linux)`);

  /** Splits `/v1.47/containers/json` into its version and the rest; refuses versions the engine does not speak. */
  function versionOf(pathname) {
    const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(pathname);
    if (!match) return { apiVersion: undefined, rest: pathname };
    const [, apiVersion, rest] = match;
    if (compare(apiVersion, engine.apiVersion) > 0) return { apiVersion, rest, error: `client version ${apiVersion} is too new. Maximum supported API version is ${engine.apiVersion}` };
    if (compare(apiVersion, engine.minApiVersion) < 0) return { apiVersion, rest, error: `client version ${apiVersion} is too old. Minimum supported API version is ${engine.minApiVersion}, please upgrade your client to a newer version` };
    return { apiVersion, rest };
  }

  /** @returns {{ route: Route, container?: SimContainer, ref?: string } | undefined} */
  function routeOf(rest) {
    if (rest === '/_ping') return { route: 'ping' };
    if (rest === '/version') return { route: 'version' };
    if (rest === '/info') return { route: 'info' };
    if (rest === '/containers/json') return { route: 'list' };
    if (rest === '/events') return { route: 'events' };
    const match = /^\/containers\/([^/]+)\/(json|stats)$/.exec(rest);
    if (!match) return undefined;
    const ref = decodeURIComponent(match[1]);
    return { route: match[2] === 'json' ? 'inspect' : 'stats', container: find(ref), ref };
  }

  function track(route, res) {
    inFlight.set(route, (inFlight.get(route) ?? 0) + 1);
    maxInFlight.set(route, Math.max(maxInFlight.get(route) ?? 0, inFlight.get(route)));
    openResponses.add(res);
    res.on('close', () => {
      inFlight.set(route, inFlight.get(route) - 1);
      openResponses.delete(res);
    });
  }

  async function handle(req, res) {
    res.setHeader('Server', serverHeader());
    res.setHeader('Api-Version', engine.apiVersion);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    const url = new URL(req.url ?? '/', 'http://docker');
    const version = versionOf(url.pathname);
    const target = routeOf(version.rest);
    requests.push({ route: target?.route ?? 'unknown', path: url.pathname, apiVersion: version.apiVersion, query: Object.fromEntries(url.searchParams) });
    if (requests.length > 10_000) requests.shift();
    if (version.error) return send(res, 400, { message: version.error });
    if (!target || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, { message: 'page not found' });
    track(target.route, res);
    const fault = faults.take(target.route, target.container);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 1000));
    else if (fault && applyFault(fault, req, res)) return;
    if (res.destroyed || res.writableEnded) return;
    await answer(target, version.apiVersion ?? engine.apiVersion, url.searchParams, res);
  }

  async function answer(target, apiVersion, params, res) {
    const at = now();
    switch (target.route) {
      case 'ping':
        return send(res, 200, 'OK', { 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' });
      case 'version':
        return send(res, 200, versionAnswer(engine));
      case 'info':
        return send(res, 200, infoAnswer(engine, [...containers.values()]));
      case 'list': {
        const filters = parseFilters(params.get('filters'));
        const all = params.get('all') === '1' || params.get('all') === 'true';
        const list = [...containers.values()]
          .filter((c) => all || c.state === 'running')
          .filter((c) => !filters.id?.length || filters.id.some((id) => c.id.startsWith(id)))
          .filter((c) => !filters.name?.length || filters.name.some((n) => c.name.includes(n.replace(/^\//, ''))))
          .filter((c) => !filters.status?.length || filters.status.includes(c.state))
          .sort((a, b) => b.createdAt - a.createdAt);
        return send(res, 200, list.map((c) => listEntry(c, at)));
      }
      case 'inspect':
        if (!target.container) return send(res, 404, { message: `No such container: ${target.ref}` });
        return send(res, 200, inspectAnswer(target.container, at));
      case 'stats': {
        if (!target.container) return send(res, 404, { message: `No such container: ${target.ref}` });
        const stream = params.get('stream') !== 'false' && params.get('stream') !== '0';
        // one-shot is only understood from API 1.41; older clients always get the two-sample answer.
        const oneShot = !stream && params.get('one-shot') === 'true' && compare(apiVersion, ONE_SHOT_API.join('.')) >= 0;
        if (!stream) {
          if (!oneShot && options.legacyStatsDelayMs) await new Promise((resolve) => setTimeout(resolve, options.legacyStatsDelayMs));
          return send(res, 200, statsAnswer(target.container, engine, now(), { oneShot }));
        }
        return streamStats(target.container, res);
      }
      case 'events': {
        const since = params.get('since');
        events.subscribe(res, { since: since === null ? undefined : Number(since), filters: parseFilters(params.get('filters')) });
        return undefined;
      }
      default:
        return send(res, 404, { message: 'page not found' });
    }
  }

  function streamStats(c, res) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const tick = () => res.write(`${JSON.stringify(statsAnswer(c, engine, now(), { oneShot: false }))}\n`);
    tick();
    const timer = setInterval(tick, 1000);
    res.on('close', () => clearInterval(timer));
  }

  function onRequest(req, res) {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { message: `docker-sim: ${err.message}` });
    });
  }

  return {
    engine,
    /**
     * Listens on a unix socket (`{ socketPath }`) or TCP (`{ port, host }`, `tls: true` for mutual TLS
     * with the test certificates, or your own `{ key, cert, ca }`). Call more than once to serve both.
     * @param {{ socketPath?: string, port?: number, host?: string, tls?: boolean | { key: string | Buffer, cert: string | Buffer, ca?: string | Buffer, requestCert?: boolean } }} where
     * @returns {Promise<{ url: string, socketPath?: string, host?: string, port?: number }>}
     */
    async listen(where) {
      const tls = where.tls === true ? { ...testCerts().server, requestCert: true } : where.tls || undefined;
      const server = tls
        ? https.createServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: tls.requestCert ?? Boolean(tls.ca), rejectUnauthorized: tls.requestCert ?? Boolean(tls.ca) }, onRequest)
        : http.createServer(onRequest);
      if (where.socketPath) {
        rmSync(where.socketPath, { force: true });
        server.listen(where.socketPath);
        await once(server, 'listening');
        servers.push({ server, socketPath: where.socketPath });
        return { url: `unix://${where.socketPath}`, socketPath: where.socketPath };
      }
      const host = where.host ?? '127.0.0.1';
      server.listen(where.port ?? 0, host);
      await once(server, 'listening');
      servers.push({ server });
      const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      return { url: `${tls ? 'https' : 'tcp'}://${host.includes(':') ? `[${host}]` : host}:${port}`, host, port };
    },

    /** Stops listening and drops every connection, hanging ones included. */
    async close() {
      events.endAll();
      for (const res of openResponses) res.destroy();
      await Promise.all(servers.map(async ({ server, socketPath }) => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(() => resolve(undefined)));
        if (socketPath) rmSync(socketPath, { force: true });
      }));
      servers.length = 0;
      await procs?.close();
    },

    // ---- containers ----
    addContainer,
    /** @returns {SimContainer | undefined} a live view, for tests that compute expected figures */
    container: (/** @type {string} */ ref) => find(ref),
    containerIds: () => [...containers.keys()],
    /** The container's main process exits: `die` (after `oom` if OOM-killed), state exited. */
    die(/** @type {string} */ ref, /** @type {{ exitCode?: number, oomKilled?: boolean }} */ how = {}) {
      const c = mustFind(ref);
      Object.assign(c, { state: 'exited', exitCode: how.exitCode ?? (how.oomKilled ? 137 : 0), oomKilled: how.oomKilled ?? false, finishedAt: now() });
      runProcess(c);
      if (c.oomKilled) emit(c, 'oom');
      emit(c, 'die', { exitCode: String(c.exitCode) });
    },
    /** Starts a stopped container: counters begin again from zero. */
    start(/** @type {string} */ ref) {
      const c = mustFind(ref);
      Object.assign(c, { state: 'running', startedAt: now(), oomKilled: false, health: c.health === undefined ? undefined : 'starting', failingStreak: 0 });
      runProcess(c);
      emit(c, 'start');
    },
    /** The restart policy brings a crashed container back: die, start, RestartCount + 1. */
    crashAndRestart(/** @type {string} */ ref, /** @type {{ exitCode?: number }} */ how = {}) {
      const c = mustFind(ref);
      Object.assign(c, { exitCode: how.exitCode ?? 1, finishedAt: now() });
      emit(c, 'die', { exitCode: String(c.exitCode) });
      Object.assign(c, { state: 'running', startedAt: now(), restartCount: c.restartCount + 1 });
      runProcess(c);
      emit(c, 'start');
    },
    setHealth(/** @type {string} */ ref, /** @type {'healthy' | 'unhealthy' | 'starting'} */ health) {
      const c = mustFind(ref);
      Object.assign(c, { health, failingStreak: health === 'unhealthy' ? c.failingStreak + 3 : 0 });
      emit(c, `health_status: ${health}`);
    },
    pause(/** @type {string} */ ref) {
      const c = mustFind(ref);
      c.state = 'paused';
      emit(c, 'pause');
    },
    remove(/** @type {string} */ ref) {
      const c = mustFind(ref);
      containers.delete(c.id);
      procs?.stop(c.id);
      emit(c, 'destroy');
    },

    // ---- failure injection ----
    /** @param {Fault} fault @returns {{ clear(): void }} */
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    /** Changes what the engine says about itself, e.g. to play an upgrade or a too-old engine. */
    setEngine(/** @type {{ apiVersion?: string, minApiVersion?: string, version?: string, flavour?: 'docker' | 'podman' }} */ change) {
      Object.assign(engine, change);
    },
    /** Ends every open events stream, as a daemon restart does. */
    dropEventStreams: () => events.endAll(),
    /** Writes a raw line to open events streams. */
    sendRawEvent: (/** @type {string} */ line) => events.writeRaw(line),
    get eventSubscribers() {
      return events.subscriberCount;
    },

    // ---- measurements ----
    /** Requests seen, oldest first (the last 10,000). */
    requests,
    /** Most requests of one route that were in flight at once since the last reset. */
    maxInFlight: (/** @type {Route} */ route) => maxInFlight.get(route) ?? 0,
    inFlight: (/** @type {Route} */ route) => inFlight.get(route) ?? 0,
    resetMeasurements() {
      requests.length = 0;
      maxInFlight.clear();
      for (const [route, n] of inFlight) maxInFlight.set(route, n);
    },
  };
}

/** @typedef {ReturnType<typeof createDockerSimulator>} DockerSimulator */
