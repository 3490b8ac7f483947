import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupScript } from './setup-script.js';

const SECRET = '11111111-2222-3333-4444-555555555555';

/**
 * Stub Proxmox tools that append their arguments (one line per call, each argument in [brackets]) to
 * $STUB_LOG. With STUB_EXISTING=1 every create answers "already exists", as on a second run.
 */
function stubs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-setup-stubs-'));
  const tool = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\nprintf '%s' "${name}" >> "$STUB_LOG"\nfor a in "$@"; do printf ' [%s]' "$a" >> "$STUB_LOG"; done\necho >> "$STUB_LOG"\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  const exists = (what: string) => `if [ "\${STUB_EXISTING:-0}" = 1 ]; then echo "${what} already exists" >&2; exit 255; fi`;
  tool('id', 'echo 0');
  tool('pveversion', 'echo "pve-manager/${STUB_PVE_VERSION:-9.0.3}/abcdef (running kernel: 6.14.8-2-pve)"');
  tool('pveum', `case "$1 $2" in
  'user add') ${exists("user 'x'")} ;;
  'role add') ${exists("role 'x'")} ;;
  'user token') [ "$3" = add ] && { ${exists('Token')}; echo '{"full-tokenid":"pulse-monitor@pve!pulse","info":{"privsep":"1"},"value":"${SECRET}"}'; } ;;
esac; exit 0`);
  tool('proxmox-backup-manager', `case "$1 $2" in
  'user create') ${exists("user 'x'")} ;;
  'user generate-token') ${exists("token 'x'")}; echo '{"tokenid":"pulse-monitor@pbs!pulse","value":"${SECRET}"}' ;;
esac; exit 0`);
  tool('pmgsh', `case "$1 $2" in 'create /access/users') ${exists("user 'x'")} ;; esac; exit 0`);
  return dir;
}

function run(script: string, env: Record<string, string> = {}) {
  const dir = stubs();
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const file = join(dir, 'setup.sh');
  writeFileSync(file, script);
  const result = spawnSync('sh', [file], { env: { PATH: `${dir}:/usr/bin:/bin`, STUB_LOG: log, ...env }, encoding: 'utf8' });
  const calls = readFileSync(log, 'utf8').trim().split('\n').filter((l) => !/^(id|pveversion)\b/.test(l));
  return { ...result, calls };
}

describe('setup scripts', () => {
  it.each(['pve', 'pbs', 'pmg'] as const)('the %s script is valid POSIX sh', (product) => {
    expect(() => execFileSync('sh', ['-n'], { input: setupScript(product) })).not.toThrow();
  });

  it('creates the PVE user, a guest-agent audit role for PVE 9, a privilege-separated token and their ACLs, then prints the token', () => {
    const r = run(setupScript('pve'));
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      'pveum [user] [add] [pulse-monitor@pve] [--comment] [Pulse monitoring (read-only)]',
      'pveum [role] [add] [PulseGuestAudit] [--privs] [VM.GuestAgent.Audit]',
      'pveum [acl] [modify] [/] [--users] [pulse-monitor@pve] [--roles] [PVEAuditor,PulseGuestAudit]',
      'pveum [user] [token] [add] [pulse-monitor@pve] [pulse] [--privsep] [1] [--comment] [Pulse] [--output-format] [json]',
      'pveum [acl] [modify] [/] [--tokens] [pulse-monitor@pve!pulse] [--roles] [PVEAuditor,PulseGuestAudit]',
    ]);
    expect(r.stdout).toContain('Token ID: pulse-monitor@pve!pulse');
    expect(r.stdout).toContain(`Secret:   ${SECRET}`);
  });

  it('uses VM.Monitor on PVE 8 and the user and token names asked for', () => {
    const r = run(setupScript('pve', 'mon.itor', 'p2'), { STUB_PVE_VERSION: '8.4.1' });
    expect(r.status).toBe(0);
    expect(r.calls[1]).toBe('pveum [role] [add] [PulseGuestAudit] [--privs] [VM.Monitor]');
    expect(r.calls[4]).toBe('pveum [acl] [modify] [/] [--tokens] [mon.itor@pve!p2] [--roles] [PVEAuditor,PulseGuestAudit]');
  });

  it('runs again without failing when the user, role and token exist, and replaces the token only when asked', () => {
    const again = run(setupScript('pve'), { STUB_EXISTING: '1' });
    expect(again.status).toBe(0);
    expect(again.calls).toContain('pveum [role] [modify] [PulseGuestAudit] [--privs] [VM.GuestAgent.Audit]');
    expect(again.calls.some((c) => c.includes('[remove]'))).toBe(false);
    expect(again.stdout).toMatch(/Secret: +not shown/);
    const replaced = run(setupScript('pve'), { PULSE_REPLACE_TOKEN: '1' });
    expect(replaced.calls).toContain('pveum [user] [token] [remove] [pulse-monitor@pve] [pulse]');
    expect(replaced.stdout).toContain(SECRET);
  });

  it('stops with the tool’s message when a command fails for another reason', () => {
    const script = setupScript('pve').replace("--comment 'Pulse monitoring (read-only)'", '--bogus');
    const dir = stubs();
    writeFileSync(join(dir, 'pveum'), '#!/bin/sh\necho "400 Parameter verification failed." >&2\nexit 255\n');
    writeFileSync(join(dir, 'setup.sh'), script);
    const r = spawnSync('sh', [join(dir, 'setup.sh')], { env: { PATH: `${dir}:/usr/bin:/bin`, STUB_LOG: join(dir, 'log') }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Parameter verification failed');
  });

  it('creates the PBS user and token with the Audit role on /', () => {
    const r = run(setupScript('pbs'));
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      'proxmox-backup-manager [user] [create] [pulse-monitor@pbs] [--comment] [Pulse monitoring (read-only)]',
      'proxmox-backup-manager [acl] [update] [/] [Audit] [--auth-id] [pulse-monitor@pbs]',
      'proxmox-backup-manager [user] [generate-token] [pulse-monitor@pbs] [pulse] [--output-format] [json]',
      'proxmox-backup-manager [acl] [update] [/] [Audit] [--auth-id] [pulse-monitor@pbs!pulse]',
    ]);
    expect(r.stdout).toContain(`Secret:   ${SECRET}`);
    expect(run(setupScript('pbs'), { STUB_EXISTING: '1' }).status).toBe(0);
  });

  it('creates a PMG audit user with a random password and keeps it on a second run', () => {
    const r = run(setupScript('pmg'));
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    const password = /^pmgsh \[create\] \[\/access\/users\] \[--userid\] \[pulse-monitor@pmg\] \[--password\] \[([0-9a-f]{48})\] \[--role\] \[audit\] \[--comment\] \[Pulse monitoring \(read-only\)\]$/.exec(r.calls[0]!)?.[1];
    expect(password).toBeDefined();
    expect(r.stdout).toContain(`Password: ${password}`);
    const again = run(setupScript('pmg'), { STUB_EXISTING: '1' });
    expect(again.status).toBe(0);
    expect(again.calls.slice(1)).toEqual(['pmgsh [set] [/access/users/pulse-monitor@pmg] [--role] [audit]']);
    expect(again.stdout).toMatch(/Password: not shown/);
  });

  it('refuses names that could break out of the script', () => {
    for (const [user, token] of [["x'; rm -rf /", 'pulse'], ['-x', 'pulse'], ['ok', '1abc'], ['ok', 'a b'], ['A', 'pulse']]) {
      expect(() => setupScript('pve', user, token)).toThrow(RangeError);
    }
  });
});
