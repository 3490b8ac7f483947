import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxClient, type ProxmoxAuth, type ProxmoxClient, type ProxmoxTls } from './index.js';
import { json, makeTestCerts, refusedUrl, startServer, startSilentServer, type Handler, type TestCerts } from './testing/servers.js';

const TOKEN_SECRET = '7d0c1e55-token-secret-4f1a';
const PASSWORD = 'hunter2-password-secret';
const URL_PASSWORD = 'url-embedded-secret';

let certs: TestCerts;
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  certs = makeTestCerts();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

/** Everything a secret could leak through: messages, toString, JSON, inspection with causes, states, logs. */
function exposed(errors: unknown[], clients: ProxmoxClient[], logs: string[]): string {
  return [
    ...errors.flatMap((e) => [String(e), JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), (e as Error).stack ?? '']),
    ...clients.flatMap((c) => [JSON.stringify(c.endpoints()), inspect(c, { depth: 10, showHidden: true })]),
    ...logs,
  ].join('\n');
}

describe('secrets', () => {
  it('never appear in errors, endpoint states, inspection or log lines, whatever goes wrong', async () => {
    const logs: string[] = [];
    const logger = { warn: (obj: object, msg?: string) => logs.push(`${msg} ${JSON.stringify(obj)} ${inspect(obj, { depth: 10 })}`) };
    const errors: unknown[] = [];
    const clients: ProxmoxClient[] = [];
    const run = async (handler: Handler | 'refused' | 'silent', auth: ProxmoxAuth, tls: ProxmoxTls = { fingerprint: certs.selfA.fingerprint }, pair = certs.selfA) => {
      let url: string;
      if (handler === 'refused') url = await refusedUrl();
      else if (handler === 'silent') {
        const silent = await startSilentServer();
        cleanups.push(() => silent.close());
        url = silent.url;
      } else {
        const server = await startServer(pair, handler);
        cleanups.push(() => server.close());
        url = server.url;
      }
      const withCredentials = url.replace('https://', `https://root:${URL_PASSWORD}@`);
      const c = createProxmoxClient({ product: 'pve', endpoints: [withCredentials], auth, tls, timeoutMs: 200, logger });
      cleanups.push(() => c.close());
      clients.push(c);
      errors.push(await c.get('/nodes', { full: 1 }).then(() => 'resolved', (e: unknown) => e));
    };
    const token: ProxmoxAuth = { kind: 'token', tokenId: 'pulse@pve!monitor', secret: TOKEN_SECRET };
    const password: ProxmoxAuth = { kind: 'password', username: 'root@pam', password: PASSWORD };
    // A hostile or broken server that echoes what it got, in the status line and in the body.
    const echo = (status: number): Handler => (req, res) => {
      const got = `${req.headers.authorization ?? ''} ${req.body}`;
      res.writeHead(status, got.replace(/[^\x20-\x7e]/g, ''), { 'Content-Type': 'text/plain' });
      res.end(`not json ${got}`);
    };

    for (const auth of [token, password]) {
      await run(echo(401), auth);
      await run(echo(403), auth);
      await run(echo(503), auth);
      await run(echo(200), auth);
      await run((_req, res) => json(res, 595, { data: null }, 'no route to node'), auth);
      await run('refused', auth);
      await run('silent', auth);
      await run(echo(200), auth, {}); // tls_untrusted
      await run(echo(200), auth, { fingerprint: certs.selfB.fingerprint }); // mismatch
    }

    expect(errors).toHaveLength(18);
    const codes = errors.map((e) => (e as { code?: string }).code);
    expect(new Set(codes)).toEqual(new Set([
      'proxmox.unauthorized', 'proxmox.forbidden', 'proxmox.server_error', 'proxmox.bad_response', 'proxmox.node_offline',
      'proxmox.unreachable', 'proxmox.timeout', 'proxmox.tls_untrusted', 'proxmox.tls_fingerprint_mismatch',
    ]));
    expect(errors.every((e) => typeof (e as { endpoint?: unknown }).endpoint === 'string')).toBe(true);
    const text = exposed(errors, clients, logs);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [TOKEN_SECRET, PASSWORD, encodeURIComponent(PASSWORD), URL_PASSWORD]) expect(text).not.toContain(secret);
  });
});
