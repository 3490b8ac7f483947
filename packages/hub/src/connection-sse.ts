import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientInfo, StreamPosition } from '@pulse/protocol';
import type { HubCounters } from './counters.js';
import { OutboundFrame } from './outbound-frame.js';
import type { Router, Subscriber } from './router.js';
import { SendQueue, type FlushScheduler } from './send-queue.js';
import { decodeCursor, encodeCursor } from './sse-cursor.js';
import type { DisconnectReason, HubLogger, Principal } from './types.js';

export interface SseConnectionDeps {
  router: Router;
  counters: HubCounters;
  logger: HubLogger;
  now: () => number;
  keepaliveMs: number;
  maxQueueBytes: number;
  onFlushed: (frames: number, oldestPublishedAt: number | undefined) => void;
  scheduler: FlushScheduler;
  release: () => void;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back indefinitely.
  'x-accel-buffering': 'no',
} as const;

/** Rough per-event overhead (event/id lines) for the queue bound; the id grows with channels. */
const EVENT_OVERHEAD_BYTES = 64;

/**
 * One Server-Sent Events stream: a fixed set of channels chosen by the request, read-only. Each
 * event's `data:` is exactly the JSON a `pulse.v1.json` WebSocket would receive; positional events
 * carry an `id:` cursor naming every channel's position, which the browser returns as
 * Last-Event-ID when it reconnects.
 */
export class SseConnection implements Subscriber {
  readonly id: string;
  readonly principal: Principal;
  readonly info: ClientInfo;
  readonly closed: Promise<void>;
  readonly queue: SendQueue;
  readonly #res: ServerResponse;
  readonly #deps: SseConnectionDeps;
  readonly #keepalive: NodeJS.Timeout;
  readonly #openedAt: number;
  readonly #positions = new Map<string, StreamPosition>();
  #closeReason: DisconnectReason | undefined;
  #isFinished = false;

  constructor(id: string, req: IncomingMessage, res: ServerResponse, principal: Principal, deps: SseConnectionDeps) {
    this.id = id;
    this.principal = principal;
    this.info = { client: id, user: principal.id, name: principal.name, transport: 'sse' };
    this.#res = res;
    this.#deps = deps;
    this.#openedAt = deps.now();
    deps.counters.opened();

    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    this.queue = new SendQueue({
      backlogBytes: () => res.writableLength,
      isBackedUp: () => res.writableNeedDrain,
      onceDrained: (callback) => res.once('drain', callback),
      sizeOf: (frame) => Buffer.byteLength(frame.jsonText()) + EVENT_OVERHEAD_BYTES,
      write: (frames) => this.#write(frames),
    }, {
      maxBytes: deps.maxQueueBytes,
      onOverflow: () => {
        deps.logger.info({ connectionId: id, principal: principal.id, bufferedBytes: res.writableLength }, 'ending slow sse consumer');
        this.#end('slow_consumer');
      },
      onDropped: () => { deps.counters.dropped += 1; },
      onFlushed: deps.onFlushed,
    }, deps.scheduler);
    // Proxies and browsers drop streams that stay silent; a comment line keeps them open.
    this.#keepalive = setInterval(() => {
      if (!this.#closeReason && !res.writableNeedDrain) res.write(': keepalive\n\n');
    }, deps.keepaliveMs);
    this.#keepalive.unref();

    this.closed = new Promise((resolve) => {
      const finish = (): void => {
        if (this.#isFinished) return;
        this.#isFinished = true;
        clearInterval(this.#keepalive);
        this.queue.close();
        deps.router.unsubscribeAll(this);
        const reason = this.#closeReason ?? 'client_closed';
        deps.counters.closed(reason, 0);
        deps.release();
        deps.logger.debug({ connectionId: id, principal: principal.id, reason, durationMs: deps.now() - this.#openedAt }, 'sse stream closed');
        resolve();
      };
      // Either side may notice first: req when the client goes away, res when we end the stream.
      req.on('close', finish);
      res.on('close', finish);
    });
  }

  get isClosed(): boolean {
    return this.#closeReason !== undefined || this.#isFinished;
  }

  /**
   * Subscribes to each channel, resuming from `lastEventId` where it names the channel. A channel
   * that fails gets an error event and the rest go on; when none succeeds the stream ends.
   */
  async start(channels: readonly string[], lastEventId: string | undefined): Promise<void> {
    const resumeFrom = decodeCursor(lastEventId);
    const outcomes = await Promise.all([...new Set(channels)].map(async (channel) => {
      const outcome = await this.#deps.router.subscribe(this, { channel, since: resumeFrom.get(channel) });
      if (!outcome.ok) this.sendError(outcome.code, outcome.message, channel);
      return outcome.ok;
    }));
    if (!outcomes.includes(true)) setImmediate(() => this.#end('error'));
  }

  send(frame: OutboundFrame, latestValueChannel?: string): void {
    if (this.isClosed) return;
    this.queue.push(frame, latestValueChannel);
  }

  sendError(code: string, message: string, channel?: string): void {
    this.#deps.counters.error(code);
    this.send(new OutboundFrame({ type: 'error', code, message, channel }));
  }

  revoke(): void {
    this.#end('revoked');
  }

  shutdown(): Promise<void> {
    this.#end('going_away');
    return this.closed;
  }

  #write(frames: readonly OutboundFrame[]): void {
    const res = this.#res;
    if (res.writableEnded || res.destroyed) return;
    let chunk = '';
    for (const frame of frames) {
      const body = frame.frame;
      let id = '';
      if ((body.type === 'pub' || body.type === 'snapshot' || body.type === 'ack') && body.epoch !== undefined && body.offset !== undefined) {
        this.#positions.set(body.channel!, { epoch: body.epoch, offset: body.offset });
        id = `id: ${encodeCursor(this.#positions)}\n`;
      }
      chunk += `event: ${body.type}\n${id}data: ${frame.jsonText()}\n\n`;
    }
    res.write(chunk);
    this.#deps.counters.sent(frames.length, Buffer.byteLength(chunk));
  }

  #end(why: DisconnectReason): void {
    if (this.#closeReason) return;
    this.#closeReason = why;
    this.#deps.router.unsubscribeAll(this);
    // A stream stuck behind a full buffer would never finish ending; cut it instead.
    const res = this.#res;
    if (res.writableNeedDrain || why === 'slow_consumer') res.destroy();
    else {
      // Frames queued for this tick (an error event, say) go out before the stream ends.
      setImmediate(() => res.end());
    }
  }
}
