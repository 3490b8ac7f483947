/**
 * The processes of bench/proxmox.mjs: the Proxmox simulator (tools/proxmox-sim/cli.mjs with its
 * loopback control port) and the BUILT `pulse serve`, each its own process so neither's CPU lands
 * on the other's or on the bench's.
 */
import { freePort, startProcess, waitFor } from './agent-procs.mjs';

export const ADMIN = { username: 'bench', password: 'a-long-enough-bench-secret' };
export const TOKEN = { tokenId: 'root@pam!pulse', secret: 'bench-token-secret' };

/**
 * `node tools/proxmox-sim/cli.mjs` on the wall clock, PVE `version`, one listener, with a control
 * port; parses the URL, fingerprint and control address it prints.
 */
export async function startSim(root, { nodes, guests, version = 9, seed = 1 }) {
  const args = [
    `${root}/tools/proxmox-sim/cli.mjs`, '--product', 'pve', '--nodes', String(nodes), '--guests', String(guests),
    '--version', String(version), '--seed', String(seed), '--port', '0', '--control', '0', '--token', `${TOKEN.tokenId}=${TOKEN.secret}`,
  ];
  const proc = startProcess(process.execPath, args);
  const printed = await waitFor('the Proxmox simulator', () => {
    if (!proc.running) throw new Error(`proxmox-sim exited:\n${proc.log()}`);
    const log = proc.log();
    const url = /listening on (https:\/\/\S+)/.exec(log)?.[1];
    const fingerprint = /certificate SHA-256 ([0-9A-F:]+)/.exec(log)?.[1];
    const control = /control on (http:\/\/\S+)/.exec(log)?.[1];
    return url && fingerprint && control ? { url, fingerprint, control } : undefined;
  }, 60_000, proc.log);
  const call = async (method, path) => {
    const res = await fetch(`${printed.control}${path}`, { method });
    const body = await res.json();
    if (!res.ok) throw new Error(`sim control ${method} ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    ...proc,
    ...printed,
    /** { at, total, byPort, byMember, byNode, byPath } since the last reset */
    requests: () => call('GET', '/requests'),
    resetRequests: () => call('POST', '/requests/reset'),
    guests: () => call('GET', '/guests'),
    /** stop | start | restart | pause; resolves with { at, vmid, status } once the model changed */
    guest: (vmid, action) => call('POST', `/guests/${vmid}/${action}`),
  };
}

/**
 * `pulse serve` on 127.0.0.1 with only the sources the bench adds (no local collector), logged in
 * as the admin PULSE_ADMIN_USER creates, started through `bin/pulse` as `npm start` starts it (its
 * malloc arena and young-generation settings included; it execs node, so the pid is the server's).
 * `nodeFlags` go to node after the launcher's own (e.g. --cpu-prof, or a flag to override).
 */
export async function startPulse(root, { dataDir, nodeFlags = [], env = {} }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // PULSE_BENCH_PVE_SERVER_DIST runs another build (a baseline copy beside a node_modules link).
  const dist = process.env.PULSE_BENCH_PVE_SERVER_DIST || `${root}/packages/server/dist`;
  const proc = startProcess('sh', [`${root}/bin/pulse`, 'serve'], {
    cwd: root,
    env: {
      PULSE_PORT: String(port), PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir,
      PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
      PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'warn', PULSE_CLI: `${dist}/cli.js`, PULSE_NODE_FLAGS: nodeFlags.join(' '), ...env,
    },
  });
  await waitFor('the server to answer /api/health', async () => {
    if (!proc.running) throw new Error(`pulse serve exited:\n${proc.log()}`);
    return (await fetch(`${base}/api/health`)).ok || undefined;
  }, 60_000, proc.log);
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (!login.ok) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
  const session = { cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: (await login.json()).csrfToken };
  const api = async (path, init = {}) => {
    const json = init.body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await fetch(`${base}${path}`, { ...init, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...json, ...init.headers } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  /** The server's own figures from /metrics (Prometheus text): V8 heap, external memory, event-loop lag. */
  const processFigures = async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { cookie: session.cookie } })).text();
    const pick = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    const spaces = Object.fromEntries([...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
    return {
      heapTotal: pick('nodejs_heap_size_total_bytes'), heapUsed: pick('nodejs_heap_size_used_bytes'),
      external: pick('nodejs_external_memory_bytes'), spaces,
    };
  };
  return {
    ...proc,
    base,
    api,
    processFigures,
    wsUrl: `${base.replace('http', 'ws')}/api/ws`,
    /** a connection token for /api/ws, as the web app gets one */
    realtimeToken: async () => (await api('/api/realtime/token', { method: 'POST' })).token,
  };
}
