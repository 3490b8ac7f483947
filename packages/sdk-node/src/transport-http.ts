import type { ApmBatch } from '@pulse/protocol';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { HttpTransportConfig, SendOutcome, Transport } from './transport.js';

const gzip = promisify(gzipCb);
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * POSTs each batch as JSON to `<endpoint>/api/apm/ingest`. 2xx: sent; 429 and 5xx: try again
 * later (honouring Retry-After); any other 4xx: the batch is refused for good (bad token, invalid
 * batch) and sending it again would not help. One request at a time over a keep-alive socket.
 */
export function createHttpTransport(config: HttpTransportConfig): Transport {
  const url = new URL(`${config.endpoint.replace(/\/+$/, '')}/api/apm/ingest`);
  const isHttps = url.protocol === 'https:';
  const agent = isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const request = isHttps ? httpsRequest : httpRequest;

  async function send(batch: ApmBatch, hold = false): Promise<SendOutcome> {
    try {
      let body: Buffer = Buffer.from(JSON.stringify(batch));
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        authorization: `Bearer ${config.token}`,
      };
      if (config.gzip) {
        body = await gzip(body);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = body.length;
      return await post(body, headers, hold || !config.unref);
    } catch (error) {
      return { outcome: 'retry', error };
    }
  }

  function post(body: Buffer, headers: Record<string, string | number>, hold: boolean): Promise<SendOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (o: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      const req = request(url, { method: 'POST', agent, headers });
      // a whole-request deadline: the socket timeout alone misses a receiver that trickles bytes
      const deadline = setTimeout(() => req.destroy(new Error(`no answer from ${url.origin} within ${config.timeoutMs} ms`)), config.timeoutMs);
      if (!hold) {
        deadline.unref();
        // a background send must never keep the application alive, not even while in flight
        req.on('socket', (socket) => socket.unref());
      }
      req.on('error', (error) => settle({ outcome: 'retry', error }));
      req.on('response', (res: IncomingMessage) => {
        res.resume();
        res.on('error', (error) => settle({ outcome: 'retry', error }));
        res.on('end', () => settle(outcomeOf(res)));
      });
      req.end(body);
    });
  }

  return {
    send,
    async close() {
      agent.destroy();
    },
  };
}

function outcomeOf(res: IncomingMessage): SendOutcome {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { outcome: 'ok' };
  const error = new Error(`Pulse ingest answered ${status} ${res.statusMessage ?? ''}`.trim());
  if (status === 429 || status >= 500) {
    const o: SendOutcome = { outcome: 'retry', error };
    const after = Number(res.headers['retry-after']);
    if (Number.isFinite(after) && after > 0) o.retryAfterMs = Math.min(after * 1000, MAX_RETRY_AFTER_MS);
    return o;
  }
  return { outcome: 'drop', error };
}
