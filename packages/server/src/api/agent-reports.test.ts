import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AgentReport } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentReport, batchOf, gzipJson } from '../../test-support/agent-reports.js';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';

const HOUR = 3_600_000;

describe('agent reports over HTTP', () => {
  let t: TestPulse;
  let admin: Record<string, string>;
  let offset = 0;
  const serverNow = () => Date.now() + offset;

  beforeAll(async () => {
    t = await startTestPulse({ env: { PULSE_HISTORY_FLUSH_INTERVAL_MS: '100' }, now: serverNow });
    const session = await t.setupAdmin();
    admin = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  });
  afterAll(() => t?.close());

  const get = async (path: string) => {
    const res = await fetch(`${t.url}${path}`, { headers: admin });
    return { status: res.status, body: (await res.json()) as any };
  };
  const resource = async (id: string) => (await get(`/api/resources/${encodeURIComponent(id)}`)).body.resource;
  const agentInfo = async (id: string) => (await get('/api/agents')).body.agents.find((a: { id: string }) => a.id === id);

  /** An enrolled agent with its own machine id, and a sender for its reports. */
  async function newAgent(machineId = randomBytes(16).toString('hex'), hostname = `host-${machineId.slice(0, 6)}`) {
    const created = await fetch(`${t.url}/api/agents/install-tokens`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{}' });
    const { token: installToken } = (await created.json()) as { token: string };
    const res = await fetch(`${t.url}/api/agents/enrol`, {
      method: 'POST', headers: { authorization: `Bearer ${installToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hostname, machineId, version: '0.1.0' }),
    });
    const { agentId, token } = (await res.json()) as { agentId: string; token: string };
    let seq = 0;
    const make = (over: Partial<AgentReport> = {}) => agentReport({ machineId, hostname, seq: seq++, at: serverNow(), ...over });
    const post = async (body: BodyInit, headers: Record<string, string> = {}) => {
      const r = await fetch(`${t.url}/api/agents/report`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', ...headers }, body,
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const send = (reports: AgentReport[] = [make()], sentAt = serverNow()) => post(gzipJson(batchOf(reports, sentAt)));
    return { agentId, token, machineId, hostId: `host:agent:${agentId}`, make, post, send };
  }

  it('applies a gzip report: the host and its containers appear with statuses, and the agent is online', async () => {
    const a = await newAgent();
    const unhealthy = { ...a.make().containers[0]!, id: 'container:fedcba987654', name: 'db', details: { state: 'running', health: 'unhealthy' } };
    const stopped = { ...unhealthy, id: 'container:aaaaaaaaaaaa', name: 'old', details: { state: 'exited' } };
    const report = a.make();
    report.containers.push(unhealthy, stopped);
    const res = await a.send([report]);
    expect(res).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, rejected: 0, intervalMs: 10_000 } });
    expect(await resource(a.hostId)).toMatchObject({
      type: 'host', name: report.host.name, source: `agent:${a.agentId}`, status: 'online',
      metrics: { cpu: 12.5, 'mem.percent': 40 }, details: { docker: { state: 'ok' }, clockSkewMs: 0, agent: { version: '0.1.0' } },
    });
    const containers = (await get('/api/resources?type=app-container')).body.resources.filter((r: { parentId: string }) => r.parentId === a.hostId);
    expect(containers.map((c: { id: string; status: string }) => [c.id, c.status]).sort()).toEqual([
      [`container:agent:${a.agentId}/0123456789ab`, 'online'],
      [`container:agent:${a.agentId}/aaaaaaaaaaaa`, 'offline'],
      [`container:agent:${a.agentId}/fedcba987654`, 'degraded'],
    ]);
    expect(await agentInfo(a.agentId)).toMatchObject({ status: 'online', resourceId: a.hostId, docker: { state: 'ok', engine: 'Docker Engine - Community 27.3.1' }, intervalMs: 10_000 });

    // A container that is gone from the next report is gone from Pulse.
    expect((await a.send()).body.accepted).toBe(1);
    expect((await get(`/api/resources/${encodeURIComponent(`container:agent:${a.agentId}/fedcba987654`)}`)).status).toBe(404);
  });

  it('accepts plain JSON as well as gzip', async () => {
    const a = await newAgent();
    const res = await a.post(JSON.stringify(batchOf([a.make()], serverNow())), { 'content-encoding': 'identity' });
    expect(res.body.accepted).toBe(1);
    const bare = await fetch(`${t.url}/api/agents/report`, { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify(batchOf([a.make()], serverNow())) });
    expect(bare.status).toBe(200);
  });

  it('records the host\'s metrics in history and publishes them to the recent series', async () => {
    const a = await newAgent();
    await a.send([a.make({ at: serverNow() - 2000 }), a.make({ at: serverNow() - 1000 })]);
    const series = await waitFor(async () => {
      const r = await get(`/api/metrics/history?resource=${encodeURIComponent(a.hostId)}&metric=cpu&metric=net.rx&from=${serverNow() - HOUR}`);
      return r.status === 200 && r.body.series.every((s: { t: number[] }) => s.t.length === 2) ? r.body.series : undefined;
    }, 'two flushed agent samples of cpu and net.rx');
    expect(series.map((s: { metric: string; v: number[] }) => [s.metric, s.v])).toEqual([['cpu', [12.5, 12.5]], ['net.rx', [1200, 1200]]]);
    const recent = await get(`/api/resources/${encodeURIComponent(a.hostId)}/series?metrics=load1`);
    expect(recent.body.series.load1.v).toEqual([0.5, 0.5]);
  });

  it('applies a buffered batch in order and acknowledges duplicates without applying them again', async () => {
    const a = await newAgent();
    const reports = [0, 1, 2].map((i) => {
      const r = a.make({ at: serverNow() - (3 - i) * 10_000 });
      r.host.metrics.cpu = 10 + i;
      return r;
    });
    expect((await a.send(reports.slice(0, 2))).body).toMatchObject({ accepted: 2, duplicates: 0 });
    // The answer was lost: the agent resends both with the next one.
    expect((await a.send(reports)).body).toMatchObject({ accepted: 1, duplicates: 2, rejected: 0 });
    expect((await resource(a.hostId)).metrics.cpu).toBe(12);
    // A restarted agent (new run) starts its sequence again.
    expect((await a.send([a.make({ runId: 'run-00000002', seq: 0 })])).body.accepted).toBe(1);
    expect((await a.send([reports[2]!])).body.duplicates).toBe(1);
  });

  it('corrects a skewed agent clock, flags it on the host, and drops reports a day off', async () => {
    const a = await newAgent();
    const agentClock = serverNow() - 2 * HOUR;
    const res = await a.send([a.make({ at: agentClock - 10_000 }), a.make({ at: agentClock - 3 * 86_400_000 })], agentClock);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 1, problems: [expect.stringMatching(/too far from the server/)] });
    const host = await resource(a.hostId);
    expect(Math.abs(host.details.clockSkewMs - 2 * HOUR)).toBeLessThan(1000);
    expect(Math.abs(host.lastSeen - (serverNow() - 10_000))).toBeLessThan(1000);
    expect(Math.abs((await agentInfo(a.agentId)).clockSkewMs - 2 * HOUR)).toBeLessThan(1000);
    // Small differences are network and scheduling, not a wrong clock.
    await a.send([a.make({ at: serverNow() - 500 })], serverNow() - 500);
    expect((await resource(a.hostId)).details.clockSkewMs).toBe(0);
  });

  it('refuses a body over 1 MiB as sent with 413, with or without Content-Length', async () => {
    const a = await newAgent();
    const big = randomBytes(1024 * 1024 + 10);
    const declared = await a.post(big);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('agent.report_too_large');
    const chunks = [big.subarray(0, 600_000), big.subarray(600_000)];
    const streamed = await fetch(`${t.url}/api/agents/report`, {
      method: 'POST', duplex: 'half',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new ReadableStream({ pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      } }),
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as any).error.code).toBe('agent.report_too_large');
  });

  it('stops inflating a zip bomb at the limit: 413 at once, without allocating what it would inflate to', async () => {
    const a = await newAgent();
    // Concatenated gzip members of zeros: about 1 MB on the wire, 1 GiB inflated.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const res = await a.post(bomb);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'agent.report_too_large', message: expect.stringContaining('inflates') });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('answers truncated gzip and bad JSON with 400 agent.report_malformed, and schema errors naming the field', async () => {
    const a = await newAgent();
    const whole = gzipJson(batchOf([a.make()]));
    const truncated = await a.post(whole.subarray(0, whole.length - 20));
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.code).toBe('agent.report_malformed');
    const notJson = await a.post(gzipSync('{"reports": ['));
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('agent.report_malformed');
    const wrong = a.make();
    (wrong as any).seq = -1;
    (wrong.host.metrics as any).cpu = 'high';
    const invalid = await a.send([wrong]);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation.failed');
    expect(invalid.body.error.message).toContain('body.reports.0.seq');
    expect(invalid.body.error.message).toContain('body.reports.0.host.metrics.cpu');
    expect((await a.post('x', { 'content-encoding': 'br' })).status).toBe(415);
    // The agent and the server carry on.
    expect((await a.send()).body.accepted).toBe(1);
  });

  it('refuses unknown and missing agent tokens with 401', async () => {
    for (const authorization of [undefined, 'Bearer pulse_agent_0011223344556677.abcdefghijklmnopqrstuvwxyz', 'Bearer nonsense']) {
      const res = await fetch(`${t.url}/api/agents/report`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(batchOf([agentReport()])),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('agent.token_invalid');
    }
  });

  it('keeps one agent\'s garbage away from another agent\'s resources', async () => {
    const good = await newAgent();
    const bad = await newAgent();
    await good.send();
    const before = await resource(good.hostId);
    // Every kind of bad input from the other agent, including ids in the good one's namespace and its machine id.
    await bad.post(gzipSync('garbage'));
    await bad.post(randomBytes(2 * 1024 * 1024));
    const hostile = bad.make({ machineId: good.machineId });
    hostile.host.id = good.hostId;
    hostile.host.metrics = { cpu: -5, 'net.rx': 1e300 };
    hostile.containers = [{ ...hostile.containers[0]!, id: `container:agent:${good.agentId}/0123456789ab`, name: 'hijack', metrics: { cpu: 99 } }];
    expect((await bad.send([hostile])).body.accepted).toBe(1);
    expect(await resource(good.hostId)).toEqual({ ...before, lastSeen: before.lastSeen });
    expect((await resource(`container:agent:${good.agentId}/0123456789ab`)).name).toBe('nginx');
    const badHost = await resource(bad.hostId);
    expect(badHost.metrics).toEqual({ 'net.rx': 1e300 });
    expect(badHost.details.reportProblems).toEqual(['host: dropped 1 metric(s) that were negative or not finite (cpu)']);
    expect((await resource(`container:agent:${bad.agentId}/0123456789ab`)).name).toBe('hijack');
  });

  it('marks an agent\'s host and containers offline after missed reports and back online with the next', async () => {
    const a = await newAgent();
    await a.send([a.make({ intervalMs: 1000 })]);
    const container = `container:agent:${a.agentId}/0123456789ab`;
    offset += 3500;
    await waitFor(async () => (await agentInfo(a.agentId)).status === 'offline', 'the agent to go offline');
    await waitFor(async () => (await resource(a.hostId)).status === 'offline', 'its host to go offline');
    expect((await resource(container)).status).toBe('offline');
    await a.send([a.make({ intervalMs: 1000 })]);
    expect((await resource(a.hostId)).status).toBe('online');
    expect((await resource(container)).status).toBe('online');
    expect((await agentInfo(a.agentId)).status).toBe('online');
  });

  it('makes an agent on the server\'s own machine part of the local host, not a second host', async () => {
    const local = await waitFor(async () => (await get('/api/resources?type=host')).body.resources.find((r: { source: string }) => r.source === 'local'), 'the local host');
    const hostsBefore = (await get('/api/resources?type=host')).body.resources.length;
    const a = await newAgent(local.identity.machineId ?? randomBytes(16).toString('hex'), local.name);
    const report = a.make();
    report.host.identity = { ...local.identity };
    report.host.metrics = { ...report.host.metrics, 'agent.only': 7 };
    await a.send([report]);
    expect((await get('/api/resources?type=host')).body.resources).toHaveLength(hostsBefore);
    const merged = await resource(local.id);
    expect(merged).toMatchObject({ source: 'local', details: { alsoSeenBy: [`agent:${a.agentId}`] }, metrics: { 'agent.only': 7 } });
    expect((await agentInfo(a.agentId)).resourceId).toBe(local.id);
    expect((await resource(`container:agent:${a.agentId}/0123456789ab`)).parentId).toBe(local.id);
  });
});
