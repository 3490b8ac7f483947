import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { agentReport, batchOf, gzipJson } from '../../test-support/agent-reports.js';
import { startTestPulse, type TestPulse } from '../../test-support/pulse.js';

const TEMPLATE = "#!/bin/sh\nset -eu\nPULSE_SERVER='__PULSE_SERVER__'\nPULSE_INSTALL_TOKEN='__PULSE_INSTALL_TOKEN__'\n";
const BUNDLE = 'console.log("pulse-agent");\n';

describe('agents API: install tokens, installer and enrolment', () => {
  let t: TestPulse;
  let admin: Record<string, string>;
  let assetsDir: string;
  let offset = 0;
  const serverNow = () => Date.now() + offset;

  beforeAll(async () => {
    assetsDir = mkdtempSync(join(tmpdir(), 'pulse-agent-assets-'));
    mkdirSync(join(assetsDir, 'install'));
    mkdirSync(join(assetsDir, 'dist'));
    writeFileSync(join(assetsDir, 'install', 'install.sh'), TEMPLATE);
    writeFileSync(join(assetsDir, 'dist', 'pulse-agent.mjs'), BUNDLE);
    t = await startTestPulse({ env: { PULSE_AGENTS_ASSETS_DIR: assetsDir, PULSE_LOCAL_ENABLED: 'false' }, now: serverNow });
    const session = await t.setupAdmin();
    admin = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  });
  afterAll(() => t?.close());

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = admin) => {
    const res = await fetch(`${t.url}${path}`, {
      method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
  const newInstallToken = async (body: object = {}) => {
    const res = await call('POST', '/api/agents/install-tokens', body);
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string; command: string; expiresAt: number; maxUses: number; note?: string };
  };
  const enrol = (token: string | undefined, body: object = { hostname: 'edge-1', machineId: 'a'.repeat(32), version: '0.1.0' }) =>
    call('POST', '/api/agents/enrol', body, token === undefined ? {} : { authorization: `Bearer ${token}` });
  const report = (token: string, reports = [agentReport({ at: serverNow() })]) => fetch(`${t.url}/api/agents/report`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipJson(batchOf(reports, serverNow())),
  });

  it('creates an install token with the command to paste, lists it without its secret, and revokes it', async () => {
    const created = await newInstallToken({ expiresInHours: 2, maxUses: 5 });
    expect(created.token).toMatch(/^pulse_install_[0-9a-f]{16}\.[A-Za-z0-9_-]+$/);
    expect(created.token.startsWith(`pulse_install_${created.id}.`)).toBe(true);
    expect(created.command).toBe(`curl -fsSL '${t.url}/api/agents/install.sh?token=${created.token}' | sudo sh`);
    expect(created.note).toMatch(/plain HTTP/);
    expect(created.maxUses).toBe(5);
    expect(created.expiresAt).toBeGreaterThan(serverNow() + 3_600_000);
    const { body } = await call('GET', '/api/agents/install-tokens');
    const listed = body.tokens.find((x: { id: string }) => x.id === created.id);
    expect(listed).toMatchObject({ maxUses: 5, uses: 0, createdBy: expect.stringMatching(/^user:/) });
    expect(JSON.stringify(body)).not.toContain(created.token.split('.')[1]);
    expect((await call('DELETE', `/api/agents/install-tokens/${created.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/agents/install-tokens/${created.id}`)).status).toBe(404);
    expect((await call('GET', '/api/agents/install-tokens')).body.tokens.some((x: { id: string }) => x.id === created.id)).toBe(false);
  });

  it('refuses install tokens to anyone but an admin, and bad bodies with the field named', async () => {
    const created = await call('POST', '/api/tokens', { name: 'reader', scopes: ['monitoring:read'] });
    const reader = { authorization: `Bearer ${created.body.token}` };
    expect((await call('POST', '/api/agents/install-tokens', {}, reader)).status).toBe(403);
    expect((await call('POST', '/api/agents/install-tokens', {}, {})).status).toBe(401);
    expect((await call('GET', '/api/agents', undefined, reader)).status).toBe(200);
    expect((await call('DELETE', '/api/agents/0011223344556677', undefined, reader)).status).toBe(403);
    const bad = await call('POST', '/api/agents/install-tokens', { expiresInHours: 0, maxUses: 5000 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.expiresInHours');
    expect(bad.body.error.message).toContain('body.maxUses');
    // A session still needs its CSRF token.
    expect((await call('POST', '/api/agents/install-tokens', {}, { cookie: admin.cookie! })).status).toBe(403);
  });

  it('serves the installer with this server and the token baked in, and a failing script for a bad token', async () => {
    const { token } = await newInstallToken();
    const ok = await call('GET', `/api/agents/install.sh?token=${encodeURIComponent(token)}`, undefined, {});
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.text).toBe(`#!/bin/sh\nset -eu\nPULSE_SERVER='${t.url}'\nPULSE_INSTALL_TOKEN='${token}'\n`);
    for (const query of ['', '?token=', '?token=pulse_install_0011223344556677.nope-nope-nope-nope-nope', `?token=${token}x`]) {
      const refused = await call('GET', `/api/agents/install.sh${query}`, undefined, {});
      expect(refused.status).toBe(401);
      expect(refused.text).toMatch(/^echo '.*' >&2\nexit 1\n$/);
    }
  });

  it('serves the agent bundle with its SHA-256 to install and agent tokens only', async () => {
    const { token } = await newInstallToken({ maxUses: 2 });
    const sha = createHash('sha256').update(BUNDLE).digest('hex');
    const res = await fetch(`${t.url}/api/agents/pulse-agent.mjs`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-pulse-agent-sha256')).toBe(sha);
    expect(res.headers.get('etag')).toBe(`"sha256-${sha}"`);
    expect(await res.text()).toBe(BUNDLE);
    const again = await fetch(`${t.url}/api/agents/pulse-agent.mjs`, { headers: { authorization: `Bearer ${token}`, 'if-none-match': `"sha256-${sha}"` } });
    expect(again.status).toBe(304);
    const enrolled = await enrol(token, { hostname: 'bundle-host', machineId: 'b'.repeat(32), version: '0.1.0' });
    const byAgent = await fetch(`${t.url}/api/agents/pulse-agent.mjs`, { headers: { authorization: `Bearer ${enrolled.body.token}` } });
    expect(byAgent.status).toBe(200);
    const refused = await call('GET', '/api/agents/pulse-agent.mjs', undefined, {});
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('agent.token_invalid');
  });

  it('enrols an agent with a valid install token and answers its own token and interval', async () => {
    const { token, id } = await newInstallToken();
    const res = await enrol(token, { hostname: 'edge-1', machineId: 'C'.repeat(32), version: '0.1.0' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ agentId: expect.stringMatching(/^[0-9a-f]{16}$/), token: expect.stringMatching(/^pulse_agent_[0-9a-f]{16}\./), intervalMs: 10_000 });
    expect(res.body.token.startsWith(`pulse_agent_${res.body.agentId}.`)).toBe(true);
    const { body } = await call('GET', '/api/agents');
    expect(body.agents.find((a: { id: string }) => a.id === res.body.agentId)).toMatchObject({
      hostname: 'edge-1', machineId: 'c'.repeat(32), version: '0.1.0', status: 'never', lastReportAt: null, resourceId: null, docker: null, intervalMs: 10_000,
    });
    // A single-use token is used up now.
    expect((await enrol(token, { hostname: 'other', machineId: 'd'.repeat(32), version: '0.1.0' })).body.error.code).toBe('agent.install_token_invalid');
    expect((await call('GET', '/api/agents/install-tokens')).body.tokens.some((x: { id: string }) => x.id === id)).toBe(false);
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'nonsense'],
    ['an unknown token', 'pulse_install_0011223344556677.abcdefghijklmnopqrstuvwxyz'],
  ])('refuses enrolment with %s', async (_what, token) => {
    const res = await enrol(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('agent.install_token_invalid');
  });

  it('refuses enrolment with a revoked, an expired, or an API token, and an agent token in place of an install token', async () => {
    const revoked = await newInstallToken();
    await call('DELETE', `/api/agents/install-tokens/${revoked.id}`);
    expect((await enrol(revoked.token)).status).toBe(401);

    const expiring = await newInstallToken({ expiresInHours: 1 });
    offset += 2 * 3_600_000;
    try {
      expect((await enrol(expiring.token)).body.error.code).toBe('agent.install_token_invalid');
    } finally {
      offset -= 2 * 3_600_000;
    }

    const api = await call('POST', '/api/tokens', { name: 'admin-token', scopes: ['admin'] });
    expect((await enrol(api.body.token)).status).toBe(401);

    const agent = await enrol((await newInstallToken()).token, { hostname: 'x', machineId: 'e'.repeat(32), version: '0.1.0' });
    expect((await enrol(agent.body.token)).status).toBe(401);
    // ...and an install token cannot report.
    expect((await report((await newInstallToken()).token)).status).toBe(401);
  });

  it('validates the enrolment body after the token, naming the field', async () => {
    const { token } = await newInstallToken();
    const res = await enrol(token, { machineId: 'f'.repeat(32), version: '0.1.0' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('body.hostname');
    // The refused body did not use the token up.
    expect((await enrol(token, { hostname: 'fine', machineId: 'f'.repeat(32), version: '0.1.0' })).status).toBe(200);
  });

  it('re-enrolling a machine keeps its agent and replaces its token', async () => {
    const machineId = '1'.repeat(32);
    const first = await enrol((await newInstallToken()).token, { hostname: 'reinstalled', machineId, version: '0.1.0' });
    expect((await report(first.body.token)).status).toBe(200);
    const second = await enrol((await newInstallToken()).token, { hostname: 'reinstalled', machineId, version: '0.2.0' });
    expect(second.body.agentId).toBe(first.body.agentId);
    expect(second.body.token).not.toBe(first.body.token);
    const old = await report(first.body.token);
    expect(old.status).toBe(401);
    expect((await old.json()).error.code).toBe('agent.token_invalid');
    expect((await report(second.body.token)).status).toBe(200);
    const agents = (await call('GET', '/api/agents')).body.agents.filter((a: { machineId: string }) => a.machineId === machineId);
    expect(agents).toHaveLength(1);
  });

  it('refuses new agents past agents.max_agents but still lets known ones re-enrol', async () => {
    const count = (await call('GET', '/api/agents')).body.agents.length;
    const base = { PULSE_DATA_DIR: t.dataDir, PULSE_HOST: '127.0.0.1', PULSE_PORT: '0', PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'silent', PULSE_AGENTS_ASSETS_DIR: assetsDir };
    t.pulse.reload(loadConfig({ ...base, PULSE_AGENTS_MAX_AGENTS: String(count) }, t.dataDir).config);
    try {
      const { token } = await newInstallToken({ maxUses: 2 });
      const refused = await enrol(token, { hostname: 'one-too-many', machineId: '2'.repeat(32), version: '0.1.0' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('agent.limit_reached');
      expect((await enrol(token, { hostname: 'reinstalled', machineId: '1'.repeat(32), version: '0.1.0' })).status).toBe(200);
    } finally {
      t.pulse.reload(loadConfig(base, t.dataDir).config);
    }
  });

  it('says so when the installer or the bundle is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pulse-no-agent-'));
    const base = { PULSE_DATA_DIR: t.dataDir, PULSE_HOST: '127.0.0.1', PULSE_PORT: '0', PULSE_LOCAL_ENABLED: 'false', PULSE_LOG_LEVEL: 'silent' };
    t.pulse.reload(loadConfig({ ...base, PULSE_AGENTS_ASSETS_DIR: empty }, t.dataDir).config);
    try {
      const { token } = await newInstallToken({ maxUses: 2 });
      for (const res of [await call('GET', `/api/agents/install.sh?token=${token}`, undefined, {}), await call('GET', '/api/agents/pulse-agent.mjs', undefined, { authorization: `Bearer ${token}` })]) {
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('agent.bundle_missing');
      }
    } finally {
      t.pulse.reload(loadConfig({ ...base, PULSE_AGENTS_ASSETS_DIR: assetsDir }, t.dataDir).config);
    }
  });

  it('removing an agent refuses its token and takes its resources away', async () => {
    const agent = await enrol((await newInstallToken()).token, { hostname: 'doomed', machineId: '3'.repeat(32), version: '0.1.0' });
    expect((await report(agent.body.token, [agentReport({ at: serverNow(), machineId: '3'.repeat(32), hostname: 'doomed' })])).status).toBe(200);
    const hostId = `host:agent:${agent.body.agentId}`;
    expect((await call('GET', `/api/resources/${encodeURIComponent(hostId)}`)).status).toBe(200);
    expect((await call('DELETE', `/api/agents/${agent.body.agentId}`)).status).toBe(204);
    expect((await call('DELETE', `/api/agents/${agent.body.agentId}`)).status).toBe(404);
    expect((await report(agent.body.token)).status).toBe(401);
    expect((await call('GET', `/api/resources/${encodeURIComponent(hostId)}`)).status).toBe(404);
    const containers = (await call('GET', '/api/resources?type=app-container')).body.resources;
    expect(containers.some((r: { id: string }) => r.id.includes(agent.body.agentId))).toBe(false);
    expect((await call('GET', '/api/agents')).body.agents.some((a: { id: string }) => a.id === agent.body.agentId)).toBe(false);
  });
});

describe('agents across a restart', () => {
  it('keeps agents, their tokens and which reports were applied', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-agents-restart-'));
    const env = { PULSE_LOCAL_ENABLED: 'false' };
    const first = await startTestPulse({ dataDir, env });
    const session = await first.setupAdmin();
    const admin = { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' };
    const { token: installToken } = (await (await fetch(`${first.url}/api/agents/install-tokens`, { method: 'POST', headers: admin, body: '{}' })).json()) as { token: string };
    const enrolled = (await (await fetch(`${first.url}/api/agents/enrol`, {
      method: 'POST', headers: { authorization: `Bearer ${installToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hostname: 'survivor', machineId: '4'.repeat(32), version: '0.1.0' }),
    })).json()) as { agentId: string; token: string };
    const send = (url: string, seq: number) => fetch(`${url}/api/agents/report`, {
      method: 'POST', headers: { authorization: `Bearer ${enrolled.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipJson(batchOf([agentReport({ seq, at: Date.now(), machineId: '4'.repeat(32), hostname: 'survivor', agent: { version: '0.2.0' } })])),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
    expect((await send(first.url, 0)).body).toMatchObject({ accepted: 1, duplicates: 0 });
    await first.close();

    const second = await startTestPulse({ dataDir, env });
    try {
      const reader = await second.login('admin', 'correct-horse-battery');
      const list = async () => ((await (await fetch(`${second.url}/api/agents`, { headers: { cookie: reader.cookie } })).json()) as any).agents;
      expect(await list()).toEqual([expect.objectContaining({ id: enrolled.agentId, version: '0.2.0', lastReportAt: expect.any(Number), status: 'online' })]);
      // The report the agent resends because it never saw the answer is recognised; the next one is applied.
      expect((await send(second.url, 0)).body).toMatchObject({ accepted: 0, duplicates: 1 });
      expect((await send(second.url, 1)).body).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(await list()).toEqual([expect.objectContaining({ id: enrolled.agentId, hostname: 'survivor', status: 'online', resourceId: `host:agent:${enrolled.agentId}` })]);
    } finally {
      await second.close();
    }
  });
});

describe('install commands behind a proxy', () => {
  it('use the forwarded host and scheme when trust_proxy is on, and refuse a host that cannot go into a command', async () => {
    const t = await startTestPulse({ env: { PULSE_TRUST_PROXY: 'true', PULSE_LOCAL_ENABLED: 'false' } });
    try {
      const session = await t.setupAdmin();
      const created = await fetch(`${t.url}/api/tokens`, {
        method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'installer', scopes: ['admin'] }),
      });
      const { token } = (await created.json()) as { token: string };
      const create = (headers: Record<string, string>) => fetch(`${t.url}/api/agents/install-tokens`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: '{}',
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
      const proxied = await create({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'pulse.example.com' });
      expect(proxied.status).toBe(201);
      expect(proxied.body.command).toBe(`curl -fsSL 'https://pulse.example.com/api/agents/install.sh?token=${proxied.body.token}' | sudo sh`);
      expect(proxied.body.note).toBeUndefined();
      const hostile = await create({ 'x-forwarded-host': "evil'; rm -rf ~; echo '" });
      expect(hostile.status).toBe(400);
      expect(hostile.body.error.code).toBe('agent.host_unusable');
    } finally {
      await t.close();
    }
  });
});
