import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@pulse/protocol';
import type { ChannelDirectory, Subscriber } from './channels.js';
import type { HubCounters } from './counters.js';
import { OutboundFrame } from './outbound-frame.js';
import type { DisconnectReason, HubLogger, Principal } from './types.js';

export interface SseConnectionDeps {
  channels: ChannelDirectory;
  counters: HubCounters;
  logger: HubLogger;
  now: () => number;
  keepaliveMs: number;
  maxQueueBytes: number;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back indefinitely.
  'x-accel-buffering': 'no',
} as const;

/**
 * One Server-Sent Events stream: a fixed set of channels chosen by the request, read-only. Each
 * event's `data:` is exactly the JSON a `pulse.v1.json` WebSocket would receive.
 */
export class SseConnection implements Subscriber {
  readonly id: string;
  readonly closed: Promise<void>;
  readonly #res: ServerResponse;
  readonly #principal: Principal;
  readonly #deps: SseConnectionDeps;
  readonly #keepalive: NodeJS.Timeout;
  readonly #openedAt: number;
  #closeReason: DisconnectReason | undefined;
  #isFinished = false;

  constructor(id: string, req: IncomingMessage, res: ServerResponse, principal: Principal, deps: SseConnectionDeps) {
    this.id = id;
    this.#res = res;
    this.#principal = principal;
    this.#deps = deps;
    this.#openedAt = deps.now();
    deps.counters.opened();

    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    // Proxies and browsers drop streams that stay silent; a comment line keeps them open.
    this.#keepalive = setInterval(() => this.#write(': keepalive\n\n', 'keepalive'), deps.keepaliveMs);
    this.#keepalive.unref();

    this.closed = new Promise((resolve) => {
      const finish = (): void => {
        if (this.#isFinished) return;
        this.#isFinished = true;
        clearInterval(this.#keepalive);
        deps.channels.unsubscribeAll(this);
        const reason = this.#closeReason ?? 'client_closed';
        deps.counters.closed(reason);
        deps.logger.debug({ connectionId: id, principal: principal.id, reason, durationMs: deps.now() - this.#openedAt }, 'sse stream closed');
        resolve();
      };
      // Either side may notice first: req when the client goes away, res when we end the stream.
      req.on('close', finish);
      res.on('close', finish);
    });
  }

  /** Subscribes to each channel; a channel that fails gets an error event and the rest go on. */
  start(channels: readonly string[]): void {
    let subscribed = 0;
    for (const channel of channels) {
      const outcome = isSafeChannelName(channel)
        ? this.#deps.channels.subscribe(this, this.#principal, channel)
        : { ok: false as const, code: ErrorCodes.unknownChannel, message: 'A channel name is 1-255 characters without line breaks.' };
      if (!outcome.ok) {
        const error = new OutboundFrame({ type: 'error', code: outcome.code, message: outcome.message });
        this.#write(`event: error\ndata: ${error.jsonText()}\n\n`, 'error');
        continue;
      }
      subscribed += 1;
      if (outcome.snapshot) this.deliver(outcome.snapshot);
    }
    if (subscribed === 0) this.#end('error');
  }

  deliver(frame: OutboundFrame): void {
    const { frame: body } = frame;
    const id = body.type === 'pub' || body.type === 'snapshot' ? `id: ${body.channel}:${body.offset}\n` : '';
    this.#write(`event: ${body.type}\n${id}data: ${frame.jsonText()}\n\n`, 'frame');
  }

  get principal(): Principal {
    return this.#principal;
  }

  revoke(): void {
    this.#end('revoked');
  }

  shutdown(): Promise<void> {
    this.#end('going_away');
    return this.closed;
  }

  #write(chunk: string, kind: 'frame' | 'error' | 'keepalive'): void {
    const res = this.#res;
    if (this.#closeReason || res.writableEnded || res.destroyed) return;
    if (res.writableLength > this.#deps.maxQueueBytes) {
      this.#deps.logger.info({ connectionId: this.id, principal: this.#principal.id, bufferedBytes: res.writableLength }, 'dropping slow sse consumer');
      this.#end('slow_consumer');
      return;
    }
    res.write(chunk);
    if (kind !== 'keepalive') this.#deps.counters.sent(Buffer.byteLength(chunk), kind === 'error');
  }

  #end(why: DisconnectReason): void {
    if (this.#closeReason) return;
    this.#closeReason = why;
    this.#deps.channels.unsubscribeAll(this);
    // A stream stuck behind a full buffer would never finish ending; cut it instead.
    if (this.#res.writableLength > this.#deps.maxQueueBytes) this.#res.destroy();
    else this.#res.end();
  }
}

/**
 * Channel names land on the `id:` line of the stream, and a prefix rule ('resource:*') would accept
 * any suffix, so a name carrying a line break could forge event fields.
 */
function isSafeChannelName(channel: string): boolean {
  return channel.length > 0 && channel.length <= 255 && !/[\r\n]/.test(channel);
}
