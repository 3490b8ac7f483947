import type { AgentLogger } from './logger.js';
import type { ReportSpool, SpooledReport } from './report-spool.js';

export interface ReportBufferOptions {
  /** compressed bytes kept at most; past it the oldest reports go first */
  maxBytes: number;
  /** disk copy for outages; without it the buffer lives in memory only */
  spool?: ReportSpool;
  logger: AgentLogger;
}

export interface BatchLimits {
  reports: number;
  gzBytes: number;
  rawBytes: number;
}

/**
 * Reports waiting for the server, oldest first, bounded by compressed bytes. While the server
 * answers, a report lives here only between sampling and its acknowledgement and nothing touches
 * the disk; once a send fails (`persist()`), everything waiting and everything after it is also
 * spooled, until the buffer is empty again.
 */
export class ReportBuffer {
  readonly #maxBytes: number;
  readonly #spool: ReportSpool | undefined;
  readonly #logger: AgentLogger;
  #items: SpooledReport[] = [];
  #head = 0;
  #bytes = 0;
  #dropped = 0;
  #droppedThisOutage = 0;
  #persisting = false;

  constructor(options: ReportBufferOptions) {
    this.#maxBytes = options.maxBytes;
    this.#spool = options.spool;
    this.#logger = options.logger;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** compressed bytes held */
  get bytes(): number {
    return this.#bytes;
  }

  /** reports dropped because the buffer was full, since start */
  get dropped(): number {
    return this.#dropped;
  }

  /** Takes back what an earlier run spooled; returns how many reports that was. */
  restore(): number {
    if (!this.#spool) return 0;
    const restored = this.#spool.load();
    for (const report of restored) this.#append(report);
    this.#trim();
    if (this.length > 0) this.#persisting = true;
    return restored.length;
  }

  push(report: SpooledReport): void {
    this.#append(report);
    if (this.#persisting) this.#spool?.append([report]);
    this.#trim();
  }

  /** The server is unreachable: keep what waits (and what comes) on disk until the buffer empties. */
  persist(): void {
    this.#persisting = true;
    this.#spool?.append(this.#items.slice(this.#head));
  }

  /** The oldest reports that fit in one request; always at least one, so an oversize report is tried (and refused) alone. */
  peek(limits: BatchLimits): SpooledReport[] {
    const batch: SpooledReport[] = [];
    let gzBytes = 0;
    let rawBytes = 0;
    for (let i = this.#head; i < this.#items.length && batch.length < limits.reports; i++) {
      const report = this.#items[i]!;
      gzBytes += report.gz.length;
      rawBytes += report.rawBytes;
      if (batch.length > 0 && (gzBytes > limits.gzBytes || rawBytes > limits.rawBytes)) break;
      batch.push(report);
    }
    return batch;
  }

  /** Removes the oldest `count` reports: acknowledged, or refused for good. */
  remove(count: number): void {
    for (let i = 0; i < count && this.length > 0; i++) this.#shift();
    if (this.length === 0) {
      this.#items = [];
      this.#head = 0;
      this.#persisting = false;
      if (this.#droppedThisOutage > 0) {
        this.#logger.warn({ dropped: this.#droppedThisOutage, droppedSinceStart: this.#dropped }, 'buffer: caught up; the oldest reports of that outage were dropped because the buffer was full');
      }
      this.#droppedThisOutage = 0;
    }
  }

  #append(report: SpooledReport): void {
    this.#items.push(report);
    this.#bytes += report.gz.length;
  }

  #shift(): SpooledReport {
    const report = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined as unknown as SpooledReport;
    this.#bytes -= report.gz.length;
    this.#spool?.release(report);
    // Compact now and then instead of Array#shift, which copies the whole array every time.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return report;
  }

  #trim(): void {
    while (this.#bytes > this.#maxBytes && this.length > 1) {
      this.#shift();
      this.#dropped++;
      if (this.#droppedThisOutage++ === 0) {
        this.#logger.warn({ maxBytes: this.#maxBytes }, 'buffer: full; dropping the oldest reports until the server answers again (raise buffer.maxBytes to keep more)');
      }
    }
  }
}
