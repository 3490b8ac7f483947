import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config/index.js';
import { startPulse, type RunningPulse } from '../src/main.js';

export interface TestPulse {
  pulse: RunningPulse;
  url: string;
  dataDir: string;
  /** Creates the admin through the setup endpoint and returns its cookie and CSRF token. */
  setupAdmin(username?: string, password?: string): Promise<{ cookie: string; csrf: string }>;
  login(username: string, password: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export const ADMIN = { username: 'admin', password: 'correct-horse-battery' };

/** A whole Pulse on a free port with its own data directory: the same code `pulse serve` runs. */
export async function startTestPulse(options: { env?: Record<string, string>; dataDir?: string; now?: () => number } = {}): Promise<TestPulse> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pulse-test-'));
  const env = { PULSE_PORT: '0', PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir, PULSE_LOCAL_INTERVAL_MS: '250', ...options.env };
  const { config } = loadConfig(env, dataDir);
  const pulse = await startPulse({ config, env, logger: pino({ level: process.env.PULSE_TEST_LOG ?? 'silent' }), version: 'test', webRoot: join(dataDir, 'no-web'), ...(options.now ? { now: options.now } : {}) });
  const url = pulse.url;

  async function session(path: string, username: string, password: string) {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const body = (await res.json()) as { csrfToken: string };
    return { cookie, csrf: body.csrfToken };
  }

  return {
    pulse, url, dataDir,
    setupAdmin: (username = ADMIN.username, password = ADMIN.password) => session('/api/setup', username, password),
    login: (username, password) => session('/api/session', username, password),
    close: () => pulse.close(),
  };
}

/** Resolves once `check` returns a truthy value; fails with `what` after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
