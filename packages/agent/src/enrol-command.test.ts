import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentEnrolment } from '@pulse/protocol';
import { startReportServer } from '../test-support/report-server.js';
import type { ReportServer } from '../test-support/report-server.js';
import { enrol } from './enrol-command.js';

let server: ReportServer | undefined;
afterEach(async () => server?.close());

const configPath = () => join(mkdtempSync(join(tmpdir(), 'pulse-agent-enrol-')), 'etc/agent.json');

describe('enrol', () => {
  it('trades the install token for the agent\'s own and writes them to a 0600 config, keeping hand-made settings', async () => {
    server = await startReportServer(() => ({ status: 201, body: { agentId: 'agt_1', token: 'pulse_agent_agt_1.s3cret', intervalMs: 5000 } }));
    const path = configPath();
    const result = await enrol({ server: `${server.url}/`, installToken: 'pulse_install_x.y', configPath: path, stateDir: '/var/lib/pulse-agent', docker: 'unix:///run/docker.sock' });
    expect(result).toEqual({ agentId: 'agt_1', intervalMs: 5000 });

    const req = server.requests[0]!;
    expect(req.path).toBe('/api/agents/enrol');
    expect(req.headers.authorization).toBe('Bearer pulse_install_x.y');
    const body = AgentEnrolment.parse(JSON.parse(req.body.toString()));
    expect(body.hostname.length).toBeGreaterThan(0);
    expect(body.version).toBe('0.1.0');

    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written).toEqual({
      server: server.url, agentId: 'agt_1', token: 'pulse_agent_agt_1.s3cret', intervalMs: 5000,
      stateDir: '/var/lib/pulse-agent', docker: { endpoint: 'unix:///run/docker.sock' },
    });

    writeFileSync(path, JSON.stringify({ ...written, buffer: { maxBytes: 1048576 }, docker: { endpoint: 'unix:///x.sock', intervalMs: 30000 } }));
    await enrol({ server: server.url, installToken: 'pulse_install_x.y', configPath: path });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ buffer: { maxBytes: 1048576 }, docker: { endpoint: 'unix:///x.sock', intervalMs: 30000 } });
  });

  it('says the install token was refused, and writes nothing', async () => {
    server = await startReportServer(() => ({ status: 401, body: { error: { code: 'agent.install_token_invalid', message: 'The install token is unknown, used up or expired.' } } }));
    const path = configPath();
    await expect(enrol({ server: server.url, installToken: 'bad', configPath: path })).rejects.toMatchObject({
      code: 'agent.install_token_invalid', message: expect.stringContaining('used up or expired'),
    });
    expect(() => statSync(path)).toThrow();
  });

  it('refuses an answer that is not an enrolment answer', async () => {
    server = await startReportServer(() => ({ status: 200, body: { hello: 'world' } }));
    await expect(enrol({ server: server.url, installToken: 't', configPath: configPath() })).rejects.toMatchObject({ code: 'agent.bad_answer' });
  });
});
