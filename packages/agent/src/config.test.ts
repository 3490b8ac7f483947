import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, writeConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pulse-agent-config-'));

describe('agent config', () => {
  it('writes the token readable by its owner only, and reads it back with defaults filled in', () => {
    const path = join(dir(), 'etc/pulse-agent/agent.json');
    writeConfig(path, { server: 'https://pulse.lan:7655', agentId: 'a1', token: 'pulse_agent_a1.s3cret', intervalMs: 5000 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { config, warnings } = loadConfig(path, {});
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      server: 'https://pulse.lan:7655', token: 'pulse_agent_a1.s3cret', intervalMs: 5000,
      tls: { insecure: false }, docker: { intervalMs: 10_000 }, buffer: { maxBytes: 8 * 1024 * 1024 },
      procRoot: '/proc', sysRoot: '/sys', logLevel: 'info',
    });
    expect(config.stateDir).toBeUndefined();
  });

  it('lets environment variables override single keys, including switching Docker off', () => {
    const path = join(dir(), 'agent.json');
    writeConfig(path, { server: 'https://a', token: 't', docker: { endpoint: 'unix:///a.sock', intervalMs: 30_000 } });
    const env = { PULSE_AGENT_SERVER: 'http://b:7655', PULSE_AGENT_INTERVAL_MS: '1000', PULSE_AGENT_INSECURE_TLS: 'true', PULSE_AGENT_DOCKER: 'tcp://c:2376' };
    const { config } = loadConfig(path, env);
    expect(config).toMatchObject({ server: 'http://b:7655', intervalMs: 1000, tls: { insecure: true }, docker: { endpoint: 'tcp://c:2376', intervalMs: 30_000 } });
    expect(loadConfig(path, { PULSE_AGENT_DOCKER: 'false' }).config.docker).toBe(false);
  });

  it('runs from the environment alone, without a file', () => {
    const { config, file } = loadConfig(join(dir(), 'none.json'), { PULSE_AGENT_SERVER: 'https://p', PULSE_AGENT_TOKEN: 't' });
    expect(file).toBeUndefined();
    expect(config.server).toBe('https://p');
  });

  it('names the key, the file and the variable when a value is wrong, and says how to enrol when there is no config', () => {
    const path = join(dir(), 'agent.json');
    writeFileSync(path, JSON.stringify({ server: 'https://a', token: 't', intervalMs: 10 }), { mode: 0o600 });
    expect(() => loadConfig(path, {})).toThrow(/config key "intervalMs" in .*agent\.json \(or PULSE_AGENT_INTERVAL_MS\)/);
    writeFileSync(path, '{ not json');
    expect(() => loadConfig(path, {})).toThrow(/not readable JSON/);
    expect(() => loadConfig(join(dir(), 'missing.json'), {})).toThrow(expect.objectContaining({ code: 'agent.config_missing', message: expect.stringContaining('pulse-agent enrol') }));
  });

  it('warns when the file holding the token is readable by others', () => {
    const path = join(dir(), 'agent.json');
    writeFileSync(path, JSON.stringify({ server: 'https://a', token: 't' }), { mode: 0o644 });
    expect(loadConfig(path, {}).warnings[0]).toMatch(/readable by other users .*chmod 600/);
    expect(readFileSync(path, 'utf8')).toContain('"token"');
  });
});
