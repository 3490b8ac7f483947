import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the simulator is plain JavaScript under tools/
import { startProxmoxSim } from '../../../../../tools/proxmox-sim/index.mjs';
import { createProxmoxClient } from './client/index.js';
import { testConnection } from './connection-test.js';

/* "Test connection" against the Proxmox API double: each usual failure comes back explained. */

describe('test connection', () => {
  let sim: Awaited<ReturnType<typeof startProxmoxSim>>;
  beforeAll(async () => {
    sim = await startProxmoxSim({
      nodes: 2, guests: 4,
      tokens: [{ tokenId: 'pulse@pve!ok', secret: 's1' }, { tokenId: 'pulse@pve!privsep', secret: 's2', privsepNoAcl: true }],
    });
  });
  afterAll(() => sim?.close());

  const run = (tokenId: string, secret: string, tls: { fingerprint?: string; insecure?: boolean } = { fingerprint: sim.fingerprint }) => {
    const input = { name: 't', product: 'pve' as const, endpoints: sim.urls, auth: { kind: 'token' as const, tokenId, secret }, tls, intervalMs: 10_000, enabled: true };
    return testConnection(createProxmoxClient({ product: 'pve', endpoints: sim.urls, auth: input.auth, tls, timeoutMs: 5_000 }), input);
  };

  it('names the version and nodes when everything works', async () => {
    expect(await run('pulse@pve!ok', 's1')).toMatchObject({ ok: true, product: 'pve', nodes: ['pve1', 'pve2'] });
  });

  it('explains a privilege-separated token without its own ACL', async () => {
    const result = await run('pulse@pve!privsep', 's2');
    expect(result).toMatchObject({ ok: false, error: { code: 'proxmox.forbidden' } });
    expect(result.error?.hint).toMatch(/privilege-separated token needs its own ACL/);
  });

  it('explains a wrong secret, a certificate that is not the pinned one, and a node that answers 595', async () => {
    expect((await run('pulse@pve!ok', 'wrong')).error).toMatchObject({ code: 'proxmox.unauthorized', hint: expect.stringMatching(/token id/) });
    const pin = await run('pulse@pve!ok', 's1', { fingerprint: 'AA'.repeat(32) });
    expect(pin.error).toMatchObject({ code: 'proxmox.tls_fingerprint_mismatch', hint: expect.stringMatching(/not the one you pinned/) });
    const fault = sim.faults.add({ kind: 'status', status: 595, message: 'Connection refused', path: '/nodes' });
    const offline = await run('pulse@pve!ok', 's1');
    fault.clear();
    expect(offline.error).toMatchObject({ code: 'proxmox.node_offline', hint: expect.stringMatching(/595/) });
  });
});
