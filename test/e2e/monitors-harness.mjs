#!/usr/bin/env node
/*
 * A Pulse server with uptime monitors to look at, for the monitors pages (issue 7): the BUILT server
 * in this process, its own monitors API and scheduler checking real targets this script serves
 * (an HTTP(S) server whose answers and speed move, an open and a closed port, a push every few
 * seconds), with a maintenance window and a status page made through the API. Optionally many more
 * monitors as generated `monitor:<id>` resources in the contract's shape (extraSources, figures
 * moving every 2 s), to see the list at scale; those have no definition in the API.
 *
 *   node test/e2e/monitors-harness.mjs [--generated 2000] [--port 7655]
 *
 * Signs in as admin / "correct horse battery staple".
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));

/** What the HTTP monitors check: answers that are fast, slow, JSON, flaky, failing or never come. */
function targetHandler(started) {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const phase = Math.floor((Date.now() - started) / 40_000) % 2; // flips every 40 s
    const wave = (Math.sin(Date.now() / 7_000) + 1) / 2;
    switch (url.pathname) {
      case '/fast':
        return setTimeout(() => res.end('<html><body>Welcome to the shop</body></html>'), 5 + Math.random() * 25);
      case '/slow':
        return setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.write('<html><body>');
          // A body that takes a while to arrive, so download has a width.
          setTimeout(() => res.end('slow but fine</body></html>'), 40 + wave * 120);
        }, 150 + wave * 500);
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return setTimeout(() => res.end(JSON.stringify({ status: 'ok', checks: [{ ok: true, latency: 12 }] })), 20 + wave * 60);
      case '/flaky':
        if (phase === 1) {
          res.writeHead(503);
          return res.end('maintenance');
        }
        return setTimeout(() => res.end('ok'), 30);
      case '/error':
        res.writeHead(500);
        return res.end('boom');
      case '/hang':
        return; // never answers
      default:
        res.writeHead(404);
        return res.end('not here');
    }
  };
}

/** A self-signed certificate for the HTTPS target (openssl), so TLS timings and certificate facts show. */
function selfSigned(dir) {
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '20', '-subj', '/CN=localhost/O=Pulse Harness CA'], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch {
    return undefined;
  }
}

/** Generated monitors in the shape of monitor-source.ts, for the list at scale. */
function createGeneratedSource(count, everyMs) {
  const GROUPS = ['Production', 'Staging', 'Internal', 'Customers', 'Edge', undefined];
  const TYPES = ['http', 'http', 'http', 'tcp', 'dns', 'ping', 'push'];
  const monitors = Array.from({ length: count }, (_, i) => {
    const type = TYPES[i % TYPES.length];
    const state = i % 97 === 5 ? 'down' : i % 53 === 7 ? 'pending' : i % 41 === 3 ? 'paused' : i % 71 === 9 ? 'maintenance' : 'up';
    const host = `svc-${String(i).padStart(4, '0')}.example.net`;
    return {
      id: `gen-${i}`, name: `${['api', 'web', 'db', 'cache', 'queue', 'cdn', 'auth'][i % 7]}-${String(i).padStart(4, '0')}`, type, state, group: GROUPS[i % GROUPS.length],
      target: type === 'http' ? `https://${host}/health` : type === 'tcp' ? `${host}:5432` : type === 'dns' ? `${host} (A)` : type === 'push' ? 'push' : host,
      base: 40 + (i % 17) * 23, interval: [30, 60, 60, 120, 300][i % 5],
    };
  });
  let timer;
  let sink;
  const emit = () => {
    const at = Date.now();
    sink?.({
      source: 'monitors-harness', at, complete: true,
      resources: monitors.map((m, i) => {
        const wave = (Math.sin(at / 9_000 + i) + 1) / 2;
        const rt = m.base * (0.7 + wave * 0.6);
        const live = m.state !== 'paused';
        const http = m.type === 'http' && live ? { dns: rt * 0.08, connect: rt * 0.12, tls: rt * 0.2, ttfb: rt * 0.5, download: rt * 0.1 } : {};
        const reason = m.state === 'down'
          ? { code: 'timeout.ttfb', message: 'Timed out waiting for the first byte after 10 s', phase: 'ttfb' }
          : m.state === 'pending' ? { code: 'tcp.refused', message: 'Connection refused (ECONNREFUSED)', phase: 'connect' } : null;
        return {
          id: `monitor:${m.id}`, type: 'monitor', name: m.name, source: 'monitors-harness',
          status: { up: 'online', down: 'offline', pending: 'degraded', paused: 'unknown', maintenance: 'unknown' }[m.state],
          metrics: live ? { up: m.state === 'down' ? 0 : 1, rt: m.state === 'down' ? 10_000 : Math.round(rt * 1000) / 1000, ...http, ...(m.type === 'http' ? { 'cert.days': 40 + (i % 50), 'http.status': 200 } : {}) } : {},
          details: {
            monitorType: m.type, target: m.target, state: m.state, reason, warning: null, lastCheckAt: live ? at : at - 3_600_000, interval: m.interval,
            ...(m.group ? { group: m.group } : {}), ...(live ? { ip: `10.20.${i % 250}.${(i * 7) % 250}` } : {}),
          },
          identity: {}, tags: [],
        };
      }),
    });
  };
  return {
    id: 'monitors-harness',
    start(next) {
      sink = next;
      emit();
      timer = setInterval(emit, everyMs);
    },
    stop() {
      clearInterval(timer);
      sink = undefined;
    },
  };
}

