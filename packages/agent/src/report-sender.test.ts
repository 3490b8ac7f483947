import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { AgentReportBatch } from '@pulse/protocol';
import type { AgentReport } from '@pulse/protocol';
import { createManualTimers } from '../test-support/manual-timers.js';
import { startReportServer, until } from '../test-support/report-server.js';
import type { ReportServer } from '../test-support/report-server.js';
import { createBackoff } from './backoff.js';
import { silentLogger } from './logger.js';
import type { AgentLogger } from './logger.js';
import { ReportBuffer } from './report-buffer.js';
import { encodeReport } from './report-encoding.js';
import { createReportSender } from './report-sender.js';
import { createServerClient } from './server-client.js';

function report(seq: number, extra: Record<string, number> = {}): AgentReport {
  return {
    v: 1, runId: 'run-0000-test', seq, at: 1_700_000_000_000 + seq * 1000, intervalMs: 1000,
    agent: { version: '0.1.0' },
    host: { id: 'host:abc', type: 'host', name: 'web01', metrics: { cpu: seq, ...extra }, details: {}, identity: {}, tags: [] },
    containers: [],
  };
}

let server: ReportServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function setup(respond?: Parameters<typeof startReportServer>[0], logger: AgentLogger = silentLogger) {
  return startReportServer(respond).then((s) => {
    server = s;
    const timers = createManualTimers();
    const buffer = new ReportBuffer({ maxBytes: 8 * 1024 * 1024, logger });
    const answers: number[] = [];
    const refusals: number[] = [];
    const client = createServerClient({ server: s.url, timeoutMs: 2000, userAgent: 'pulse-agent/test' });
    const sender = createReportSender({
      buffer, client, token: 'pulse_agent_1.secret', timers, logger,
      backoff: createBackoff({ random: () => 0.999999 }),
      onAnswer: (a) => void answers.push(a.intervalMs),
      onRefused: (status) => void refusals.push(status),
    });
    const push = (...seqs: number[]) => seqs.forEach((seq) => buffer.push(encodeReport(report(seq))));
    return { server: s, timers, buffer, sender, answers, refusals, push, client };
  });
}
const seqs = (s: ReportServer) => s.accepted.map((r) => r.seq);

describe('report sender', () => {
  it('posts a gzip JSON batch with the bearer token that inflates to a valid AgentReportBatch, and adopts the interval', async () => {
    const { server, sender, push, answers, buffer } = await setup((req) => ({ status: 200, body: { accepted: req.batch!.reports.length, duplicates: 0, intervalMs: 5000 } }));
    push(0);
    sender.kick();
    await until(() => buffer.length === 0);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/agents/report');
    expect(req.headers.authorization).toBe('Bearer pulse_agent_1.secret');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.headers['user-agent']).toBe('pulse-agent/test');
    const batch = AgentReportBatch.parse(JSON.parse(gunzipSync(req.body).toString('utf8')));
    expect(batch.reports).toEqual([report(0)]);
    expect(typeof batch.sentAt).toBe('number');
    expect(answers).toEqual([5000]);
    await until(() => sender.state === 'idle');
  });

  it('keeps reports through 5xx and connection failures, backs off, then resends them in order in one batch', async () => {
    let down = true;
    const { server, sender, push, timers, buffer } = await setup(() => (down ? { status: 503 } : { status: 200 }));
    push(0);
    sender.kick();
    await until(() => sender.state === 'waiting');
    expect(timers.nextDelay()).toBe(1000);
    push(1, 2);
    sender.kick(); // a retry is scheduled: new reports wait for it
    timers.advance(1000);
    await until(() => sender.state === 'waiting' && server.requests.length === 2);
    expect(timers.nextDelay()).toBe(2000);
    down = false;
    timers.advance(2000);
    await until(() => buffer.length === 0);
    expect(seqs(server)).toEqual([0, 1, 2]);
    expect(server.requests.at(-1)!.batch!.reports).toHaveLength(3);
  });

  it('retries after a network failure (nothing listening) without losing a report', async () => {
    const { sender, push, timers, buffer, client } = await setup();
    await server!.close();
    push(0);
    sender.kick();
    await until(() => sender.state === 'waiting');
    expect(buffer.length).toBe(1);
    expect(timers.pending).toBe(1);
    client.close();
  });

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const { sender, push, timers } = await setup(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    push(0);
    sender.kick();
    await until(() => sender.state === 'waiting');
    expect(timers.nextDelay()).toBe(30_000);
  });

  it('splits a batch the server refuses as too large (413) and sends every report once', async () => {
    const { server, sender, push, buffer } = await setup((req) => (req.batch!.reports.length > 2 ? { status: 413, body: { error: { code: 'body.too_large', message: 'too large' } } } : { status: 200 }));
    push(0, 1, 2, 3, 4, 5, 6);
    sender.kick();
    await until(() => buffer.length === 0);
    expect(seqs(server)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(server.requests.map((r) => r.batch!.reports.length)).toEqual([7, 4, 2, 2, 2, 1]);
  });

  it('drops a single report that is still too large, and a batch refused as malformed (400), without looping', async () => {
    const errors: string[] = [];
    const logger: AgentLogger = { ...silentLogger, error: (_o, msg) => void errors.push(msg ?? '') };
    const { server, sender, push, buffer } = await setup((req) => {
      const seq = req.batch!.reports[0]!.seq;
      if (seq === 0) return { status: 413 };
      if (seq === 1) return { status: 400, body: { error: { code: 'validation.failed', message: 'body.reports.0: bad' } } };
      return { status: 200 };
    }, logger);
    push(0);
    sender.kick();
    await until(() => buffer.length === 0);
    push(1);
    sender.kick();
    await until(() => buffer.length === 0);
    push(2);
    sender.kick();
    await until(() => buffer.length === 0 && sender.state === 'idle');
    expect(seqs(server)).toEqual([2]);
    expect(server.requests).toHaveLength(3);
    expect(errors[0]).toContain('too large');
    expect(errors[1]).toContain('malformed');
  });

  it('stops for good when the token is refused (401) and keeps the reports', async () => {
    const { server, sender, push, refusals, buffer, timers } = await setup(() => ({ status: 401, body: { error: { code: 'auth.invalid_token', message: 'revoked' } } }));
    push(0, 1);
    sender.kick();
    await until(() => refusals.length === 1);
    expect(refusals).toEqual([401]);
    expect(sender.state).toBe('refused');
    push(2);
    sender.kick();
    timers.advance(120_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
    expect(buffer.length).toBe(3);
  });

  it('on shutdown tries once more at once, even during a backoff', async () => {
    let down = true;
    const { server, sender, push, buffer } = await setup(() => (down ? { status: 502 } : { status: 200 }));
    push(0);
    sender.kick();
    await until(() => sender.state === 'waiting');
    down = false;
    await sender.drain(2000);
    expect(buffer.length).toBe(0);
    expect(seqs(server)).toEqual([0]);
  });
});
