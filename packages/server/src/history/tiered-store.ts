import type { Logger } from 'pino';
import type { ChunkRow, ChunkStorage, RollupState } from './chunk-storage.js';
import { DirtyLedger } from './dirty-ledger.js';
import { HeadBatchWriter } from './head-log.js';
import { type OpenSpan, runMaintenance } from './maintenance.js';
import { applySample, limitsFor, MAX_TIME, OpenChunks } from './open-chunk.js';
import { loadOpen, rawRow, replayHead } from './recovery.js';
import { roundSignificant } from './precision.js';
import { SampleBuffer } from './sample-buffer.js';
import { heldChunks, readSeries, withNewer } from './series-read.js';
import { SeriesIndex } from './series-index.js';
import { DEFAULT_RAW_CHUNK, type RawChunkLimits } from './tiers.js';
import { type HistoryStats, type MetricStore, type RetentionMs, type Sample, type SeriesPoints, type Tier, TIERS } from './types.js';

export interface TieredStoreOptions {
  storage: ChunkStorage;
  now: () => number;
  retention: RetentionMs;
  logger?: Pick<Logger, 'warn' | 'error'> | undefined;
  rawChunk?: RawChunkLimits;
  /** Open chunks whose head-log samples are older than this are written out so the log can be truncated. */
  checkpointAfterMs?: number;
  /** Appends beyond this many unflushed samples (the database is down) are dropped and counted. */
  maxBufferedSamples?: number;
  /** Rollup work per maintain() call: batches per tier × series per batch. */
  maintainBatches?: number;
  seriesPerBatch?: number;
}

const HOUR = 3_600_000;
/** unsavedSince of a chunk the flush in progress changed, until its head row has a seq. */
const PENDING = Number.MAX_SAFE_INTEGER;
const isSortedByT = (batch: SampleBuffer, order: Int32Array, from: number, to: number): boolean => {
  for (let k = from + 1; k < to; k++) if (batch.t(order[k]!) < batch.t(order[k - 1]!)) return false;
  return true;
};

/**
 * The metric store over any ChunkStorage. Samples are buffered by `append`; `flush` applies them to the
 * series' open raw chunks in memory and makes them durable in one transaction with a single head-log row
 * (plus the chunks that filled up); `maintain` rolls up and trims (see maintenance.ts).
 *
 * A flush changes the open chunks in place, before its transaction commits: copying every touched
 * chunk first (as this did) cost a fifth of the server's CPU at 5,000 samples/s. If the transaction
 * fails, what memory holds is thrown away and rebuilt from what is stored, as at a start (the stored
 * chunks, then the head log replayed), and the batch goes back in front of the buffer.
 */
