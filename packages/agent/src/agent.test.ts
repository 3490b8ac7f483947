import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentReport } from '@pulse/protocol';
import { simulatedFleet, startTestEngine } from '../../../tools/docker-sim/index.mjs';
import { createManualTimers } from '../test-support/manual-timers.js';
import { startReportServer, until } from '../test-support/report-server.js';
import type { ReportServer, Responder } from '../test-support/report-server.js';
import { startAgent } from './agent.js';
import type { AgentParts } from './agent.js';
import { createBackoff } from './backoff.js';
import { createDockerSource } from './docker-source.js';
import { createHostSource } from './host-source.js';
import { silentLogger } from './logger.js';
import type { AgentLogger } from './logger.js';
import { ReportBuffer } from './report-buffer.js';
import { ReportSpool } from './report-spool.js';
import { createServerClient } from './server-client.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function reportServer(respond?: Responder): Promise<ReportServer> {
  const server = await startReportServer(respond);
  cleanups.push(() => server.close());
  return server;
}

function parts(server: ReportServer, overrides: Partial<AgentParts> & { stateDir?: string } = {}): AgentParts {
  const logger = overrides.logger ?? silentLogger;
  return {
    intervalMs: 10_000,
    version: '0.1.0',
    runId: `run-${Math.random().toString(36).slice(2, 10)}`,
    token: 'pulse_agent_1.secret',
    host: createHostSource({ procRoot: '/proc', sysRoot: '/sys', logger }),
    buffer: new ReportBuffer({ maxBytes: 8 << 20, logger, ...(overrides.stateDir ? { spool: new ReportSpool({ dir: overrides.stateDir, logger }) } : {}) }),
    client: createServerClient({ server: server.url, timeoutMs: 2000, userAgent: 'pulse-agent/test' }),
    backoff: createBackoff({ random: () => 0.999999 }),
    timers: createManualTimers(),
    logger,
    ...overrides,
  };
}

/** Moves the simulated clock in steps, letting real I/O (HTTP, the engine) run in between. */
async function runClockUntil(timers: ReturnType<typeof createManualTimers>, condition: () => boolean, stepMs = 100): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    timers.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(condition()).toBe(true);
}

