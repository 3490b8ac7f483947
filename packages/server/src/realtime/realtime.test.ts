import { request } from 'node:http';
import { applyResourcePatch, jsonCodec, msgpackCodec, type Codec, type Resource, type ResourceDiff, type ServerFrame } from '@pulse/protocol';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse } from '../../test-support/pulse.js';

/** A WebSocket client that queues decoded frames and lets a test wait for the next matching one. */
async function connect(t: TestPulse, cookie: string, codec: Codec) {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/ws`, codec.subprotocol, { headers: { cookie } });
  const frames: ServerFrame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    frames.push(codec.decode(isBinary ? new Uint8Array(data as Buffer) : data.toString()) as ServerFrame);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (match: (f: ServerFrame) => boolean, what: string): Promise<ServerFrame> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = frames.findIndex(match);
      if (i >= 0) return frames.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no ${what} frame; got ${JSON.stringify(frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const send = (frame: unknown) => ws.send(codec.encode(frame));
  return { ws, next, send, sendRaw: (raw: string | Buffer) => ws.send(raw) };
}

describe.each([jsonCodec, msgpackCodec])('realtime over WebSocket ($name)', (codec) => {
  let t: TestPulse;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestPulse();
    cookie = (await t.setupAdmin()).cookie;
  });
  afterAll(() => t.close());

  it('sends a snapshot of resources, then diffs that keep a mirror equal to the server', async () => {
    const c = await connect(t, cookie, codec);
    c.send({ type: 'hello', version: 1 });
    expect(await c.next((f) => f.type === 'welcome', 'welcome')).toMatchObject({ version: 1 });
    c.send({ type: 'subscribe', id: 1, channel: 'resources' });
    await c.next((f) => f.type === 'ack' && f.id === 1, 'ack');
    const snapshot = await c.next((f) => f.type === 'snapshot', 'snapshot');
    if (snapshot.type !== 'snapshot') throw new Error('unreachable');
    // The first collection may land after the subscription: then the host arrives whole in a diff.
    const mirror = new Map((snapshot.data as { resources: Resource[] }).resources.map((r) => [r.id, r]));
    let lastOffset = snapshot.offset;
    for (let i = 0; i < 3; i++) {
      const pub = await c.next((f) => f.type === 'pub' && f.channel === 'resources', 'diff');
      if (pub.type !== 'pub') throw new Error('unreachable');
      expect(pub.offset).toBeGreaterThan(lastOffset);
      lastOffset = pub.offset;
      const diff = pub.data as ResourceDiff;
      for (const p of diff.upsert) {
        // A diff carries only changed fields: never the whole identity or name again.
        if (mirror.has(p.id)) expect(p.name).toBeUndefined();
        mirror.set(p.id, applyResourcePatch(mirror.get(p.id), p)!);
      }
    }
    const host = [...mirror.values()].find((r) => r.type === 'host')!;
    const res = await fetch(`${t.url}/api/resources/${encodeURIComponent(host.id)}`, { headers: { cookie } });
    const server = ((await res.json()) as { resource: Resource }).resource;
    expect(host.name).toBe(server.name);
    expect(Object.keys(host.metrics).sort()).toEqual(Object.keys(server.metrics).sort());
    c.ws.close();
  });

  it('streams samples on resource:<id> and refuses unknown channels and bad frames without dropping the client', async () => {
    const list = await (await fetch(`${t.url}/api/resources`, { headers: { cookie } })).json() as { resources: Resource[] };
    const id = list.resources[0]!.id;
    const c = await connect(t, cookie, codec);
    c.send({ type: 'subscribe', id: 2, channel: `resource:${id}` });
    await c.next((f) => f.type === 'snapshot' && f.channel === `resource:${id}`, 'sample snapshot');
    const sample = await c.next((f) => f.type === 'pub', 'sample');
    expect(sample.type === 'pub' && (sample.data as { metrics: Record<string, number> }).metrics.cpu).toBeTypeOf('number');

    c.send({ type: 'subscribe', id: 3, channel: 'resource:does-not-exist' });
    expect(await c.next((f) => f.type === 'error' && f.id === 3, 'unknown channel error')).toMatchObject({ code: 'channel.unknown' });
    c.send({ type: 'launch-missiles', id: 4 });
    expect(await c.next((f) => f.type === 'error' && f.code === 'frame.unknown_type', 'unknown type error')).toBeTruthy();
    c.send({ type: 'subscribe', id: 'five', channel: 7 });
    expect(await c.next((f) => f.type === 'error' && f.code === 'frame.malformed', 'wrong types error')).toBeTruthy();
    c.sendRaw(codec.binary ? Buffer.from([0x85, 0xa4, 0x74]) : '{"type": "subscr');
    expect(await c.next((f) => f.type === 'error' && f.code === 'frame.malformed', 'garbage error')).toBeTruthy();
    // Still subscribed and still served.
    expect(await c.next((f) => f.type === 'pub', 'sample after errors')).toBeTruthy();
    c.ws.close();
  });

  it('closes a connection that sends a frame over the size limit, with 1009', async () => {
    const c = await connect(t, cookie, codec);
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    c.send({ type: 'subscribe', id: 1, channel: 'x'.repeat(70 * 1024) });
    expect(await closed).toBe(1009);
  });
});

describe('realtime over SSE', () => {
  let t: TestPulse;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestPulse();
    cookie = (await t.setupAdmin()).cookie;
  });
  afterAll(() => t.close());

  it('sends the resources snapshot then diffs as events', async () => {
    const events = await new Promise<Array<{ event: string; data: any }>>((resolve, reject) => {
      const req = request(`${t.url}/api/events?channels=resources,nope`, { headers: { cookie } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('text/event-stream');
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
            if (got.filter((e) => e.event === 'pub').length >= 2) {
              req.destroy();
              resolve(got);
            }
          }
        });
      });
      req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
      req.end();
    });
    expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code: 'channel.unknown' });
    expect(events.find((e) => e.event === 'snapshot')?.data).toMatchObject({ type: 'snapshot', channel: 'resources' });
    expect(events.filter((e) => e.event === 'pub')[0]!.data.data.upsert).toBeInstanceOf(Array);
  });

  it('answers 401 without auth and 403 to a foreign Origin', async () => {
    expect((await fetch(`${t.url}/api/events?channels=resources`)).status).toBe(401);
    const foreign = await fetch(`${t.url}/api/events?channels=resources`, { headers: { cookie, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('auth.origin');
  });
});