export function createTieredMetricStore(options: TieredStoreOptions): MetricStore {
  const { storage, now, retention, logger } = options;
  const limits = options.rawChunk ?? DEFAULT_RAW_CHUNK;
  // Longer than a 10 s series takes to fill a chunk (20 min), so busy series are written once, at close;
  // the price is replaying up to this much head log at start.
  const checkpointAfterMs = options.checkpointAfterMs ?? 30 * 60_000;
  const maxBuffered = options.maxBufferedSamples ?? 1_000_000;
  const index = new SeriesIndex();
  const chunks = new OpenChunks();
  const ledger = new DirtyLedger(chunks);
  /** Chunks the flush in progress closed, by series number: readable until that flush has stored them. */
  const closing = new Map<number, ChunkRow>();
  const rollup: Partial<Record<Tier, RollupState>> = {};
  /** Head-log rows still stored, oldest first, with when they were written (-Infinity: before this start). */
  let headLog: { seq: number; at: number }[] = [];
  let buffer = new SampleBuffer();
  let overflowWarned = false;
  const counters = { accepted: 0, dropped: 0, flushes: 0 };
  /** Bytes handed to storage (flushes and rollups), for the sliding hour in stats(). */
  let written: { at: number; bytes: number }[] = [];
  const wrote = (at: number, bytes: number): void => {
    written.push({ at, bytes });
    if (written[0]!.at <= at - HOUR) written = written.filter((w) => w.at > at - HOUR);
  };
  let tail: Promise<unknown> = Promise.resolve();
  let ready: Promise<void> | undefined;

  /** flush, maintain and close run one at a time: each reads and replaces the open chunks. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(() => init()).then(work);
    tail = run.catch(() => undefined);
    return run;
  }

  function init(): Promise<void> {
    ready ??= recover().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  }

  /** Loads the series and replays the head log into their open chunks (at start, and after a failed flush). */
  async function recover(): Promise<void> {
    for (const row of await storage.allSeries()) index.setId(index.ensure(row.resource, row.metric), row.id);
    Object.assign(rollup, await storage.rollupStates());
    const rows = await storage.readHead();
    const writtenAt = new Map(headLog.map((h) => [h.seq, h.at]));
    headLog = rows.map((r) => ({ seq: r.seq, at: writtenAt.get(r.seq) ?? -Infinity }));
    await replayHead({ storage, index, chunks, ledger, limits, logger }, rows);
  }

  /** Counts a sample the store cannot keep (not finite, out of range, or the buffer full) as dropped. */
  function isKept(t: number, v: number): boolean {
    if (!Number.isFinite(v) || !Number.isFinite(t) || t < 0 || t >= MAX_TIME) {
      counters.dropped++;
      return false;
    }
    if (buffer.count < maxBuffered) return true;
    counters.dropped++;
    if (!overflowWarned) logger?.warn({ buffered: buffer.count }, 'metric history buffer is full (is the database reachable?); dropping new samples');
    overflowWarned = true;
    return false;
  }

  function append(samples: readonly Sample[]): void {
    for (const s of samples) {
      if (!isKept(s.t, s.v)) continue;
      buffer.add(index.ensure(s.resource, s.metric), Math.floor(s.t), roundSignificant(s.v));
      counters.accepted++;
    }
  }

  function appendMetrics(resource: string, t: number, metrics: Readonly<Record<string, number>>): void {
    const series = index.metricsOf(resource);
    for (const metric in metrics) {
      const v = metrics[metric]!;
      if (!isKept(t, v)) continue;
      buffer.add(index.ensureIn(series, resource, metric), Math.floor(t), roundSignificant(v));
      counters.accepted++;
    }
  }

  async function flushNow(checkpointAll: boolean): Promise<void> {
    const at = now();
    const dueSeq = checkpointAll ? Infinity : (headLog.findLast((h) => h.at <= at - checkpointAfterMs)?.seq ?? -Infinity);
    if (buffer.count === 0 && !(headLog[0] && headLog[0].seq <= dueSeq)) return;
    const batch = buffer;
    buffer = new SampleBuffer(Math.max(4096, Math.ceil(batch.count * 1.25)), index.size);
    overflowWarned = false;
    const created: number[] = [];
    let plan: Awaited<ReturnType<typeof writeFlush>>;
    try {
      plan = await storage.transaction((tx) => writeFlush(tx, batch, dueSeq, created));
    } catch (err) {
      forgetAfterFailure(batch, created);
      throw err;
    }
    closing.clear();
    if (plan.seq !== undefined) headLog.push({ seq: plan.seq, at });
    headLog = headLog.filter((h) => h.seq >= plan.keepFrom);
    counters.accepted -= plan.late;
    counters.dropped += plan.late;
    counters.flushes++;
    wrote(at, plan.bytes);
  }

  /** Applies the batch to the open chunks and writes the head row, closed chunks and checkpoints. */
  async function writeFlush(tx: ChunkStorage, batch: SampleBuffer, dueSeq: number, created: number[]) {
    const missing = batch.series.filter((s) => index.id(s) === 0);
    for (const row of missing.length ? await tx.createSeries(index.keysOf(missing)) : []) {
      const s = index.ensure(row.resource, row.metric);
      index.setId(s, row.id);
      if (!chunks.isLoaded(s)) chunks.setNone(s);
      created.push(s);
    }
    await loadOpen(tx, index, chunks, batch.series.filter((s) => !chunks.isLoaded(s)));
    // Samples for minutes already rolled up would be missing from the rollups, so they count as late.
    const floor = rollup['1m']?.doneUntil ?? -Infinity;
    const { order, starts } = batch.grouped();
    const slots = Int32Array.from(batch.series.keys()).sort((a, b) => index.id(batch.series[a]!) - index.id(batch.series[b]!));
    const head = new HeadBatchWriter();
    const rows: ChunkRow[] = [];
    const changed: number[] = [];
    let late = 0;
    // The full chunk is stored with this flush (unless its stored row is current already).
    const onClose = (s: number): void => {
      if (chunks.unsavedSince(s) === undefined) return;
      const row = rawRow(index.id(s), chunks, s);
      rows.push(row);
      ledger.clean(s);
      closing.set(s, row);
    };
    for (const slot of slots) {
      const s = batch.series[slot]!;
      const id = index.id(s);
      const own = limitsFor(id, limits);
      const from = starts[slot]!;
      const to = starts[slot + 1]!;
      // Almost always one sample, or several in time order; only a group out of order is copied and sorted.
      const sorted = isSortedByT(batch, order, from, to) ? undefined : Array.from(order.subarray(from, to)).sort((a, b) => batch.t(a) - batch.t(b) || a - b);
      for (let k = from; k < to; k++) {
        const i = sorted ? sorted[k - from]! : order[k]!;
        const t = batch.t(i);
        const v = batch.v(i);
        const effect = t < floor ? 'late' : applySample(chunks, s, t, v, own, onClose);
        if (effect === 'late') late++;
        if (effect === 'late' || effect === 'same') continue;
        head.add(id, t, v);
        if (chunks.unsavedSince(s) === undefined) {
          chunks.setUnsavedSince(s, PENDING);
          changed.push(s);
        }
      }
    }
    let bytes = 0;
    let seq: number | undefined;
    if (head.count) {
      const data = head.finish();
      seq = await tx.appendHead(data);
      bytes += data.length;
    }
    for (const s of changed) if (chunks.unsavedSince(s) === PENDING) ledger.mark(s, seq!);
    // Checkpoint: write out open chunks whose oldest unsaved sample sits in a head row due for truncation.
    for (const s of ledger.due(dueSeq)) {
      rows.push(rawRow(index.id(s), chunks, s));
      ledger.clean(s);
    }
    const keepFrom = Math.min(seq === undefined ? (headLog.at(-1)?.seq ?? 0) + 1 : seq + 1, ledger.oldest() ?? Infinity);
    if (rows.length) await tx.putChunks(rows);
    const oldest = headLog[0]?.seq ?? seq;
    if (oldest !== undefined && oldest < keepFrom) await tx.deleteHeadBefore(keepFrom);
    bytes += rows.reduce((n, r) => n + r.data.length, 0);
    return { seq, keepFrom, late, bytes };
  }

  /** The transaction rolled back: memory no longer matches storage, so rebuild it from storage. */
  function forgetAfterFailure(batch: SampleBuffer, created: readonly number[]): void {
    for (const s of created) index.setId(s, 0);
    chunks.unloadAll();
    closing.clear();
    ledger.clear();
    ready = undefined;
    const pending = buffer;
    buffer = new SampleBuffer(batch.count + pending.count + 1, index.size);
    buffer.addAll(batch);
    buffer.addAll(pending);
  }

  async function read(resource: string, metric: string, tier: Tier, from: number, to: number): Promise<SeriesPoints> {
    await init();
    const s = index.get(resource, metric);
    const lo = Math.max(0, from);
    const hi = Math.min(Number.MAX_SAFE_INTEGER, to);
    const empty = (): SeriesPoints => (tier === 'raw' ? { t: [], v: [] } : { t: [], v: [], min: [], max: [], count: [] });
    if (s === undefined || !(lo <= hi)) return empty();
    const id = index.id(s);
    if (tier !== 'raw') return id ? readSeries(storage, id, [], tier, lo, hi) : empty();
    // Everything held in memory is taken now, before the storage read gives a flush the chance to move it.
    // Samples still waiting for the flush are the newest: a chart opened now shows the latest value.
    const waiting = buffer.pointsOf(s, lo, hi);
    const out = id ? await readSeries(storage, id, heldChunks(chunks, s, closing.get(s)), tier, lo, hi) : empty();
    return withNewer(out, waiting);
  }

  async function maintain(): Promise<void> {
    await flushNow(false);
    const at = now();
    const open: OpenSpan[] = [];
    for (const s of index.stored()) if (chunks.has(s)) open.push({ id: index.id(s), start: chunks.start(s), end: chunks.end(s) });
    await runMaintenance({
      storage, now: at, retention, rollup,
      openChunks: () => open,
      openChunk: (id) => {
        const s = index.byId(id);
        return s !== undefined && chunks.has(s) ? { id, start: chunks.start(s), end: chunks.end(s), points: () => chunks.points(s) } : undefined;
      },
      batches: options.maintainBatches ?? 4,
      seriesPerBatch: options.seriesPerBatch ?? 500,
      onWrite: (bytes) => wrote(at, bytes),
    });
    // Forget open chunks nothing will append to (a series that went away): they are stored, and a
    // late sample reloads them. Ones past raw retention go too, saved or not.
    for (const { id, end } of open) {
      const s = index.byId(id)!;
      if ((chunks.unsavedSince(s) === undefined && end < at - limits.maxSpanMs) || end < at - retention.raw) {
        ledger.clean(s);
        chunks.unload(s);
      }
    }
  }

  async function stats(): Promise<HistoryStats> {
    await init();
    const { series, bytesByTier } = await storage.sizes();
    const since = now() - HOUR;
    written = written.filter((w) => w.at > since);
    return {
      series,
      bytesByTier: Object.fromEntries(TIERS.map((t) => [t, bytesByTier[t] ?? 0])) as Record<Tier, number>,
      samplesAccepted: counters.accepted,
      samplesDropped: counters.dropped,
      bytesWrittenLastHour: written.reduce((n, w) => n + w.bytes, 0),
      flushes: counters.flushes,
    };
  }

  async function hasSeries(resource: string, metric: string): Promise<boolean> {
    await init();
    return index.get(resource, metric) !== undefined;
  }

  return {
    append,
    appendMetrics,
    hasSeries,
    flush: () => exclusive(() => flushNow(false)),
    maintain: () => exclusive(maintain),
    read,
    stats,
    // Writing every open chunk out empties the head log, so the next start has nothing to replay.
    close: () => exclusive(() => flushNow(true)),
  };
}
