import type { OutboundFrame } from './outbound-frame.js';

/** The transport a queue writes to (a WebSocket or an SSE response). */
export interface QueueSink {
  /** bytes the transport holds but has not yet handed to the kernel */
  backlogBytes(): number;
  /** true when the transport asked us to wait for 'drain' before writing more */
  isBackedUp(): boolean;
  onceDrained(callback: () => void): void;
  /** encoded size of a frame on this transport */
  sizeOf(frame: OutboundFrame): number;
  /** writes frames back to back, in one syscall where the transport allows */
  write(frames: readonly OutboundFrame[]): void;
}

export interface SendQueueOptions {
  maxBytes: number;
  /** the queue overflowed: the owner closes the connection as a slow consumer */
  onOverflow(): void;
  /** a queued publication was replaced by a newer one on the same latest-value channel */
  onDropped(): void;
  /** a batch went out; `oldestPublishedAt` is the earliest publication time in it, if any */
  onFlushed(frames: number, oldestPublishedAt: number | undefined): void;
}

interface Entry {
  frame: OutboundFrame;
  bytes: number;
}

/**
 * One connection's outbound frames. Frames due in the same tick go out together on setImmediate.
 * While the transport is backed up frames wait here, where a newer publication on a latest-value
 * channel replaces the unsent one (a slow client gets the newest sample, not a backlog). The bytes
 * held here plus the transport's own backlog never exceed `maxBytes`: past it, `onOverflow`.
 */
export class SendQueue {
  readonly #sink: QueueSink;
  readonly #options: SendQueueOptions;
  #entries: Entry[] = [];
  readonly #latestByChannel = new Map<string, Entry>();
  #queuedBytes = 0;
  #isScheduled = false;
  #isWaitingForDrain = false;
  #isClosed = false;
  #afterFlush: (() => void)[] = [];

  constructor(sink: QueueSink, options: SendQueueOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** `latestValueChannel`: the frame is a publication on a latest-value channel and may be coalesced. */
  push(frame: OutboundFrame, latestValueChannel?: string): void {
    if (this.#isClosed) return;
    if (latestValueChannel !== undefined && this.#isWaitingForDrain) {
      const queued = this.#latestByChannel.get(latestValueChannel);
      if (queued) {
        const bytes = this.#sink.sizeOf(frame);
        this.#queuedBytes += bytes - queued.bytes;
        queued.frame = frame;
        queued.bytes = bytes;
        this.#options.onDropped();
        return;
      }
    }
    const entry = { frame, bytes: this.#sink.sizeOf(frame) };
    this.#entries.push(entry);
    this.#queuedBytes += entry.bytes;
    if (latestValueChannel !== undefined) this.#latestByChannel.set(latestValueChannel, entry);
    if (this.#queuedBytes + this.#sink.backlogBytes() > this.#options.maxBytes) {
      this.close();
      this.#options.onOverflow();
      return;
    }
    this.#schedule();
  }

  /**
   * Calls back once what is queued now has been handed to the transport (at the next flush), or at
   * once when nothing is queued. Used to let an explaining error frame out before a close.
   */
  drainThen(callback: () => void): void {
    if (this.#isClosed || this.#entries.length === 0) {
      callback();
      return;
    }
    this.#afterFlush.push(callback);
    this.#schedule();
  }

  /** Discards everything unsent; later pushes are ignored. */
  close(): void {
    this.#isClosed = true;
    this.#afterFlush = [];
    this.#entries = [];
    this.#latestByChannel.clear();
    this.#queuedBytes = 0;
  }

  #schedule(): void {
    if (this.#isScheduled || this.#isWaitingForDrain) return;
    this.#isScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#isScheduled = false;
    if (this.#isClosed || this.#entries.length === 0) return;
    if (this.#sink.isBackedUp()) {
      this.#isWaitingForDrain = true;
      this.#sink.onceDrained(() => {
        this.#isWaitingForDrain = false;
        this.#flush();
      });
      return;
    }
    const entries = this.#entries;
    this.#entries = [];
    this.#latestByChannel.clear();
    this.#queuedBytes = 0;
    let oldest: number | undefined;
    const frames = entries.map((entry) => {
      const at = entry.frame.publishedAt;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
      return entry.frame;
    });
    this.#sink.write(frames);
    this.#options.onFlushed(frames.length, oldest);
    const callbacks = this.#afterFlush;
    this.#afterFlush = [];
    for (const callback of callbacks) callback();
  }
}
