import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, Notification } from '@pulse/protocol';

/** Test support: a real HTTP receiver on 127.0.0.1 that records each request and answers as told. */

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
export type Answer = { status?: number; headers?: Record<string, string>; body?: string } | 'hang';

export async function startReceiver(answer: (req: Received, index: number) => Answer = () => ({})) {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      for (const w of waiters.filter((w) => requests.length >= w.count)) w.resolve();
      const reply = answer(received, requests.length - 1);
      if (reply === 'hang') {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** resolves once `count` requests have arrived */
    received: (count: number) => new Promise<void>((resolve) => {
      if (requests.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
    json: (i: number) => JSON.parse(requests[i]!.body) as Record<string, any>,
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'builtin:cpu:host:pve1', ruleId: 'builtin:cpu', ruleName: 'CPU high', resourceId: 'host:pve1', resourceName: 'pve1 <prod> & "main"',
    severity: 'critical', state: 'firing', message: 'CPU 97 % (trigger 90 %)', value: 97, pendingSince: 1_700_000_000_000, firedAt: 1_700_000_300_000, flapping: false,
    ...overrides,
  };
}

export function sampleNotification(kind: Notification['kind'] = 'firing', overrides: Partial<Notification> = {}): Notification {
  return {
    id: `rule:builtin:cpu:host:pve1:${kind}:1700000300000`, kind, severity: 'critical', title: 'CPU high on pve1', summary: 'CPU 97 % on pve1 for 5 min',
    at: 1_700_000_300_000, alerts: [sampleAlert(kind === 'resolved' ? { state: 'resolved', resolvedAt: 1_700_000_900_000 } : {})],
    suppressed: [{ resourceId: 'ct:101', resourceName: 'ct101', ruleName: 'Offline' }], url: 'https://pulse.example/alerts?id=1',
    ...overrides,
  };
}
