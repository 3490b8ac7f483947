import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/* What the browser tests share: the built server as a child process and Debian's Chromium. */

export const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CHROMIUM = process.env.PULSE_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const shots = join(root, 'test-results/e2e');
export const cli = join(root, 'packages/server/dist/cli.js');

/** Fails early, with what to do, when a run would otherwise test stale or missing builds. */
export function assertBuilt(): void {
  if (!hasChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium).`);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build).`);
  if (!existsSync(join(root, 'packages/web/dist/index.html'))) throw new Error('packages/web/dist is missing: build first (npm run build).');
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export async function waitForHealth(base: string, server: ChildProcess, log: () => string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`pulse serve exited with ${server.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`pulse serve did not answer /api/health within ${deadlineMs} ms:\n${log()}`);
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output: () => string;
}

/** `pulse serve` from the build, answering health checks. */
export async function startServer(env: NodeJS.ProcessEnv, base: string): Promise<ServerProcess> {
  let output = '';
  const child = spawn(process.execPath, [cli, 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitForHealth(base, child, () => output);
  return { child, base, output: () => output };
}

export async function stop(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A signed-in API session: the session cookie and the CSRF token mutations send. */
export interface ApiSession {
  cookie: string;
  csrf: string;
}

/** Creates the first admin through `POST /api/setup` (or signs in with `/api/session`). */
export async function apiSession(base: string, credentials: { username: string; password: string }, path: '/api/setup' | '/api/session' = '/api/setup'): Promise<ApiSession> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

/** A JSON call as that session; throws with the server's answer on anything but 2xx. */
export async function apiCall<T>(base: string, session: ApiSession, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Signs in through the login page and waits for the app. */
export async function signIn(page: Page, base: string, credentials: { username: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(credentials.username);
  await page.getByTestId('login-password').fill(credentials.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('infrastructure-page').waitFor();
}

/**
 * A monitored service for the e2e tests: answers at once with `body`, on a port it can give up and
 * take back (stop closes the port, so a check is refused rather than left waiting).
 */
export function createRestartableTarget(port: number, answer: { contentType: string; body: string }) {
  let server: Server | undefined;
  return {
    url: `http://127.0.0.1:${port}/health`,
    async start() {
      server = createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': answer.contentType });
        res.end(answer.body);
      });
      await new Promise<void>((ok, fail) => {
        server!.once('error', fail);
        server!.listen(port, '127.0.0.1', ok);
      });
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((ok) => s.close(() => ok()));
      s.closeAllConnections();
      await closed;
    },
  };
}
