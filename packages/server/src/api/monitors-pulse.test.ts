import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPulse, type TestPulse, waitFor } from '../../test-support/pulse.js';
import { ConfigError } from '../config/index.js';

/** A real HTTP target on loopback that can be stopped, connections and all. */
async function startTarget(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    stop: () => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

describe('uptime monitors in a whole Pulse', () => {
  let t: TestPulse;
  let headers: Record<string, string>;
  const target = { url: '', stop: async () => {} };

  beforeAll(async () => {
    Object.assign(target, await startTarget());
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false' } });
    const admin = await t.setupAdmin();
    headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await t?.close();
    await target.stop().catch(() => undefined);
  });

  const get = async (path: string) => (await fetch(`${t.url}${path}`, { headers })).json() as Promise<any>;

  it('checks an HTTP target: online with response times, then pending, then down with one incident when it stops', async () => {
    const created = await fetch(`${t.url}/api/monitors`, {
      method: 'POST', headers,
      body: JSON.stringify({ type: 'http', name: 'loopback', url: target.url, intervalS: 1, timeoutMs: 500, retries: 1, retryIntervalS: 1 }),
    });
    expect(created.status).toBe(201);
    const { id } = ((await created.json()) as { monitor: { id: string } }).monitor;
    const online = await waitFor(async () => {
      const res = await fetch(`${t.url}/api/resources/monitor:${id}`, { headers });
      const resource = res.ok ? ((await res.json()) as any).resource : undefined;
      return resource?.status === 'online' && resource.metrics.rt > 0 ? resource : undefined;
    }, 'the monitor to go online');
    expect(online).toMatchObject({ type: 'monitor', source: 'monitors', metrics: { up: 1, 'http.status': 200 }, details: { monitorType: 'http', target: target.url, state: 'up' } });
    expect(online.metrics.connect).toBeGreaterThanOrEqual(0);
    expect((await get(`/api/monitors/${id}/results?limit=1`)).results[0]).toMatchObject({ monitorId: id, status: 'up', httpStatus: 200, worker: 'local' });

    await target.stop();
    const seen = new Set<string>();
    await waitFor(async () => {
      const state = (await get(`/api/monitors/${id}`)).monitor.state as string;
      seen.add(state);
      return state === 'down';
    }, 'the monitor to go down');
    // retries = 1: the first failed check leaves it pending for a retry interval (1 s) before it is down.
    expect(seen.has('pending')).toBe(true);
    const { incidents } = await get(`/api/monitors/${id}/incidents`);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ monitorId: id, endedAt: null, reason: { code: expect.stringMatching(/^(tcp|timeout)\./) } });
    expect((await get(`/api/resources/monitor:${id}`)).resource).toMatchObject({ status: 'offline', metrics: { up: 0 } });
  });

  it('refuses to start with a bad monitors file, naming the key and the monitor, and changes nothing', async () => {
    const file = join(t.dataDir, 'monitors.yaml');
    writeFileSync(file, 'monitors:\n  - { type: tcp, name: db, host: db.lan, port: 70000 }\n');
    const error = await startTestPulse({ dataDir: t.dataDir, env: { PULSE_LOCAL_ENABLED: 'false', PULSE_MONITORS_FILE: file } }).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/monitors\.file.*monitors\.0 \("db"\): port/);
    expect((await get('/api/monitors')).monitors.map((m: { name: string }) => m.name)).toEqual(['loopback']);
  });
});
