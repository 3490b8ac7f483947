import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedFleet, startTestEngine } from '../tools/docker-sim/index.mjs';

/*
 * Issue 5's acceptance: the built server and the bundled agent as separate processes over real
 * HTTP. Enrol with an install token, report this machine (/proc) and three simulated containers
 * (tools/docker-sim), go offline when the agent stops, resend what was buffered while the server
 * restarted, and stop with exit code 77 once the agent is removed in Pulse.
 */

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const SERVER_CLI = join(root, 'packages/server/dist/cli.js');
const AGENT = join(root, 'packages/agent/dist/pulse-agent.mjs');
const built = existsSync(SERVER_CLI) && existsSync(AGENT);
const ADMIN = { username: 'ops', password: 'a-long-enough-secret' };
const INTERVAL_MS = 1000;

if (!built && !process.env.CI) console.warn(`[agent-e2e] skipped: build first (node scripts/prepare.mjs); missing ${[SERVER_CLI, AGENT].filter((p) => !existsSync(p)).join(', ')}`);

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, log: () => log, exited };
}

async function stop(proc: Proc | undefined): Promise<number | null | undefined> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return proc?.child.exitCode;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${context()}`);
}

interface Resource { id: string; type: string; status: string; parentId?: string; metrics: Record<string, number> }

describe.skipIf(!built && !process.env.CI)('pulse-agent and the server, end to end', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>>;
  let server: Proc | undefined;
  let agent: Proc | undefined;
  let base = '';
  let serverEnv: Record<string, string>;
  let session = { cookie: '', csrf: '' };
  let agentId = '';
  let hostId = '';
  const work = mkdtempSync(join(tmpdir(), 'pulse-agent-e2e-'));
  const config = join(work, 'etc/agent.json');
  const agentLogs: string[] = [];
  const logs = () => `--- server log (tail) ---\n${server?.log().slice(-4000) ?? ''}\n--- agent logs ---\n${[...agentLogs, agent?.log() ?? ''].join('\n---\n').slice(-4000)}`;

  async function startServer(): Promise<void> {
    server = start([SERVER_CLI, 'serve'], serverEnv);
    const proc = server;
    await waitFor('the server to answer /api/health', async () => {
      if (proc.child.exitCode !== null) throw new Error(`pulse serve exited with ${proc.child.exitCode}:\n${proc.log()}`);
      return (await fetch(`${base}/api/health`)).ok || undefined;
    }, 30_000, logs);
    const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.status).toBe(200);
    session = { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  function startAgent(): Proc {
    if (agent) agentLogs.push(agent.log());
    agent = start([AGENT, 'run', '--config', config], { PULSE_AGENT_LOG_LEVEL: 'debug' });
    return agent;
  }

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    // No content-type without a body: Fastify refuses an empty JSON body with 400.
    const json = init.body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await fetch(`${base}${path}`, { ...init, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...json, ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const resources = async () => (await api<{ resources: Resource[] }>('/api/resources')).body.resources;

  beforeAll(async () => {
    if (!built) throw new Error(`CI is set but the build is missing (${SERVER_CLI}, ${AGENT}): run node scripts/prepare.mjs first.`);
    engine = await startTestEngine({ containers: simulatedFleet(3) });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    serverEnv = {
      PULSE_PORT: String(port), PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: join(work, 'data'),
      PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password,
      // Only the agent reports this machine, so what the test sees is the agent's.
      PULSE_LOCAL_ENABLED: 'false',
      PULSE_AGENTS_INTERVAL_MS: String(INTERVAL_MS), PULSE_AGENTS_OFFLINE_AFTER_INTERVALS: '2',
      PULSE_HISTORY_FLUSH_INTERVAL_MS: '200', PULSE_LOG_LEVEL: 'info',
    };
    await startServer();
  });

  afterAll(async () => {
    await stop(agent);
    await stop(server);
    await engine?.close();
  });

  it('enrols with an install token and reports the host and its containers', async () => {
    const created = await api<{ id: string; token: string; command: string }>('/api/agents/install-tokens', { method: 'POST', body: '{}' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.command).toContain('/api/agents/install.sh');

    const enrol = start([AGENT, 'enrol', '--server', base, '--config', config, '--state-dir', join(work, 'state'), '--docker', engine.url], { PULSE_AGENT_INSTALL_TOKEN: created.body.token });
    expect(await enrol.exited, enrol.log()).toBe(0);
    agentId = /enrolled as agent (\S+)/.exec(enrol.log())![1]!;
    hostId = `host:agent:${agentId}`;

    startAgent();
    const seen = await waitFor('the host and three containers, online', async () => {
      const all = await resources();
      const host = all.find((r) => r.id === hostId);
      const containers = all.filter((r) => r.parentId === hostId);
      return host?.status === 'online' && containers.length === 3 ? { host, containers } : undefined;
    }, 30_000, logs);
    expect(seen.host.type).toBe('host');
    expect(seen.host.metrics.cpu).toBeTypeOf('number');
    expect(seen.containers.map((c) => c.status).sort()).toEqual(['online', 'online', 'online']);

    // Reusing a single-use install token is refused, with exit code 77.
    const again = start([AGENT, 'enrol', '--server', base, '--config', join(work, 'other.json')], { PULSE_AGENT_INSTALL_TOKEN: created.body.token });
    expect(await again.exited).toBe(77);
  });

  it('goes offline after the configured number of missed intervals once the agent stops, and back online when it returns', async () => {
    expect(await stop(agent)).toBe(0);
    const stoppedAt = Date.now();
    await waitFor('the host to go offline', async () => (await resources()).find((r) => r.id === hostId)?.status === 'offline', 15_000, logs);
    // 2 × 1 s without a report, checked every second by the server: offline within a few seconds, not at once.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1500);
    expect((await resources()).filter((r) => r.parentId === hostId).every((c) => c.status === 'offline')).toBe(true);

    startAgent();
    await waitFor('the host back online', async () => (await resources()).find((r) => r.id === hostId)?.status === 'online', 15_000, logs);
  });

  it('resends, in order, the reports it buffered while the server restarted', async () => {
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
    expect(await stop(server)).toBe(0);
    const downFrom = Date.now();
    await new Promise((r) => setTimeout(r, 4000));
    await waitFor('the agent to notice the outage', () => agent!.log().includes('server unreachable'), 10_000, logs);
    const upAt = Date.now();
    await startServer();
    await waitFor('the agent to resend', () => agent!.log().includes('server reachable again'), 90_000, logs);

    const history = await waitFor('history covering the outage', async () => {
      const q = new URLSearchParams({ resource: hostId, metric: 'cpu', from: String(downFrom - 10_000), to: String(Date.now()), points: '5000' });
      const res = await api<{ series: Array<{ t: number[] }> }>(`/api/metrics/history?${q}`);
      const t = res.status === 200 ? res.body.series[0]?.t ?? [] : [];
      return t.filter((x) => x > downFrom && x < upAt).length >= 3 ? t : undefined;
    }, 20_000, logs);
    // Samples keep their sampling times: the outage is filled, one every interval, with no gap.
    const around = history.filter((t) => t > downFrom - 3000 && t < upAt + 1000);
    const gaps = around.slice(1).map((t, i) => t - around[i]!);
    expect(Math.max(...gaps)).toBeLessThan(2.5 * INTERVAL_MS);
    expect(around.filter((t) => t > downFrom && t < upAt).length).toBeGreaterThanOrEqual(Math.floor((upAt - downFrom) / INTERVAL_MS) - 2);
    expect(agent!.child.exitCode).toBeNull();
  });

  it('stops with exit code 77 and says why once the agent is removed in Pulse', async () => {
    const removed = await api(`/api/agents/${encodeURIComponent(agentId)}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    const code = await Promise.race([agent!.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code, logs()).toBe(77);
    expect(agent!.log()).toMatch(/refused this agent's token \(revoked or unknown\)/);
    expect((await resources()).some((r) => r.id === hostId)).toBe(false);
  });

  it('installs from the one-line command the server hands out (under a temp root, systemd stubbed)', async () => {
    const created = await api<{ command: string }>('/api/agents/install-tokens', { method: 'POST', body: '{}' });
    const scriptUrl = /'([^']+install\.sh[^']*)'/.exec(created.body.command)?.[1] ?? /(\S+install\.sh\S*)/.exec(created.body.command)![1]!;
    const script = await fetch(scriptUrl);
    expect(script.status).toBe(200);
    const prefix = mkdtempSync(join(tmpdir(), 'pulse-agent-e2e-root-'));
    const sh = spawn('sh', ['-s', '--', '--docker', 'false'], {
      env: { ...process.env, PULSE_AGENT_PREFIX: prefix, NODE: process.execPath, SYSTEMCTL: 'true', USERADD: 'true', USERMOD: 'true', USERDEL: 'true', CHOWN: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    sh.stdout.on('data', (c: Buffer) => (out += c.toString()));
    sh.stderr.on('data', (c: Buffer) => (out += c.toString()));
    sh.stdin.end(await script.text());
    const code = await new Promise<number | null>((ok) => sh.once('exit', ok));
    expect(code, out).toBe(0);
    expect(readFileSync(join(prefix, 'opt/pulse-agent/pulse-agent.mjs')).equals(readFileSync(AGENT))).toBe(true);
    const written = JSON.parse(readFileSync(join(prefix, 'etc/pulse-agent/agent.json'), 'utf8')) as { server: string; token: string; docker: unknown };
    expect(written).toMatchObject({ server: base, token: expect.stringMatching(/^pulse_agent_/), docker: false });
  });
});
