import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * packages/agent/install/install.sh, run by real POSIX shells against a small HTTP server that serves
 * the freshly built bundle, with PULSE_AGENT_PREFIX as the root and logging stubs for systemctl,
 * useradd, usermod, userdel and chown.
 */

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(pkgDir, 'install/install.sh');
const shells = ['sh', 'dash', 'bash'].filter((shell) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

let bundle: Buffer;
let server: Server;
let url = '';
let etag = '';
let servedEtag: string | undefined;
const requests: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-install-bundle-'));
  execFileSync(process.execPath, [join(pkgDir, 'scripts/bundle.mjs'), '--out', join(dir, 'pulse-agent.mjs'), '--quiet']);
  bundle = readFileSync(join(dir, 'pulse-agent.mjs'));
  etag = createHash('sha256').update(bundle).digest('hex');
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.headers.authorization !== 'Bearer pulse_install_abc.def') {
      res.writeHead(401).end('{"error":{"code":"agent.install_token_invalid","message":"unknown install token"}}');
    } else if (req.url === '/api/agents/pulse-agent.mjs') {
      res.writeHead(200, { etag: `"sha256-${servedEtag ?? etag}"`, 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/api/agents/enrol') {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ agentId: 'agt_9', token: 'pulse_agent_agt_9.secret', intervalMs: 10_000 }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A root to install into and stubs that log their arguments to calls.log. */
function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'pulse-agent-root-'));
  const bin = join(root, '.stubs');
  execFileSync('mkdir', ['-p', bin]);
  const env: Record<string, string> = { PULSE_AGENT_PREFIX: root, NODE: process.execPath };
  for (const name of ['systemctl', 'useradd', 'usermod', 'userdel', 'chown']) {
    const stub = join(bin, name);
    writeFileSync(stub, `#!/bin/sh\necho "${name} $*" >> "${root}/calls.log"\n`);
    chmodSync(stub, 0o755);
    env[name === 'systemctl' ? 'SYSTEMCTL' : name.toUpperCase()] = stub;
  }
  const calls = () => (existsSync(join(root, 'calls.log')) ? readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n') : []);
  return { root, env, calls };
}

function install(shell: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    // A pipe into `sh -s --`, like the one-line install command.
    const child = spawn(shell, ['-s', '--', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
    child.stdin.end(readFileSync(script));
  });
}

describe.each(shells)('install.sh under %s', (shell) => {
  it('installs, enrols and enables the service; a second run upgrades without enrolling again; --uninstall removes it all', async () => {
    const { root, env, calls } = sandbox();
    requests.length = 0;
    const first = await install(shell, ['--server', `${url}/`, '--token', 'pulse_install_abc.def'], env);
    expect(first.err).toBe('');
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining('pulse-agent 0.1.0 installed and running') });
    expect(requests).toEqual(['GET /api/agents/pulse-agent.mjs Bearer pulse_install_abc.def', 'POST /api/agents/enrol Bearer pulse_install_abc.def']);

    const installed = join(root, 'opt/pulse-agent/pulse-agent.mjs');
    expect(readFileSync(installed).equals(bundle)).toBe(true);
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    const configPath = join(root, 'etc/pulse-agent/agent.json');
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
      server: url, agentId: 'agt_9', token: 'pulse_agent_agt_9.secret', intervalMs: 10_000, stateDir: join(root, 'var/lib/pulse-agent'),
    });
    expect(statSync(join(root, 'var/lib/pulse-agent')).mode & 0o777).toBe(0o700);

    const unit = readFileSync(join(root, 'etc/systemd/system/pulse-agent.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} --max-semi-space-size=1 --jitless --no-expose-wasm --single-threaded ${installed} run --config ${configPath}`);
    for (const line of ['User=pulse-agent', 'Restart=on-failure', 'RestartPreventExitStatus=2 77 78', 'NoNewPrivileges=yes', 'ProtectSystem=strict', `ReadWritePaths=${join(root, 'var/lib/pulse-agent')}`, 'WantedBy=multi-user.target']) {
      expect(unit).toContain(line);
    }
    const log = calls();
    expect(log).toContain('useradd --system --home-dir /var/lib/pulse-agent --no-create-home --shell /usr/sbin/nologin pulse-agent');
    expect(log).toContain(`chown pulse-agent:pulse-agent ${configPath} ${join(root, 'var/lib/pulse-agent')}`);
    expect(log.slice(-3)).toEqual(['systemctl daemon-reload', 'systemctl enable pulse-agent.service', 'systemctl restart pulse-agent.service']);

    requests.length = 0;
    const again = await install(shell, ['--server', url, '--token', 'pulse_install_abc.def'], env);
    expect(again).toMatchObject({ code: 0, out: expect.stringContaining('already enrolled') });
    expect(requests).toEqual(['GET /api/agents/pulse-agent.mjs Bearer pulse_install_abc.def']);

    const removed = await install(shell, ['--uninstall'], env);
    expect(removed).toMatchObject({ code: 0, out: expect.stringContaining('removed') });
    for (const path of ['opt/pulse-agent', 'etc/pulse-agent', 'var/lib/pulse-agent', 'etc/systemd/system/pulse-agent.service']) expect(existsSync(join(root, path))).toBe(false);
    expect(calls()).toContain('systemctl disable --now pulse-agent.service');
  });

  it('refuses a download whose sha256 does not match the ETag, and installs nothing', async () => {
    const { root, env } = sandbox();
    servedEtag = '0'.repeat(64);
    const r = await install(shell, ['--server', url, '--token', 'pulse_install_abc.def'], env).finally(() => (servedEtag = undefined));
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not match its checksum');
    expect(existsSync(join(root, 'opt/pulse-agent'))).toBe(false);
  });

  it('says what is missing: Node 20, the token, a server that accepts it', async () => {
    const { root, env } = sandbox();
    const oldNode = join(root, 'node18');
    writeFileSync(oldNode, '#!/bin/sh\necho 18.19.1\n');
    chmodSync(oldNode, 0o755);
    const old = await install(shell, ['--server', url, '--token', 'pulse_install_abc.def'], { ...env, NODE: oldNode });
    expect(old).toMatchObject({ code: 1, err: expect.stringContaining('Node.js 20 or newer is needed; ') });
    const none = await install(shell, ['--server', url, '--token', 'pulse_install_abc.def'], { ...env, NODE: 'no-such-node' });
    expect(none.err).toContain('Node.js 20 or newer is needed and none was found');
    expect((await install(shell, ['--server', url], env)).err).toContain('no install token given');
    const refused = await install(shell, ['--server', url, '--token', 'pulse_install_wrong.x'], env);
    expect(refused).toMatchObject({ code: 1, err: expect.stringContaining('could not download the agent') });
    expect(existsSync(join(root, 'opt/pulse-agent'))).toBe(false);
  });
});
