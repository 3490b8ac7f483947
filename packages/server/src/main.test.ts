import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/index.js';
import { startTestPulse, waitFor } from '../test-support/pulse.js';

describe('Pulse process', () => {
  it('keeps users, tokens and the last known resources across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-restart-'));
    const first = await startTestPulse({ dataDir });
    const admin = await first.setupAdmin();
    const created = await fetch(`${first.url}/api/tokens`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ci', scopes: ['monitoring:read'] }) });
    const { token } = (await created.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const hostId = await waitFor(async () => ((await (await fetch(`${first.url}/api/resources`, { headers: auth })).json()) as any).resources[0]?.id, 'the local host');
    await first.close();

    const second = await startTestPulse({ dataDir, env: { PULSE_LOCAL_ENABLED: 'false' } });
    try {
      const health = (await (await fetch(`${second.url}/api/health`)).json()) as { setupRequired: boolean };
      expect(health.setupRequired).toBe(false);
      const res = await fetch(`${second.url}/api/resources`, { headers: auth });
      expect(res.status).toBe(200);
      const { resources } = (await res.json()) as { resources: Array<{ id: string; status: string }> };
      // Known from before, but not confirmed since the restart: shown, and honestly marked unknown.
      expect(resources).toEqual([expect.objectContaining({ id: hostId, status: 'unknown' })]);
      await second.login('admin', 'correct-horse-battery');
    } finally {
      await second.close();
    }
  });

  it('creates the first admin from PULSE_ADMIN_USER / PULSE_ADMIN_PASSWORD', async () => {
    const t = await startTestPulse({ env: { PULSE_ADMIN_USER: 'ops', PULSE_ADMIN_PASSWORD: 'a-long-enough-secret' } });
    try {
      expect(((await (await fetch(`${t.url}/api/health`)).json()) as { setupRequired: boolean }).setupRequired).toBe(false);
      await t.login('ops', 'a-long-enough-secret');
    } finally {
      await t.close();
    }
  });

  it('refuses to start with an unusable admin password, naming the key', async () => {
    await expect(startTestPulse({ env: { PULSE_ADMIN_USER: 'ops', PULSE_ADMIN_PASSWORD: 'short' } })).rejects.toThrow(/PULSE_ADMIN_PASSWORD/);
  });

  it('reload applies what it can and names what needs a restart', async () => {
    const t = await startTestPulse();
    try {
      const next = loadConfig({ PULSE_PORT: '1234', PULSE_LOCAL_INTERVAL_MS: '500', PULSE_LOG_LEVEL: 'warn', PULSE_DATA_DIR: t.dataDir, PULSE_HOST: '127.0.0.1' }, t.dataDir).config;
      const { applied, needRestart } = t.pulse.reload(next);
      expect(applied).toEqual(expect.arrayContaining(['local.interval_ms: 250 -> 500', 'log.level: "info" -> "warn"']));
      expect(needRestart).toEqual(['port: 0 -> 1234']);
    } finally {
      await t.close();
    }
  });
});
