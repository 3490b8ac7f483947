import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createClient, type PulseClient } from '@pulse/client';
import type { ApmAppView } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';
import { routeCounts, slow } from '../apm/testing/fixtures.js';

describe('the app:<name> hub channel', () => {
  let t: TestPulse;
  let cookie: string;
  let sdk: string;
  let client: PulseClient;

  beforeAll(async () => {
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false', PULSE_APM_TICK_MS: '100' } });
    const session = await t.setupAdmin();
    cookie = session.cookie;
    const created = await fetch(`${t.url}/api/tokens`, {
      method: 'POST', headers: { cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sdk', scopes: ['apm:report'] }),
    });
    sdk = ((await created.json()) as { token: string }).token;
    class WithCookie extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    }
    client = createClient({ url: `${t.url.replace('http', 'ws')}/api/ws`, WebSocket: WithCookie });
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  async function send(batch: unknown): Promise<void> {
    const res = await fetch(`${t.url}/api/apm/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${sdk}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(batch)),
    });
    expect(res.status).toBe(200);
  }
  const requests = (view: ApmAppView) => view.buckets.reduce((n, b) => n + b.requests, 0);

  it('sends the 1 h view as snapshot, then the new view from the shared tick after each change', async () => {
    await send({ app: 'shop', routes: [routeCounts(Date.now(), [{ route: '/', count: 5 }])] });
    const snapshots: ApmAppView[] = [];
    const publications: ApmAppView[] = [];
    const errors: unknown[] = [];
    const sub = client.subscribe('app:shop', {
      onSnapshot: (data) => snapshots.push(data as ApmAppView),
      onPublication: (data) => publications.push(data as ApmAppView),
      onError: (err) => errors.push(err),
    });
    await waitFor(() => snapshots.length > 0, 'the snapshot');
    expect(snapshots[0]).toMatchObject({ app: 'shop', period: '1h', bucketMs: 60_000 });
    expect(requests(snapshots[0]!)).toBe(5);

    await send({ app: 'shop', routes: [routeCounts(Date.now(), [{ route: '/', count: 7 }])], slow: [slow(Date.now())] });
    const updated = await waitFor(() => publications.find((v) => requests(v) === 12), 'a view with the new requests');
    expect(updated.slowRoutes).toEqual([expect.objectContaining({ route: '/users/:id', count: 1 })]);
    // Another app changing publishes on its own channel only.
    const seen = publications.length;
    await send({ app: 'blog', slow: [slow(Date.now())] });
    await send({ app: 'shop', slow: [slow(Date.now())] });
    await waitFor(() => publications.some((v) => v.slowRoutes[0]?.count === 2), 'the second slow request');
    expect(publications.slice(seen).every((v) => v.app === 'shop')).toBe(true);
    expect(errors).toEqual([]);
    sub.unsubscribe();
  });

  it('says the channel is unknown for an app that never reported', async () => {
    const errors: Array<{ code: string }> = [];
    client.subscribe('app:nobody', { onError: (err) => errors.push(err) });
    await waitFor(() => errors.length > 0, 'the error');
    expect(errors[0]!.code).toBe('channel.unknown');
  });

  it('serves the channel over SSE too', async () => {
    const events = await new Promise<Array<{ event: string; data: any }>>((resolve, reject) => {
      const req = request(`${t.url}/api/events?channels=app:shop`, { headers: { cookie } }, (res) => {
        let buffer = '';
        const got: Array<{ event: string; data: any }> = [];
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) got.push({ event, data: JSON.parse(data) });
            // Subscribed once the snapshot is here: the change then reaches us from the next tick.
            if (event === 'snapshot') send({ app: 'shop', slow: [slow(Date.now(), '/sse')] }).catch(reject);
            if (got.some((e) => e.event === 'pub')) {
              req.destroy();
              resolve(got);
            }
          }
        });
      });
      req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
      req.end();
    });
    expect(events.find((e) => e.event === 'snapshot')?.data).toMatchObject({ type: 'snapshot', channel: 'app:shop', data: { app: 'shop' } });
    expect(events.find((e) => e.event === 'pub')!.data.data.slowRoutes.map((r: { route: string }) => r.route)).toContain('/sse');
  });
});
