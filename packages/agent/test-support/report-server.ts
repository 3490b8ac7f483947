import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { AgentReportBatch } from '@pulse/protocol';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** the body inflated and parsed as an AgentReportBatch, when it is one */
  batch?: AgentReportBatch;
}

export type Responder = (req: ReceivedRequest) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'reset';

export interface ReportServer {
  url: string;
  requests: ReceivedRequest[];
  /** every report the server accepted, in arrival order */
  accepted: AgentReportBatch['reports'];
  respond: Responder;
  close(): Promise<void>;
}

/**
 * A stand-in for Pulse's agent endpoints over real HTTP: it inflates and validates each report batch
 * with the protocol's schema and answers as `respond` says (200 with an AgentReportAnswer by default).
 */
export async function startReportServer(respond?: Responder): Promise<ReportServer> {
  const requests: ReceivedRequest[] = [];
  const accepted: AgentReportBatch['reports'] = [];
  const state: ReportServer = {
    url: '',
    requests,
    accepted,
    respond: respond ?? (() => ({ status: 200 })),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      if (req.headers['content-encoding'] === 'gzip') {
        const parsed = AgentReportBatch.safeParse(JSON.parse(gunzipSync(body).toString('utf8')));
        if (parsed.success) received.batch = parsed.data;
      }
      requests.push(received);
      const answer = state.respond(received);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      if (answer.status === 200 && received.batch) accepted.push(...received.batch.reports);
      const payload = answer.body ?? (received.batch ? { accepted: received.batch.reports.length, duplicates: 0, intervalMs: 1000 } : {});
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Polls a condition on the real clock (for HTTP round trips), failing after timeoutMs. */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