describe('pulse-agent', () => {
  it('reports this machine and its containers in order, and adopts the interval the server sets', async () => {
    const engine = await startTestEngine({ containers: simulatedFleet(3) });
    cleanups.push(() => engine.close());
    const server = await reportServer((req) => ({ status: 200, body: { accepted: req.batch!.reports.length, duplicates: 0, intervalMs: 2000 } }));
    const docker = createDockerSource({ endpoint: engine.url, intervalMs: 10_000 }, 'host:test', silentLogger)!;
    const p = parts(server, { docker: { source: docker, intervalMs: 10_000 } });
    const timers = p.timers as ReturnType<typeof createManualTimers>;
    const agent = await startAgent(p);
    await until(() => agent.intervalMs === 2000, 5000, 'the first answer');
    timers.advance(2000);
    await until(() => server.accepted.length === 2, 5000, 'the second report');
    timers.advance(2000);
    await until(() => server.accepted.length === 3, 5000, 'the third report');

    const [first, second] = server.accepted.map((r) => AgentReport.parse(r));
    expect(first!.seq).toBe(0);
    expect(second!.seq).toBe(1);
    expect(second!.runId).toBe(first!.runId);
    expect(second!.at - first!.at).toBe(2000);
    expect(first!.host).toMatchObject({ type: 'host', id: expect.stringMatching(/^host:/) });
    expect(first!.host.metrics.cpu).toBeTypeOf('number');
    expect(first!.containers.map((c) => c.name).sort()).toEqual(['stack0-api-1', 'stack0-db-1', 'stack0-web-1']);
    expect(first!.containers[0]).toMatchObject({ id: expect.stringMatching(/^docker:test\//), parentId: 'host:test' });
    expect(first!.docker).toMatchObject({ state: 'ok' });
    await agent.stop(1000);
  });

  it('sends a report soon after a container stops instead of waiting for the interval', async () => {
    const engine = await startTestEngine({ containers: simulatedFleet(3) });
    cleanups.push(() => engine.close());
    const server = await reportServer();
    const docker = createDockerSource({ endpoint: engine.url, intervalMs: 60_000 }, 'host:test', silentLogger)!;
    const p = parts(server, { intervalMs: 60_000, docker: { source: docker, intervalMs: 60_000 } });
    const timers = p.timers as ReturnType<typeof createManualTimers>;
    const agent = await startAgent(p);
    await until(() => server.accepted.length === 1);
    engine.sim.die('stack0-web-1');
    // The event arrives over the engine's stream; then the 250 ms debounce, a collection, and a report ≥ 1 s after the last.
    await until(() => timers.pending >= 2, 5000, 'the event debounce');
    timers.advance(250);
    const stoppedState = () => server.accepted.at(-1)!.containers.find((c) => c.name === 'stack0-web-1')?.details.state;
    await runClockUntil(timers, () => server.accepted.length === 2, 50);
    expect(stoppedState()).toBe('exited');
    expect(timers.now() - server.accepted[0]!.at).toBeLessThan(5000);
    await agent.stop(1000);
  });

  it('keeps reports through an outage, spools them at stop, and a new run sends them first, in order', async () => {
    let up = false;
    const server = await reportServer(() => (up ? { status: 200 } : { status: 503 }));
    const stateDir = join(mkdtempSync(join(tmpdir(), 'pulse-agent-run-')), 'state');
    const first = parts(server, { stateDir, intervalMs: 1000 });
    const timers = first.timers as ReturnType<typeof createManualTimers>;
    const agent = await startAgent(first);
    await runClockUntil(timers, () => first.buffer.length >= 4 && server.requests.length >= 2);
    await agent.stop(200);
    expect(server.accepted).toEqual([]);

    up = true;
    const second = parts(server, { stateDir, intervalMs: 1000 });
    expect(second.buffer.restore()).toBeGreaterThanOrEqual(4);
    const again = await startAgent(second);
    await until(() => second.buffer.length === 0, 5000, 'the resend');
    const runs = server.accepted.map((r) => `${r.runId === first.runId ? 'old' : 'new'}:${r.seq}`);
    const old = runs.filter((r) => r.startsWith('old'));
    expect(old.length).toBeGreaterThanOrEqual(4);
    expect(old).toEqual(old.map((_, i) => `old:${i}`));
    expect(runs.indexOf('new:0')).toBe(old.length);
    await again.stop(500);
  });

  it('stops sampling when the server refuses its token, saying why', async () => {
    const server = await reportServer(() => ({ status: 401, body: { error: { code: 'agent.token_revoked', message: 'This agent was removed.' } } }));
    const errors: string[] = [];
    const logger: AgentLogger = { ...silentLogger, error: (obj, msg) => void errors.push(`${msg} ${JSON.stringify(obj)}`) };
    const p = parts(server, { logger, intervalMs: 1000 });
    const agent = await startAgent(p);
    const refusal = await agent.refused;
    expect(refusal).toEqual({ status: 401, message: 'This agent was removed.' });
    expect(errors[0]).toMatch(/refused this agent's token .*revoked or unknown.*pulse-agent enrol/);
    (p.timers as ReturnType<typeof createManualTimers>).advance(60_000);
    expect(server.requests).toHaveLength(1);
    await agent.stop(0);
  });

  it('skips a report when the host cannot be read, and goes on when it can', async () => {
    const server = await reportServer();
    let broken = true;
    const real = createHostSource({ procRoot: '/proc', sysRoot: '/sys', logger: silentLogger });
    const p = parts(server, {
      intervalMs: 1000,
      host: { collect: (at) => { if (broken) throw new Error('EACCES /proc/stat'); return real.collect(at); } },
    });
    const timers = p.timers as ReturnType<typeof createManualTimers>;
    const agent = await startAgent(p);
    timers.advance(1000);
    expect(server.requests).toHaveLength(0);
    broken = false;
    timers.advance(1000);
    await until(() => server.accepted.length === 1);
    expect(server.accepted[0]!.seq).toBe(0);
    await agent.stop(500);
  });
});
