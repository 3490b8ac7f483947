import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type PulseClient } from '@pulse/client';
import type { Alert } from '@pulse/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../../test-support/pulse.js';
import { loadConfig } from '../config/index.js';
import { type RunningPulse, startPulse } from '../main.js';
import type { ObservationSink, Source } from '../resources/index.js';

interface Received { headers: IncomingHttpHeaders; body: string; status: number }

/** A webhook receiver on loopback that records every request and answers with the next status queued (200 by default). */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pulse`, received, statuses,
    stop: () => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

/** The metric the test drives: one app whose queue depth it sets. */
function drivenSource() {
  let sink: ObservationSink | undefined;
  const source: Source = { id: 'drive', start: (s) => void (sink = s), stop: () => void (sink = undefined) };
  return {
    source,
    depth(value: number, at: number) {
      sink?.({ source: 'drive', at, complete: true, resources: [{
        id: 'app:queue', type: 'app', name: 'queue', source: 'drive', status: 'online', metrics: { 'queue.depth': value }, details: {}, identity: {}, tags: [],
      }] });
    },
  };
}

describe('alerts in a whole Pulse: a threshold rule, a webhook channel, the hub and the API', () => {
  let pulse: RunningPulse;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: PulseClient;
  let headers: Record<string, string>;
  // Time runs, and the test moves it forward past a retry's backoff instead of waiting for it.
  let offset = 0;
  const now = () => Date.now() + offset;
  const drive = drivenSource();
  const published: Alert[][] = [];
  let snapshot: Alert[] | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-alerts-'));
    const env = {
      PULSE_PORT: '0', PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir, PULSE_LOCAL_ENABLED: 'false',
      PULSE_ALERTS_TICK_MS: '100', PULSE_PUBLIC_URL: 'https://pulse.example.com/',
    };
    pulse = await startPulse({
      config: loadConfig(env, dataDir).config, env, logger: pino({ level: process.env.PULSE_TEST_LOG ?? 'silent' }), version: 'test',
      webRoot: join(dataDir, 'no-web'), now, extraSources: [drive.source],
    });
    const setup = await fetch(`${pulse.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct-horse-battery' }) });
    const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    headers = { cookie, 'x-csrf-token': ((await setup.json()) as { csrfToken: string }).csrfToken };
    class WithCookie extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    }
    client = createClient({ url: `${pulse.url.replace('http', 'ws')}/api/ws`, WebSocket: WithCookie });
  });
  afterAll(async () => {
    client?.close();
    await pulse?.close();
    await receiver?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${pulse.url}${path}`, {
      method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const bodyOf = (r: Received) => JSON.parse(r.body) as { id: string; kind: string; url?: string; alerts: Alert[] };

  it('fires once to the webhook (retried after a 500), shows on the API and the hub, is acknowledged, and resolves once', async () => {
    drive.depth(3, now());
    expect((await call('PUT', '/api/alert-settings', { cooldownS: 0, groupWindowS: 0 })).status).toBe(200);
    const channel = await call('POST', '/api/channels', { name: 'ops hook', type: 'webhook', config: { url: receiver.url, secret: 'sign-me-please' }, minSeverity: 'info' });
    expect(channel.status).toBe(201);
    expect(channel.body.channel.config).toEqual(expect.objectContaining({ url: receiver.url, secret: '********' }));
    // Sent back masked, the stored secret stays: the signature below is made with it.
    const { id: channelId, createdAt: _c, updatedAt: _u, ...shown } = channel.body.channel;
    expect((await call('PUT', `/api/channels/${channelId}`, { ...shown, name: 'ops' })).body.channel).toMatchObject({ name: 'ops', config: { secret: '********' } });
    const rule = await call('POST', '/api/alert-rules', {
      name: 'Queue deep', severity: 'critical', target: { types: ['app'] }, condition: { kind: 'threshold', metric: 'queue.depth', op: '>', trigger: 100, clear: 50 },
    });
    expect(rule.status).toBe(201);
    client.subscribe('alerts', {
      onSnapshot: (data) => void (snapshot = (data as { alerts: Alert[] }).alerts),
      onPublication: (data) => void published.push((data as { upsert: Alert[] }).upsert),
    });
    await waitFor(() => snapshot, 'the alerts snapshot');
    expect(snapshot).toEqual([]);

    receiver.statuses.push(500);
    drive.depth(250, now());
    await waitFor(() => receiver.received.length >= 1, 'the first delivery attempt');
    expect(receiver.received[0]!.status).toBe(500);
    // Only once the retry is booked does moving the clock put it due; earlier, the booking would follow the clock.
    await waitFor(async () => (await call('GET', '/api/notifications?state=queued')).body.deliveries.some((d: { attempts: number }) => d.attempts === 1), 'the retry to be booked');
    offset += 120_000;
    await waitFor(() => receiver.received.length >= 2, 'the retried delivery');
    const [failed, delivered] = receiver.received;
    const firing = bodyOf(delivered!);
    expect(firing).toMatchObject({ kind: 'firing', url: expect.stringMatching(/^https:\/\/pulse\.example\.com\/alerts\?id=/) });
    expect(firing.alerts[0]).toMatchObject({ ruleId: rule.body.rule.id, resourceId: 'app:queue', state: 'firing', value: 250 });
    // One notification, twice attempted: the receiver drops the repeat by its delivery id.
    expect(delivered!.headers['x-pulse-delivery']).toBe(firing.id);
    expect(failed!.headers['x-pulse-delivery']).toBe(firing.id);
    expect(delivered!.headers['x-pulse-signature']).toBe(`sha256=${createHmac('sha256', 'sign-me-please').update(delivered!.body).digest('hex')}`);
    const sent = (await call('GET', '/api/notifications?state=sent')).body.deliveries;
    expect(sent).toEqual([expect.objectContaining({ notificationId: firing.id, channelId, channelName: 'ops', attempts: 2, kind: 'firing' })]);

    const alertId = firing.alerts[0]!.id;
    expect((await call('GET', '/api/alerts')).body.alerts).toEqual([expect.objectContaining({ id: alertId, state: 'firing' })]);
    await waitFor(() => published.flat().some((a) => a.id === alertId && a.state === 'firing'), 'the firing alert on the hub');
    const acked = await call('POST', `/api/alerts/${encodeURIComponent(alertId)}/ack`);
    expect(acked.body.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin' });
    await waitFor(() => published.flat().some((a) => a.id === alertId && a.state === 'acknowledged'), 'the acknowledgement on the hub');

    drive.depth(10, now());
    await waitFor(() => receiver.received.length >= 3, 'the resolved notification');
    const resolved = bodyOf(receiver.received[2]!);
    expect(resolved).toMatchObject({ kind: 'resolved', alerts: [expect.objectContaining({ id: alertId, state: 'resolved' })] });
    expect(receiver.received[2]!.headers['x-pulse-delivery']).toBe(resolved.id);
    expect(resolved.id).not.toBe(firing.id);
    await waitFor(() => published.flat().some((a) => a.id === alertId && a.state === 'resolved'), 'the resolution on the hub');
    expect((await call('GET', '/api/alerts')).body.alerts).toEqual([]);
    expect((await call('GET', '/api/alerts?state=all')).body.alerts).toEqual([expect.objectContaining({ id: alertId, state: 'resolved', acknowledgedBy: 'admin' })]);
    await waitFor(async () => (await call('GET', '/api/notifications?state=sent')).body.deliveries.length === 2, 'both deliveries recorded as sent');
    expect((await call('GET', '/api/notifications?state=queued')).body.deliveries).toEqual([]);
    expect(receiver.received.map((r) => [bodyOf(r).kind, r.status])).toEqual([['firing', 500], ['firing', 200], ['resolved', 200]]);
  });
});
