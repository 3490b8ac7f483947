/**
 * The processes of bench/uptime.mjs: the HTTP target (uptime-target.mjs, forked, IPC) and the BUILT
 * `pulse serve` (SQLite in a temporary data dir, history on disk, no local source); and what /proc
 * and the data dir say about the server's writes.
 */
import { execFileSync, fork } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, waitFor } from './agent-procs.mjs';

export const ADMIN = { username: 'bench', password: 'a-long-enough-bench-secret' };

/** The target on `hosts` (one port), answering after `delayMs`; `mark(name)` and `dump(file)` go over IPC. */
export async function startTarget(script, { hosts, delayMs }) {
  const child = fork(script, ['--hosts', hosts.join(','), '--delay-ms', String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const reply = (type, match = () => true) => new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== type || !match(m)) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    exited.then((code) => reject(new Error(`the target exited (${code}):\n${log}`)));
  });
  const { port } = await reply('ready');
  return {
    pid: child.pid,
    port,
    log: () => log,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async mark(name) {
      const answer = reply('marked', (m) => m.name === name);
      child.send({ type: 'mark', name });
      return (await answer).atUs;
    },
    async dump(file) {
      const answer = reply('dumped');
      child.send({ type: 'dump', file });
      await answer;
      return JSON.parse(readFileSync(file, 'utf8'));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * `pulse serve` on 127.0.0.1, logged in as the admin PULSE_ADMIN_USER creates; `nodeFlags` go to
 * node; `dist` runs another build (a copy needs a node_modules link beside its packages/).
 */
export async function startPulse(root, { dataDir, dist = `${root}/packages/server/dist`, nodeFlags = [], env = {} }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = startProcess(process.execPath, [...nodeFlags, `${dist}/cli.js`, 'serve'], {
    cwd: root,
    env: {
      PULSE_PORT: String(port), PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir,
      PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
      PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'warn', ...env,
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
  return { ...proc, base, api };
}

/** /proc/<pid>/io: wchar (bytes handed to write syscalls) and write_bytes (bytes sent to the block layer). */
export function ioOf(pid) {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { wchar: field('wchar'), writeBytes: field('write_bytes'), cancelledWriteBytes: field('cancelled_write_bytes') };
}

/** Size of every file under `dir`, by path relative to it. */
export function filesOf(dir, prefix = '') {
  const out = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, filesOf(path, `${prefix}${entry.name}/`));
    else if (entry.isFile()) out[`${prefix}${entry.name}`] = statSync(path).size;
  }
  return out;
}

/** `ss -s`'s TCP line (estab, closed, timewait), to see whether fresh connections pile up. */
export function tcpSummary() {
  try {
    const line = execFileSync('ss', ['-s'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('TCP:'));
    const num = (key) => Number(new RegExp(`${key} (\\d+)`).exec(line)?.[1] ?? NaN);
    return { line: line.trim(), estab: num('estab'), timewait: num('timewait') };
  } catch {
    return undefined;
  }
}
