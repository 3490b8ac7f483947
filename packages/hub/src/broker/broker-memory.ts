import { randomBytes } from 'node:crypto';
import type { ClientInfo, StreamPosition } from '@pulse/protocol';
import type { Broker, BrokerHandlers, HistoryOptions, HistoryQuery, HistoryResult, HubLogger, Publication } from '../types.js';

export interface MemoryBrokerOptions {
  /**
   * How long a channel that keeps nothing may stay idle (no publish, no history read) before its
   * epoch and offset are forgotten; the next use starts a new epoch. Default 1 h.
   */
  metaTtlMs?: number;
  logger?: HubLogger;
  now?: () => number;
}

interface ChannelStream {
  readonly epoch: string;
  offset: number;
  /** ascending by offset and always contiguous: only the oldest ones are ever dropped */
  kept: Publication[];
  ttlMs: number;
  lastUsedAt: number;
}

const DEFAULT_META_TTL_MS = 3_600_000;
const silentLogger: HubLogger = { debug() {}, info() {}, warn() {} };

/**
 * The single-process broker: numbers, keeps and delivers publications in memory. Delivery is
 * synchronous — `onPublication` has run by the time `publish` resolves — so publications reach
 * subscribers in publish order. Kept data is held by reference: do not mutate it after publishing.
 */
export class MemoryBroker implements Broker {
  readonly #streams = new Map<string, ChannelStream>();
  readonly #metaTtlMs: number;
  readonly #logger: HubLogger;
  readonly #now: () => number;
  #handlers: BrokerHandlers | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: MemoryBrokerOptions = {}) {
    this.#metaTtlMs = options.metaTtlMs ?? DEFAULT_META_TTL_MS;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  async start(handlers: BrokerHandlers): Promise<void> {
    this.#handlers = handlers;
    // unref: a forgotten close() must not keep the process alive just to sweep
    this.#sweepTimer ??= setInterval(() => this.forgetIdleChannels(), Math.min(this.#metaTtlMs, 60_000)).unref();
  }

  async publish(channel: string, data: unknown, history: HistoryOptions): Promise<StreamPosition> {
    const handlers = this.#started();
    const now = this.#now();
    const stream = this.#stream(channel, now);
    stream.offset += 1;
    const publication: Publication = { channel, epoch: stream.epoch, offset: stream.offset, data, publishedAt: now };
    if (history.size > 0) {
      stream.kept.push(publication);
      this.#trim(stream, history, now);
    } else {
      stream.kept = [];
    }
    this.#deliver('publication', channel, () => handlers.onPublication(publication));
    return { epoch: stream.epoch, offset: stream.offset };
  }

  async publishJoin(channel: string, info: ClientInfo): Promise<void> {
    const handlers = this.#started();
    this.#deliver('join', channel, () => handlers.onJoin(channel, info));
  }

  async publishLeave(channel: string, info: ClientInfo): Promise<void> {
    const handlers = this.#started();
    this.#deliver('leave', channel, () => handlers.onLeave(channel, info));
  }

  // Every publication already reaches this process: interest changes nothing here.
  async addInterest(_channel: string): Promise<void> {}
  async removeInterest(_channel: string): Promise<void> {}

  async history(channel: string, query: HistoryQuery, history: HistoryOptions): Promise<HistoryResult> {
    const now = this.#now();
    const stream = this.#stream(channel, now);
    this.#trim(stream, history, now);
    const position = { epoch: stream.epoch, offset: stream.offset };
    const { since } = query;
    if (since) {
      if (since.epoch !== stream.epoch || since.offset > stream.offset) return { position, publications: [], recovered: false };
      const publications = stream.kept.filter((p) => p.offset > since.offset);
      // kept is contiguous and ends at the current offset, so only its start can leave a gap
      const recovered = since.offset === stream.offset || publications[0]?.offset === since.offset + 1;
      return { position, publications, recovered };
    }
    const latest = query.latest ? stream.kept.at(-1) : undefined;
    return { position, publications: latest ? [latest] : [], recovered: false };
  }

  /**
   * Forgets channels that keep nothing (or whose kept publications all expired) and were idle for
   * `metaTtlMs`, so channel names seen once do not accumulate forever. Runs on a timer; public so
   * a test can drive it with an injected clock.
   */
  forgetIdleChannels(): void {
    const now = this.#now();
    for (const [channel, stream] of this.#streams) {
      stream.kept = stream.kept.filter((p) => p.publishedAt + stream.ttlMs > now);
      if (stream.kept.length === 0 && now - stream.lastUsedAt >= this.#metaTtlMs) this.#streams.delete(channel);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#streams.clear();
    this.#handlers = undefined;
  }

  #started(): BrokerHandlers {
    if (!this.#handlers) throw new Error('MemoryBroker is not started: call start(handlers) before publishing');
    return this.#handlers;
  }

  #stream(channel: string, now: number): ChannelStream {
    let stream = this.#streams.get(channel);
    if (!stream) {
      stream = { epoch: randomBytes(9).toString('base64url'), offset: 0, kept: [], ttlMs: 0, lastUsedAt: now };
      this.#streams.set(channel, stream);
    }
    stream.lastUsedAt = now;
    return stream;
  }

  /** Applies the channel's current history options; a namespace may have shrunk them since. */
  #trim(stream: ChannelStream, history: HistoryOptions, now: number): void {
    stream.ttlMs = history.ttlMs;
    let drop = Math.max(0, stream.kept.length - history.size);
    while (drop < stream.kept.length && stream.kept[drop]!.publishedAt + history.ttlMs <= now) drop += 1;
    if (drop > 0) stream.kept = stream.kept.slice(drop);
  }

  /** A throwing handler is the hub's bug; the publication is already numbered and kept, so log and go on. */
  #deliver(kind: string, channel: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#logger.warn({ err, channel, kind }, 'broker handler threw');
    }
  }
}

export function createMemoryBroker(options?: MemoryBrokerOptions): MemoryBroker {
  return new MemoryBroker(options);
}
