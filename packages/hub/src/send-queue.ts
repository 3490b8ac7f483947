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

/**
 * Flushes every queue that has frames due, once per event-loop turn: one `setImmediate` for the
 * whole hub instead of one per connection (with thousands of connections that timer churn showed
 * in the garbage collector). A turn that keeps publishing to new connections for longer than
 * `maxDelayMs` (a catch-up burst on a busy loop) flushes what is due right away, so batching never
 * holds the first frames of a long turn back for the whole turn.
 */
export class FlushScheduler {
  #due = new Set<SendQueue>();
  #isScheduled = false;
  #firstDueAt = 0;
  readonly #maxDelayMs: number;
  readonly #run = (): void => {
    this.#isScheduled = false;
    this.#flushDue();
  };

  constructor(maxDelayMs = 2) {
    this.#maxDelayMs = maxDelayMs;
  }

  schedule(queue: SendQueue): void {
    this.#due.add(queue);
    if (!this.#isScheduled) {
      this.#isScheduled = true;
      this.#firstDueAt = performance.now();
      setImmediate(this.#run);
    } else if (performance.now() - this.#firstDueAt > this.#maxDelayMs) {
      this.#firstDueAt = performance.now();
      this.#flushDue();
    }
  }

  #flushDue(): void {
    const due = this.#due;
    this.#due = new Set();
    for (const queue of due) queue.flush();
  }
}

/** Most forgiven bytes (see `#allowance`) one connection may have in flight beyond `maxBytes`. */
export const MAX_ALLOWANCE = 64 * 1024 * 1024;

/**
 * One connection's outbound frames. Frames due in the same tick go out together on setImmediate.
 * While the transport is backed up frames wait here, where a newer publication on a latest-value
 * channel replaces the unsent one (a slow client gets the newest sample, not a backlog). The bytes
 * held here plus the transport's own backlog never exceed `maxBytes`: past it, `onOverflow`.
 */
export class SendQueue {
  readonly #sink: QueueSink;
  readonly #options: SendQueueOptions;
  readonly #scheduler: FlushScheduler;
  // Parallel arrays, swapped with a spare pair on each flush, so a delivery allocates nothing.
  #frames: OutboundFrame[] = [];
  #sizes: number[] = [];
  #spareFrames: OutboundFrame[] = [];
  #spareSizes: number[] = [];
  /** index in #frames of each latest-value channel's unsent publication */
  readonly #latestByChannel = new Map<string, number>();
  #queuedBytes = 0;
  /**
   * Bytes forgiven while they drain: a snapshot (the answer to the client's own subscribe), or a
   * frame that found nothing pending. Either may alone exceed `maxBytes` (thousands of resources
   * in one diff) without the client being slow; what piles up behind it still counts. It shrinks
   * as the transport drains, and is capped.
   */
  #allowance = 0;
  #isScheduled = false;
  #isWaitingForDrain = false;
  #isClosed = false;
  #afterFlush: (() => void)[] = [];

  constructor(sink: QueueSink, options: SendQueueOptions, scheduler: FlushScheduler) {
    this.#sink = sink;
    this.#options = options;
    this.#scheduler = scheduler;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** `latestValueChannel`: the frame is a publication on a latest-value channel and may be coalesced. */
  push(frame: OutboundFrame, latestValueChannel?: string): void {
    if (this.#isClosed) return;
    if (latestValueChannel !== undefined && this.#isWaitingForDrain) {
      const index = this.#latestByChannel.get(latestValueChannel);
      if (index !== undefined) {
        const bytes = this.#sink.sizeOf(frame);
        this.#queuedBytes += bytes - this.#sizes[index]!;
        this.#frames[index] = frame;
        this.#sizes[index] = bytes;
        this.#options.onDropped();
        return;
      }
    }
    const bytes = this.#sink.sizeOf(frame);
    const before = this.#queuedBytes + this.#sink.backlogBytes();
    if (latestValueChannel !== undefined) this.#latestByChannel.set(latestValueChannel, this.#frames.length);
    this.#frames.push(frame);
    this.#sizes.push(bytes);
    this.#queuedBytes += bytes;
    const pending = before + bytes;
    if (before === 0 || frame.frame.type === 'snapshot') this.#allowance = Math.min(this.#allowance + bytes, MAX_ALLOWANCE);
    this.#allowance = Math.min(this.#allowance, pending);
    if (pending - this.#allowance > this.#options.maxBytes) {
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
    if (this.#isClosed || this.#frames.length === 0) {
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
    this.#frames = [];
    this.#sizes = [];
    this.#latestByChannel.clear();
    this.#queuedBytes = 0;
  }

  #schedule(): void {
    if (this.#isScheduled || this.#isWaitingForDrain) return;
    this.#isScheduled = true;
    this.#scheduler.schedule(this);
  }

  /** Writes what is due (called by the scheduler, or when the transport drained). */
  flush(): void {
    this.#isScheduled = false;
    if (this.#isClosed || this.#frames.length === 0) return;
    if (this.#sink.isBackedUp()) {
      this.#isWaitingForDrain = true;
      this.#sink.onceDrained(() => {
        this.#isWaitingForDrain = false;
        this.flush();
      });
      return;
    }
    const frames = this.#frames;
    this.#frames = this.#spareFrames;
    this.#sizes.length = 0;
    [this.#sizes, this.#spareSizes] = [this.#spareSizes, this.#sizes];
    this.#latestByChannel.clear();
    this.#queuedBytes = 0;
    let oldest: number | undefined;
    for (const frame of frames) {
      const at = frame.publishedAt;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    this.#sink.write(frames);
    this.#options.onFlushed(frames.length, oldest);
    frames.length = 0;
    this.#spareFrames = frames;
    const callbacks = this.#afterFlush;
    if (callbacks.length === 0) return;
    this.#afterFlush = [];
    for (const callback of callbacks) callback();
  }
}
