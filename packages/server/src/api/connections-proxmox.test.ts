import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { startProxmoxSim } from '../../../../tools/proxmox-sim/index.mjs';
import { startTestPulse, waitFor, type TestPulse } from '../../test-support/pulse.js';

/*
 * The whole path in one Pulse: a connection added through the API (fingerprint fetched, trusted,
 * tested), polled from the Proxmox API double, its resources in the registry; then a bad secret
 * explained, and a deleted connection taking its resources with it. Secrets never come back.
 */

const SECRET = 'sim-secret-4f1c2a';
type Json = Record<string, any>;

describe('Proxmox connections end to end', () => {
  let t: TestPulse;
  let sim: Awaited<ReturnType<typeof startProxmoxSim>>;
  let headers: Record<string, string>;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; text: string }> => {
    const res = await fetch(`${t.url}${path}`, body === undefined ? { method, headers: { cookie: headers.cookie as string, 'x-csrf-token': headers['x-csrf-token'] as string } } : { method, headers, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, text };
  };

  beforeAll(async () => {
    sim = await startProxmoxSim({ nodes: 2, guests: 8, version: 9, realtime: true, tokens: [{ tokenId: 'pulse-monitor@pve!pulse', secret: SECRET }] });
    t = await startTestPulse({ env: { PULSE_LOCAL_ENABLED: 'false', PULSE_HISTORY_MEMORY_ONLY: 'true' } });
    const session = await t.setupAdmin();
    headers = { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('adds a connection with a trusted fingerprint, polls it, and removes its resources when deleted', async () => {
    const url = sim.urls[0];
    const input = { name: 'lab', product: 'pve', endpoints: [url], auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', secret: SECRET } };

    // Without a pin, the self-signed certificate is explained and its fingerprint offered.
    const untrusted = await call('POST', '/api/connections/test', input);
    expect(untrusted.body).toMatchObject({ ok: false, error: { code: 'proxmox.tls_untrusted' } });
    expect(untrusted.body.error.hint).toMatch(/fingerprint/i);

    const seen = await call('POST', '/api/connections/fingerprint', { url });
    expect(seen.status).toBe(200);
    expect(seen.body.fingerprint.replaceAll(':', '').toLowerCase()).toBe(sim.fingerprint.replaceAll(':', '').toLowerCase());
    const trusted = { ...input, tls: { fingerprint: seen.body.fingerprint } };

    const wrong = await call('POST', '/api/connections/test', { ...trusted, auth: { ...input.auth, secret: 'not-it' } });
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'proxmox.unauthorized' } });
    const tested = await call('POST', '/api/connections/test', trusted);
    expect(tested.body).toMatchObject({ ok: true, product: 'pve', nodes: ['pve1', 'pve2'] });

    const created = await call('POST', '/api/connections', trusted);
    expect(created.status).toBe(201);
    const id = created.body.connection.id as string;
    const nodes = await waitFor(async () => {
      const r = await call('GET', '/api/resources?type=node');
      return r.body.resources.length === 2 ? r.body.resources : undefined;
    }, 'the cluster nodes in the registry');
    expect(nodes.map((n: Json) => n.id)).toEqual(['pve:lab:node/pve1', 'pve:lab:node/pve2']);
    const guests = (await call('GET', '/api/resources?type=vm')).body.resources as Json[];
    expect(guests.length).toBeGreaterThan(0);
    expect(guests[0].parentId).toMatch(/^pve:lab:node\/pve[12]$/);

    const listed = await call('GET', '/api/connections');
    expect(listed.body.connections[0].state).toMatchObject({ status: 'ok', nodes: ['pve1', 'pve2'] });
    // No answer and nothing on disk in the clear carries the secret.
    expect(listed.text).not.toContain(SECRET);
    expect(readFileSync(join(t.dataDir, 'pulse.db')).includes(Buffer.from(SECRET))).toBe(false);

    expect((await call('DELETE', `/api/connections/${id}`)).status).toBe(204);
    await waitFor(async () => ((await call('GET', '/api/resources?q=pve:lab')).body.resources.length === 0 ? true : undefined), 'the deleted connection\'s resources to go');
  });

  it('shows the state of a connection whose token stops working, and recovers', async () => {
    const url = sim.urls[0];
    const created = await call('POST', '/api/connections', {
      name: 'lab2', product: 'pve', endpoints: [url], tls: { fingerprint: sim.fingerprint },
      auth: { kind: 'token', tokenId: 'pulse-monitor@pve!pulse', secret: SECRET }, intervalMs: 5_000,
    });
    const id = created.body.connection.id as string;
    await waitFor(async () => ((await call('GET', `/api/connections/${id}`)).body.connection.state?.status === 'ok' ? true : undefined), 'the first poll');
    sim.faults.revokeToken('pulse-monitor@pve!pulse');
    await waitFor(async () => {
      const state = (await call('GET', `/api/connections/${id}`)).body.connection.state;
      return state?.status === 'error' && state.error.code === 'proxmox.unauthorized' ? true : undefined;
    }, 'the error state', 15_000);
    const node = (await call('GET', '/api/resources/pve:lab2:node%2Fpve1')).body;
    expect(node.status ?? node.resource?.status).toBe('unknown');
    sim.faults.restoreToken('pulse-monitor@pve!pulse');
    await waitFor(async () => ((await call('GET', `/api/connections/${id}`)).body.connection.state?.status === 'ok' ? true : undefined), 'recovery', 15_000);
    expect(existsSync(join(t.dataDir, 'secret.key'))).toBe(true);
  });
});
