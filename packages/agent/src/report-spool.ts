import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLogger } from './logger.js';
import type { EncodedReport } from './report-encoding.js';

/** One spool file and how many of its reports are still waiting; deleted when none are. */
export interface SpoolSegment {
  readonly path: string;
  pending: number;
}

export interface SpooledReport extends EncodedReport {
  /** the segment that holds this report on disk, if it has been spooled */
  segment?: SpoolSegment;
}

export interface ReportSpoolOptions {
  dir: string;
  logger: AgentLogger;
  /** a segment is closed past this size, so acknowledged reports free disk in steps */
  maxSegmentBytes?: number;
}

const RECORD_HEADER = 8;
const SEGMENT_NAME = /^(\d{12})\.spool$/;
const isGzip = (b: Buffer) => b.length >= 18 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Reports waiting for the server, on disk, so an agent restart during an outage loses none. Files
 * are `<12-digit index>.spool`, oldest first, each a run of records `[u32 gz length][u32 JSON
 * length][gzip member]`. Nothing keeps track of acknowledgements inside a segment: the whole file
 * goes once all its reports are sent, and a restart in between resends a few the server already has,
 * which it acknowledges as duplicates (same runId and seq).
 */
export class ReportSpool {
  readonly #dir: string;
  readonly #logger: AgentLogger;
  readonly #maxSegmentBytes: number;
  #current: { segment: SpoolSegment; bytes: number } | undefined;
  #nextIndex = 1;
  #failing = false;
  #hasDir = false;

  constructor(options: ReportSpoolOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#maxSegmentBytes = options.maxSegmentBytes ?? 1024 * 1024;
  }

  /** Every spooled report, oldest first. A torn record (a crash mid-write) ends its segment. */
  load(): SpooledReport[] {
    this.#ensureDir();
    const names = readdirSync(this.#dir).filter((name) => SEGMENT_NAME.test(name)).sort();
    const reports: SpooledReport[] = [];
    for (const name of names) {
      this.#nextIndex = Math.max(this.#nextIndex, Number(SEGMENT_NAME.exec(name)![1]) + 1);
      const segment: SpoolSegment = { path: join(this.#dir, name), pending: 0 };
      const data = readFileSync(segment.path);
      let offset = 0;
      while (offset + RECORD_HEADER <= data.length) {
        const gzLength = data.readUInt32BE(offset);
        const rawBytes = data.readUInt32BE(offset + 4);
        const gz = data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + gzLength);
        if (gz.length !== gzLength || !isGzip(gz) || rawBytes === 0) break;
        // A copy, so the file's buffer can be collected once its reports are sent.
        reports.push({ gz: Buffer.from(gz), rawBytes, segment });
        segment.pending++;
        offset += RECORD_HEADER + gzLength;
      }
      if (offset < data.length) this.#logger.warn({ file: segment.path, skippedBytes: data.length - offset }, 'spool: a segment ends in a torn or unreadable record; skipped the rest of it');
      if (segment.pending === 0) this.#remove(segment);
    }
    return reports;
  }

  /** Writes reports not yet on disk after the ones that are. Failing disks are logged, not thrown. */
  append(reports: readonly SpooledReport[]): void {
    let pending: SpooledReport[] = [];
    let chunks: Buffer[] = [];
    const flush = () => {
      if (chunks.length === 0) return;
      const segment = this.#current!.segment;
      try {
        this.#ensureDir();
        appendFileSync(segment.path, Buffer.concat(chunks), { mode: 0o600 });
        for (const report of pending) report.segment = segment;
        segment.pending += pending.length;
        if (this.#failing) this.#logger.info({ dir: this.#dir }, 'spool: writing again');
        this.#failing = false;
      } catch (err) {
        // Kept in memory, unmarked, so a later append retries them.
        if (!this.#failing) this.#logger.warn({ err, dir: this.#dir }, 'spool: cannot write buffered reports to disk; keeping them in memory only');
        this.#failing = true;
        this.#current = undefined;
      }
      pending = [];
      chunks = [];
    };
    for (const report of reports) {
      if (report.segment) continue;
      if (!this.#current || this.#current.bytes >= this.#maxSegmentBytes) {
        flush();
        this.#current = { segment: { path: join(this.#dir, `${String(this.#nextIndex++).padStart(12, '0')}.spool`), pending: 0 }, bytes: 0 };
      }
      const header = Buffer.allocUnsafe(RECORD_HEADER);
      header.writeUInt32BE(report.gz.length, 0);
      header.writeUInt32BE(report.rawBytes, 4);
      chunks.push(header, report.gz);
      pending.push(report);
      this.#current.bytes += RECORD_HEADER + report.gz.length;
    }
    flush();
  }

  /** A report was sent or dropped: its segment goes once nothing in it is waiting. */
  release(report: SpooledReport): void {
    const segment = report.segment;
    if (!segment) return;
    report.segment = undefined;
    segment.pending--;
    if (segment.pending > 0) return;
    if (this.#current?.segment === segment) this.#current = undefined;
    this.#remove(segment);
  }

  #ensureDir(): void {
    if (this.#hasDir) return;
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.#hasDir = true;
  }

  #remove(segment: SpoolSegment): void {
    try {
      rmSync(segment.path, { force: true });
    } catch (err) {
      this.#logger.warn({ err, file: segment.path }, 'spool: cannot delete a sent segment; it will be resent (as duplicates) after a restart');
    }
  }
}
