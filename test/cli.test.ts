import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { seedHistory } from '../packages/server/test-support/seed-history.js';

// Runs the built CLI exactly as `npm run pulse -- …` does; `npm test` builds it first.
const CLI = new URL('../packages/server/dist/cli.js', import.meta.url).pathname;
const built = existsSync(CLI);

function pulse(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

const freshData = () => ({ PULSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'pulse-cli-')) });

describe.skipIf(!built && !process.env.CI)('pulse CLI', () => {
  it('prints help and version', () => {
    expect(pulse(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('token create') });
    expect(pulse(['--version']).out).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses unknown commands and flags with usage and exit code 2', () => {
    const unknown = pulse(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    expect(unknown.err).toContain('Usage: pulse');
    expect(pulse(['serve', '--colour']).code).toBe(2);
    expect(pulse([]).code).toBe(2);
  });

  it('adds a user and creates a token that prints only the token', () => {
    const env = freshData();
    expect(pulse(['token', 'create', '--name', 'ci', '--scopes', 'monitoring:read'], env)).toMatchObject({ code: 2, err: expect.stringContaining('no user exists yet') });
    const added = pulse(['user', 'add', '--username', 'ops', '--password-stdin'], env, 'a-long-enough-secret\n');
    expect(added).toMatchObject({ code: 0, out: 'created admin "ops"' });
    expect(pulse(['user', 'add', '--username', 'ops', '--password', 'another-long-one'], env).err).toContain('already exists');
    expect(pulse(['user', 'add', '--username', 'x', '--password', 'short'], env).err).toContain('password');
    const token = pulse(['token', 'create', '--name', 'ci', '--scopes', 'monitoring:read,metrics:read'], env);
    expect(token.code).toBe(0);
    expect(token.out).toMatch(/^pulse_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const bad = pulse(['token', 'create', '--name', 'ci', '--scopes', 'root'], env);
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining('unknown scope root') });
    expect(pulse(['token', 'create', '--scopes', 'monitoring:read'], env).err).toContain('--name');
  });

  it('stops at start-up on a bad config value, naming the key, with exit code 78', () => {
    const r = pulse(['serve'], { ...freshData(), PULSE_PORT: 'eighty' });
    expect(r.code).toBe(78);
    expect(r.err).toContain('config key "port"');
    expect(r.err).toContain('"eighty"');
    expect(r.err).toContain('PULSE_PORT');
    const heap = pulse(['serve'], { ...freshData(), PULSE_HEAP_GROWTH_PERCENT: '-5' });
    expect(heap.code).toBe(78);
    expect(heap.err).toContain('config key "memory.heap_growth_percent"');
    expect(heap.err).toContain('PULSE_HEAP_GROWTH_PERCENT');
  });
});

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = pattern.exec(seen);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${seen}`)));
  });
}

describe.skipIf(!built && !process.env.CI)('pulse serve', () => {
  it('shuts down on SIGTERM: clients get 1001 going-away and the process exits 0', async () => {
    const env = { ...process.env, ...freshData(), PULSE_PORT: '0', PULSE_HOST: '127.0.0.1', PULSE_ADMIN_USER: 'ops', PULSE_ADMIN_PASSWORD: 'a-long-enough-secret' };
    const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await waitForLine(child, /"url":"http:\/\/127\.0\.0\.1:(\d+)"/);
    const port = /:(\d+)"/.exec(line)![1];
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ops', password: 'a-long-enough-secret' }) });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, 'pulse.v1.json', { headers: { cookie } });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await exited).toBe(0);
  });
});

describe.skipIf(!built && !process.env.CI)('pulse serve reloads on SIGHUP', () => {
  it('applies a new interval from pulse.toml, keeps running on a bad one, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-hup-'));
    writeFileSync(join(dir, 'pulse.toml'), '[local]\ninterval_ms = 2000\n');
    const env = { ...process.env, PULSE_DATA_DIR: dir, PULSE_PORT: '0', PULSE_HOST: '127.0.0.1' };
    const child = spawn(process.execPath, [CLI, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await waitForLine(child, /Pulse is serving/);
      writeFileSync(join(dir, 'pulse.toml'), '[local]\ninterval_ms = 1000\n');
      const reloaded = waitForLine(child, /"applied":\[[^\]]*local\.interval_ms: 2000 -> 1000/);
      child.kill('SIGHUP');
      await reloaded;
      writeFileSync(join(dir, 'pulse.toml'), '[local]\ninterval_ms = "soon"\n');
      const refused = waitForLine(child, /configuration not reloaded[^\n]*|local\.interval_ms[^\n]*not reloaded/);
      child.kill('SIGHUP');
      expect(await refused).toBeTruthy();
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('db stats reports series, points and bytes per tier, readable and as JSON', async () => {
    const env = freshData();
    const empty = pulse(['db', 'stats'], env);
    expect(empty).toMatchObject({ code: 0, out: expect.stringContaining('0 series') });
    expect(empty.out).toContain('not recorded yet');
    await seedHistory(env.PULSE_DATA_DIR, [{ resource: 'vm:1', metric: 'cpu', value: (t) => (t / 60_000) % 100 }], { days: 3, stepMs: 10_000 });
    const text = pulse(['db', 'stats'], env);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/metric history \(sqlite\): 1 series, database [\d.]+ [KM]B on disk/);
    expect(text.out).toMatch(/^raw\s+\d+\s+[\d,]+\s/m);
    const report = JSON.parse(pulse(['db', 'stats', '--json'], env).out);
    expect(report.series).toBe(1);
    const points = Object.fromEntries(report.tiers.map((t: { tier: string; points: number }) => [t.tier, t.points]));
    // Three days at 10 s ending now, raw kept for 24 h; the 1 h tier is rolled up once a day, so it
    // holds every hour up to the last midnight: at least two whole days, whatever the time of day.
    expect(points['1h']).toBeGreaterThanOrEqual(48);
    expect(points['1h']).toBeLessThanOrEqual(72);
    expect(points.raw).toBeGreaterThan(8000);
    expect(points.raw).toBeLessThan(3 * 8640);
  }, 60_000);
});