/** The session cookie and CSRF token of the admin, for the API calls that set things up. */
async function signIn(base) {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? '']).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await res.json();
  return async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Starts the built server with monitors checking local targets; answers `{ base, credentials, monitors, statusSlug, close }`. */
export async function startMonitorsHarness({ port, generated = 0, everyMs = 2_000 } = {}) {
  const dist = join(root, 'packages/server/dist');
  const routes = join(dist, 'api/routes/monitors.js');
  if (!existsSync(routes)) throw new Error(`${routes} is missing: the monitors API is not in this build (node scripts/prepare.mjs).`);
  const { startPulse } = await import(pathToFileURL(join(dist, 'main.js')).href);
  const { loadConfig } = await import(pathToFileURL(join(dist, 'config/index.js')).href);
  const { createLogger } = await import(pathToFileURL(join(dist, 'observability/logger.js')).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-monitors-'));
  const listenPort = port ?? (await freePort());
  const env = {
    ...process.env, PULSE_HOST: '127.0.0.1', PULSE_PORT: String(listenPort), PULSE_DATA_DIR: dataDir, PULSE_LOCAL_ENABLED: 'false',
    PULSE_LOG_LEVEL: 'warn', PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password, PULSE_CONFIG: join(dataDir, 'none.toml'),
  };
  delete env.PULSE_DATABASE_URL;
  delete env.PULSE_REDIS_URL;
  delete env.PULSE_MONITORS_FILE;
  writeFileSync(env.PULSE_CONFIG, '');
  const { config } = loadConfig(env, dataDir);
  const logger = createLogger(config.log.level, process.stderr);

  // The targets.
  const started = Date.now();
  const http = createHttpServer(targetHandler(started));
  const httpPort = await listen(http);
  const tls = selfSigned(dataDir);
  const https = tls ? createHttpsServer(tls, targetHandler(started)) : undefined;
  const httpsPort = https ? await listen(https) : undefined;
  const closedPort = await freePort();

  const pulse = await startPulse({ config, logger, version: 'harness', env, extraSources: generated > 0 ? [createGeneratedSource(generated, everyMs)] : [] });
  const base = `http://127.0.0.1:${listenPort}`;
  const call = await signIn(base);
  const local = `http://127.0.0.1:${httpPort}`;
  const definitions = [
    { type: 'http', name: 'Shop front page', group: 'Website', url: `${local}/fast`, intervalS: 5, timeoutMs: 3_000, keyword: { value: 'Welcome' }, tags: ['shop'] },
    { type: 'http', name: 'Checkout API', group: 'Website', url: `${local}/slow`, intervalS: 5, timeoutMs: 3_000, keepAlive: false },
    { type: 'http', name: 'Orders API (keep-alive)', group: 'APIs', url: `${local}/json`, intervalS: 5, timeoutMs: 3_000, keepAlive: true, jsonPath: [{ path: 'status', op: '==', value: 'ok' }, { path: 'checks[0].ok', op: '==', value: true }] },
    ...(httpsPort ? [{ type: 'http', name: 'Admin console (TLS)', group: 'APIs', url: `https://localhost:${httpsPort}/fast`, intervalS: 5, timeoutMs: 3_000, verifyTls: false, certExpiryDays: 30 }] : []),
    { type: 'http', name: 'Search (flaky)', group: 'APIs', url: `${local}/flaky`, intervalS: 5, timeoutMs: 3_000, retries: 0 },
    { type: 'http', name: 'Legacy reports', group: 'Internal', url: `${local}/hang`, intervalS: 10, timeoutMs: 2_000, retries: 0 },
    { type: 'http', name: 'Billing webhook', group: 'Internal', url: `${local}/error`, intervalS: 10, timeoutMs: 2_000, retries: 1, retryIntervalS: 2 },
    { type: 'tcp', name: 'Postgres', group: 'Infrastructure', host: '127.0.0.1', port: httpPort, intervalS: 5, timeoutMs: 2_000 },
    { type: 'tcp', name: 'Redis', group: 'Infrastructure', host: '127.0.0.1', port: closedPort, intervalS: 10, timeoutMs: 2_000, retries: 0 },
    { type: 'dns', name: 'localhost resolves', group: 'Infrastructure', hostname: 'localhost', recordType: 'A', expected: ['127.0.0.1'], intervalS: 10, timeoutMs: 2_000 },
    { type: 'ping', name: 'Gateway ping', group: 'Infrastructure', host: '127.0.0.1', intervalS: 10, timeoutMs: 2_000 },
    { type: 'push', name: 'Nightly backup', group: 'Jobs', intervalS: 30, graceS: 10 },
    { type: 'http', name: 'Old marketing site', group: 'Website', url: `${local}/fast`, intervalS: 30, timeoutMs: 3_000, enabled: false },
  ];
  const monitors = [];
  for (const d of definitions) monitors.push((await call('POST', '/api/monitors', d)).monitor);
  const push = monitors.find((m) => m.type === 'push');
  const pushTimer = push?.pushUrl
    ? setInterval(() => void fetch(`${base}${push.pushUrl}?status=up&msg=OK&ping=${Math.round(200 + Math.random() * 80)}`).catch(() => {}), 5_000)
    : undefined;
  if (push?.pushUrl) void fetch(`${base}${push.pushUrl}?status=up&msg=OK&ping=230`).catch(() => {});

  const byName = (n) => monitors.find((m) => m.name === n)?.id;
  await call('POST', '/api/maintenance', {
    title: 'Search index rebuild', monitorIds: [byName('Search (flaky)')].filter(Boolean), startsAt: Date.now() + 2 * 86_400_000, endsAt: Date.now() + 2 * 86_400_000 + 7_200_000,
  });
  await call('POST', '/api/maintenance', {
    title: 'Weekly database maintenance', monitorIds: [byName('Postgres')].filter(Boolean), startsAt: Date.now() + 3_600_000, endsAt: Date.now() + 5_400_000,
    recurrence: { freq: 'weekly', weekdays: [0, 3], timezone: 'Europe/Berlin' },
  });
  const statusSlug = 'acme';
  await call('POST', '/api/status-pages', {
    slug: statusSlug, title: 'Acme status', description: 'Live status of the Acme shop and its APIs.', footer: 'Questions? support@acme.example',
    groups: [
      { name: 'Website', monitorIds: ['Shop front page', 'Checkout API', 'Old marketing site'].map(byName).filter(Boolean) },
      { name: 'APIs', monitorIds: ['Orders API (keep-alive)', 'Admin console (TLS)', 'Search (flaky)'].map(byName).filter(Boolean) },
      { name: 'Infrastructure', monitorIds: ['Postgres', 'Redis', 'Nightly backup'].map(byName).filter(Boolean) },
    ],
    showIncidents: true, showResponseTimes: true,
  });

  return {
    base,
    credentials: ADMIN,
    monitors,
    statusSlug,
    call,
    async close() {
      clearInterval(pushTimer);
      await pulse.close();
      http.closeAllConnections?.();
      https?.closeAllConnections?.();
      await Promise.all([new Promise((r) => http.close(r)), https ? new Promise((r) => https.close(r)) : undefined]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const harness = await startMonitorsHarness({ generated: Number(arg('generated', '0')), port: arg('port') ? Number(arg('port')) : undefined });
  console.log(`Pulse with ${harness.monitors.length} monitors at ${harness.base}  (sign in as ${ADMIN.username} / ${ADMIN.password}); status page ${harness.base}/status/${harness.statusSlug}`);
  const stopAll = async () => {
    await harness.close();
    process.exit(0);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  await sleep(0);
}
