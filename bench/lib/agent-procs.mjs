/**
 * The pieces bench/agent.mjs starts and measures: the built server, the Docker simulator, the bundled
 * agent, Debian's node_exporter; and what /proc says about a process (CPU ticks, RSS).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat. */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a whole process (every thread), in seconds; undefined once it is gone. */
export function cpuSeconds(pid) {
  let line;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which sits in parentheses and may contain spaces.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** VmRSS and VmHWM (peak RSS) in bytes. */
export function memoryOf(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Busy and total jiffies of the whole machine, for "how busy was everything else". */
export function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A child process whose output is kept (the last 2-4 MiB) for when something goes wrong. */
export function startProcess(command, args, { env = {}, cwd } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  const keep = (chunk) => {
    log += chunk;
    if (log.length > 4_194_304) log = log.slice(-2_097_152);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    resolve(code ?? signal);
  }));
  return {
    child,
    pid: child.pid,
    exited,
    log: () => log,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 8000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function waitFor(what, probe, timeoutMs, context = () => '') {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (${last.message ?? last})` : ''}\n${context()}`);
}

/**
 * The Docker Engine simulator as its own process (its CPU must not land on ours or the agent's);
 * with `cgroups`, its running containers are real processes in real cgroups, which an agent on the
 * same machine reads as it would a local dockerd's.
 */
export async function startSimulator(root, socketPath, containers, { cgroups = false } = {}) {
  const args = ['--socket', socketPath, '--containers', String(containers), ...(cgroups ? ['--cgroups'] : [])];
  const sim = startProcess(process.execPath, [`${root}/tools/docker-sim/cli.mjs`, ...args]);
  await waitFor('the Docker simulator', () => {
    if (!sim.running) throw new Error(`docker-sim exited: ${sim.log()}`);
    return sim.log().includes('listening on') || undefined;
  }, 15_000);
  return sim;
}

const ADMIN = { username: 'bench', password: 'a-long-enough-bench-secret' };

/**
 * `pulse serve` on 127.0.0.1 with agents reporting every `intervalMs` (the server's answers set the
 * agents' interval), logged in as admin, with one install token good for `maxUses` enrolments.
 */
export async function startServer(root, { dataDir, intervalMs, maxUses = 1000 }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startProcess(process.execPath, [`${root}/packages/server/dist/cli.js`, 'serve'], {
    cwd: root,
    env: {
      PULSE_PORT: String(port), PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir,
      PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
      // Only agents report: the server's own /proc reading would compete with the agent's.
      PULSE_LOCAL_ENABLED: 'false',
      PULSE_AGENTS_INTERVAL_MS: String(intervalMs),
      PULSE_AGENTS_MAX_AGENTS: '100000',
      PULSE_LOG_LEVEL: 'warn',
    },
  });
  await waitFor('the server to answer /api/health', async () => {
    if (!server.running) throw new Error(`pulse serve exited:\n${server.log()}`);
    return (await fetch(`${base}/api/health`)).ok || undefined;
  }, 60_000, server.log);
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (!login.ok) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
  const session = { cookie: login.headers.getSetCookie()[0].split(';')[0], csrf: (await login.json()).csrfToken };
  const api = async (path, init = {}) => {
    const json = init.body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await fetch(`${base}${path}`, { ...init, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...json, ...init.headers } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const installToken = (await api('/api/agents/install-tokens', { method: 'POST', body: JSON.stringify({ maxUses }) })).token;
  return {
    ...server,
    base,
    api,
    /** Enrols one agent the way `pulse-agent enrol` does; distinct machine ids keep agents apart. */
    async enrol(hostname, machineId) {
      const res = await fetch(`${base}/api/agents/enrol`, {
        method: 'POST',
        headers: { authorization: `Bearer ${installToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hostname, machineId, version: 'bench' }),
      });
      if (!res.ok) throw new Error(`enrol ${hostname}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
}

/** The flags the systemd unit (install/install.sh) gives node, so the bench runs the agent as installed. */
export function unitNodeFlags(root) {
  const script = readFileSync(`${root}/packages/agent/install/install.sh`, 'utf8');
  const flags = /^ExecStart=\$NODE_BIN (.*?)\s*\$INSTALL_DIR\//m.exec(script)?.[1] ?? '';
  return flags.split(/\s+/).filter(Boolean);
}

/** Debian's node_exporter, if installed. */
export function findNodeExporter() {
  for (const name of ['prometheus-node-exporter', 'node_exporter']) {
    for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
      if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
    }
  }
  return undefined;
}

export async function startNodeExporter(binary) {
  const port = await freePort();
  const exporter = startProcess(binary, [`--web.listen-address=127.0.0.1:${port}`]);
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor('node_exporter to answer /metrics', async () => {
    if (!exporter.running) throw new Error(`node_exporter exited: ${exporter.log()}`);
    return (await fetch(url)).ok || undefined;
  }, 15_000, exporter.log);
  let version;
  try {
    version = /version (\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1];
  } catch {}
  return { ...exporter, url, version };
}

/**
 * Scrapes `url` every `intervalMs` the way Prometheus does (keep-alive, gzip accepted, the whole body
 * read), until stopped. Counts scrapes and bytes.
 */
export function startScraper(url, intervalMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const stats = { scrapes: 0, failures: 0, bytes: 0 };
  let stopped = false;
  const scrape = () => new Promise((resolve) => {
    const req = http.get(url, { agent, headers: { 'accept-encoding': 'gzip', accept: 'text/plain;version=0.0.4' } }, (res) => {
      res.on('data', (chunk) => {
        stats.bytes += chunk.length;
      });
      res.on('end', () => {
        if (res.statusCode === 200) stats.scrapes++;
        else stats.failures++;
        resolve();
      });
      res.on('error', () => {
        stats.failures++;
        resolve();
      });
    });
    req.on('error', () => {
      stats.failures++;
      resolve();
    });
  });
  const timer = setInterval(() => {
    if (!stopped) void scrape();
  }, intervalMs);
  void scrape();
  return {
    stats,
    stop() {
      stopped = true;
      clearInterval(timer);
      agent.destroy();
    },
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** /proc/<pid>/io write_bytes, or NaN when it cannot be read. */
function bytesWritten(pid) {
  try {
    return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * Watches a process over a window: CPU seconds at both ends, RSS sampled every second. `stop()`
 * returns CPU as % of one core, mean and max RSS, each minute's mean and max RSS (a long window's
 * shape), the bytes it wrote, and the peak RSS since start (VmHWM).
 */
export function startWindow(pid) {
  const cpu0 = cpuSeconds(pid);
  const written0 = bytesWritten(pid);
  const t0 = performance.now();
  const rss = [];
  const sample = () => {
    const mem = memoryOf(pid);
    if (mem) rss.push(mem.rss);
  };
  sample();
  const timer = setInterval(sample, 1000);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu1 = cpuSeconds(pid);
      const wallS = (performance.now() - t0) / 1000;
      const mem = memoryOf(pid);
      const minutes = [];
      for (let i = 0; i < rss.length; i += 60) {
        const part = rss.slice(i, i + 60);
        minutes.push({ meanBytes: mean(part), maxBytes: Math.max(...part) });
      }
      return {
        wallS,
        minutes,
        cpuS: cpu1 - cpu0,
        /** bytes the process sent to the disk in the window (/proc/<pid>/io write_bytes: page cache dirtied, WAL included) */
        writeBytes: bytesWritten(pid) - written0,
        cpuPercent: ((cpu1 - cpu0) / wallS) * 100,
        rssMeanBytes: mean(rss),
        rssMaxBytes: Math.max(...rss),
        hwmBytes: mem?.hwm ?? NaN,
      };
    },
  };
}

/**
 * Self time by function from a V8 .cpuprofile, biggest first; only the samples inside `window`
 * (CLOCK_MONOTONIC µs, which V8's profiler and process.hrtime share) when given.
 */
export function summariseProfile(file, window, top = 20) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window[0] || at > window[1])) return;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') return;
    total += dt;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return {
    busyMs: total / 1000,
    top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 })),
  };
}
