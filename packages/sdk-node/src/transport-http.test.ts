import { ApmBatch, ApmHeartbeat } from '@pulse/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeartbeatSampler } from './heartbeat.js';
import { closedPort, startReceiver, type Receiver } from './testing/receiver.js';
import { createHttpTransport } from './transport-http.js';

const batch = (): ApmBatch => ({ app: 'shop', environment: 'test', heartbeats: [], slow: [], exceptions: [], routes: [] });
const open: Receiver[] = [];
const receiver = async (mode: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(mode);
  open.push(r);
  return r;
};
afterEach(async () => { await Promise.all(open.splice(0).map((r) => r.close())); });
const transport = (endpoint: string, gzip = false) => createHttpTransport({ kind: 'http', endpoint, token: 'tok', timeoutMs: 300, gzip, unref: true });

describe('the HTTP transport', () => {
  it('POSTs the batch, gzipped when asked, with the bearer token, under a path prefix', async () => {
    const r = await receiver('ok');
    expect(await transport(`${r.url}/`, true).send(batch())).toEqual({ outcome: 'ok' });
    expect(r.batches[0]).toMatchObject({ authorization: 'Bearer tok', path: '/api/apm/ingest', body: batch() });
  });

  it('says retry for a 5xx, a refused connection and a receiver that never answers; drop for a 401', async () => {
    expect((await transport((await receiver('error500')).url).send(batch())).outcome).toBe('retry');
    expect((await transport(`http://127.0.0.1:${await closedPort()}`).send(batch())).outcome).toBe('retry');
    const started = performance.now();
    expect((await transport((await receiver('hang')).url).send(batch())).outcome).toBe('retry');
    expect(performance.now() - started).toBeLessThan(2_000); // the 300 ms deadline, not forever
    expect((await transport((await receiver('unauthorized')).url).send(batch())).outcome).toBe('drop');
  });
});

describe('the heartbeat', () => {
  it('validates as ApmHeartbeat with host, process, runtime and app version', () => {
    const sampler = createHeartbeatSampler({ instanceId: 'h:1:2', ttlS: 30, appVersion: '1.2.3', now: () => 42 });
    try {
      const first = sampler.sample();
      const second = sampler.sample();
      for (const beat of [first, second]) expect(ApmHeartbeat.safeParse(beat).error?.issues ?? []).toEqual([]);
      expect(second).toMatchObject({ instanceId: 'h:1:2', at: 42, ttlS: 30, appVersion: '1.2.3', runtime: { name: 'node', version: process.version } });
      expect(second.process.pid).toBe(process.pid);
      expect(second.process.activeHandles).toBeGreaterThanOrEqual(0);
      expect(second.host.cpuPercent).toBeLessThanOrEqual(100);
    } finally {
      sampler.close();
    }
  });
});
