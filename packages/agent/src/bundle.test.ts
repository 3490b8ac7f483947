import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedFleet, startTestEngine } from '../../../tools/docker-sim/index.mjs';
import { startReportServer, until } from '../test-support/report-server.js';
import type { ReportServer } from '../test-support/report-server.js';

/*
 * The file the server hands to target machines, built fresh and run from a directory with no
 * node_modules anywhere above it, as a separate process over real HTTP.
 */

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let bundle = '';
let server: ReportServer;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let mode: 'up' | 'down' | 'revoked' = 'up';
const children: ChildProcess[] = [];

function hasNodeModulesAbove(dir: string): boolean {
  for (let d = dir; d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'node_modules'))) return true;
  return false;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-bundle-'));
  if (hasNodeModulesAbove(dir)) throw new Error(`${dir} has a node_modules above it; the bundle test needs a clean temp dir`);
  bundle = join(dir, 'pulse-agent.mjs');
  execFileSync(process.execPath, [join(pkgDir, 'scripts/bundle.mjs'), '--out', bundle, '--quiet']);
  engine = await startTestEngine({ containers: simulatedFleet(3) });
  server = await startReportServer((req) => {
    if (req.path === '/api/agents/enrol') return { status: 201, body: { agentId: 'agt_1', token: 'pulse_agent_agt_1.secret', intervalMs: 500 } };
    if (mode === 'revoked') return { status: 401, body: { error: { code: 'auth.invalid_token', message: 'This agent was removed in Pulse.' } } };
    return mode === 'down' ? { status: 503 } : { status: 200, body: { accepted: req.batch!.reports.length, duplicates: 0, intervalMs: 500 } };
  });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.close();
  await engine?.close();
});

/** Runs the bundle to completion without blocking this process, which also hosts the test server. */
function agent(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: dirname(bundle), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function startRun(config: string): { child: ChildProcess; log: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bundle, 'run', '--config', config], { cwd: dirname(bundle), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, log: () => log, exit };
}

describe('the pulse-agent bundle', () => {
  it('runs on its own with Node: --version, --help, and usage errors with exit code 2', async () => {
    expect(readFileSync(bundle, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(await agent(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n' });
    expect((await agent(['--help'])).stdout).toContain('pulse-agent enrol');
    expect(await agent(['frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await agent(['enrol', '--server', 'https://x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--token') });
    expect(await agent(['run', '--config', join(dirname(bundle), 'none.json')])).toMatchObject({ status: 78, stderr: expect.stringContaining('Enrol first') });
  });

  it('enrols, reports the machine and its containers, spools an outage at SIGTERM, resends it after a restart, and exits 77 once revoked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-run-'));
    const config = join(dir, 'etc/agent.json');
    const stateDir = join(dir, 'state');
    const enrolled = await agent(['enrol', '--server', server.url, '--config', config, '--state-dir', stateDir, '--docker', engine.url], { PULSE_AGENT_INSTALL_TOKEN: 'pulse_install_1.x' });
    expect(enrolled).toMatchObject({ status: 0, stdout: expect.stringContaining('enrolled as agent agt_1') });

    const first = startRun(config);
    await until(() => server.accepted.length >= 2, 15_000, `two reports (log: ${first.log()})`);
    const report = server.accepted[0]!;
    expect(report.host.type).toBe('host');
    expect(report.containers).toHaveLength(3);
    expect(report.docker?.state).toBe('ok');
    expect(server.requests.find((r) => r.batch)!.headers.authorization).toBe('Bearer pulse_agent_agt_1.secret');

    mode = 'down';
    const acceptedBefore = server.accepted.length;
    await until(() => first.log().includes('server unreachable'), 10_000, 'the outage to be noticed');
    await new Promise((r) => setTimeout(r, 1200));
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(readdirSync(stateDir).some((f) => f.endsWith('.spool'))).toBe(true);
    expect(server.accepted.length).toBe(acceptedBefore);

    mode = 'up';
    const second = startRun(config);
    await until(() => readdirSync(stateDir).length === 0 && server.accepted.some((r) => r.runId !== report.runId && r.seq > 0), 15_000, `the resend (log: ${second.log()})`);
    const firstRun = server.accepted.filter((r) => r.runId === report.runId).map((r) => r.seq);
    expect(firstRun).toEqual(firstRun.map((_, i) => i)); // every report of the first run, once, in order
    expect(firstRun.length).toBeGreaterThan(acceptedBefore);
    expect(second.log()).toContain('an earlier run could not send');

    mode = 'revoked';
    expect(await second.exit).toBe(77);
    expect(second.log()).toMatch(/refused this agent's token \(revoked or unknown\).*This agent was removed in Pulse/);
  });
});
