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
  readonly kept: KeptPublications;
  ttlMs: number;
  lastUsedAt: number;
}

/**
 * A channel's kept publications: ascending by offset and always contiguous, because only the oldest
 * ones are ever dropped. Dropping one moves `#head` instead of copying the rest, and the array is
 * compacted once the dropped part outgrows the kept part, so a trim costs O(dropped) amortised
 * rather than O(kept) on every publish.
 */
class KeptPublications {
  #publications: (Publication | undefined)[] = [];
  /** each one's measured bytes, 0 when it was kept without a byte bound */
  #sizes: number[] = [];
  #head = 0;
  /** the sum of the kept publications' measured bytes */
  bytes = 0;

  get length(): number {
    return this.#publications.length - this.#head;
  }

  oldest(): Publication | undefined {
    return this.#publications[this.#head];
  }

  newest(): Publication | undefined {
    return this.length > 0 ? this.#publications.at(-1) : undefined;
  }

  /** the kept publications with an offset above `offset`, ascending */
  after(offset: number): Publication[] {
    const oldest = this.oldest();
    if (!oldest) return [];
    return this.#publications.slice(this.#head + Math.max(0, offset + 1 - oldest.offset)) as Publication[];
  }

  push(publication: Publication, bytes: number): void {
    this.#publications.push(publication);
    this.#sizes.push(bytes);
    this.bytes += bytes;
  }

  dropOldest(): void {
    this.bytes -= this.#sizes[this.#head] ?? 0;
    this.#publications[this.#head] = undefined;
    this.#head += 1;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#publications.length) {
      this.#publications = this.#publications.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Runs on every publish to a channel that keeps nothing (every resource:<id>, every poll): no new arrays. */
  clear(): void {
    this.#publications.length = 0;
    this.#sizes.length = 0;
    this.#head = 0;
    this.bytes = 0;
  }
}

const DEFAULT_META_TTL_MS = 3_600_000;
/** dropped slots a channel's kept array may hold before it is compacted */
const COMPACT_AFTER = 32;
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
    // measured before numbering: data JSON cannot encode (a cycle, a BigInt) fails the publish without using up an offset
    const bytes = history.size > 0 && history.maxBytes !== undefined ? jsonBytes(data) : 0;
    const now = this.#now();
    const stream = this.#stream(channel, now);
    stream.offset += 1;
    const publication: Publication = { channel, epoch: stream.epoch, offset: stream.offset, data, publishedAt: now };
    if (history.size > 0) {
      stream.kept.push(publication, bytes);
      this.#trim(stream, history, now);
    } else {
      stream.kept.clear();
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
      const publications = stream.kept.after(since.offset);
      // kept is contiguous and ends at the current offset, so only its start can leave a gap
      const recovered = since.offset === stream.offset || publications[0]?.offset === since.offset + 1;
      return { position, publications, recovered };
    }
    const latest = query.latest ? stream.kept.newest() : undefined;
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
      dropExpired(stream.kept, stream.ttlMs, now);
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
      stream = { epoch: randomBytes(9).toString('base64url'), offset: 0, kept: new KeptPublications(), ttlMs: 0, lastUsedAt: now };
      this.#streams.set(channel, stream);
    }
    stream.lastUsedAt = now;
    return stream;
  }

  /**
   * Applies the channel's current history options; a namespace may have shrunk them since. The
   * byte bound never drops the newest, so `latest` still answers when one publication outweighs it.
   */
  #trim(stream: ChannelStream, history: HistoryOptions, now: number): void {
    stream.ttlMs = history.ttlMs;
    const { kept } = stream;
    while (kept.length > history.size) kept.dropOldest();
    dropExpired(kept, history.ttlMs, now);
    if (history.maxBytes === undefined) return;
    while (kept.length > 1 && kept.bytes > history.maxBytes) kept.dropOldest();
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

function dropExpired(kept: KeptPublications, ttlMs: number, now: number): void {
  while (kept.length > 0 && kept.oldest()!.publishedAt + ttlMs <= now) kept.dropOldest();
}

/** JSON.stringify answers undefined for undefined (and functions), which JSON sends as nothing. */
function jsonBytes(data: unknown): number {
  const json = JSON.stringify(data) as string | undefined;
  return json === undefined ? 0 : Buffer.byteLength(json);
}

export function createMemoryBroker(options?: MemoryBrokerOptions): MemoryBroker {
  return new MemoryBroker(options);
}
