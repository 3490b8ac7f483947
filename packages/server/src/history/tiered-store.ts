import type { Logger } from 'pino';
import { decodeChunk, encodeChunk } from './chunk-codec.js';
import type { ChunkRow, ChunkStorage, RollupState, SeriesRow } from './chunk-storage.js';
import { decodeHeadBatch, encodeHeadBatch, type HeadSample } from './head-log.js';
import { runMaintenance } from './maintenance.js';
import { applySample, cloneChunk, limitsFor, type OpenChunk } from './open-chunk.js';
import { roundSignificant } from './precision.js';
import { readSeries } from './series-read.js';
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

interface SeriesState {
  id: number;
  /** undefined: not loaded (the stored latest chunk is the truth); null: the series has no raw chunk */
  open: OpenChunk | null | undefined;
}

const HOUR = 3_600_000;
const keyOf = (resource: string, metric: string): string => `${resource}\u0000${metric}`;
const rawRow = (seriesId: number, c: OpenChunk): ChunkRow =>
  ({ seriesId, tier: 'raw', start: c.start, end: c.t[c.t.length - 1]!, points: c.t.length, data: encodeChunk(c.t, c.v) });

/**
 * The metric store over any ChunkStorage. Samples are buffered by `append`; `flush` applies them to the
 * series' open raw chunks in memory and makes them durable in one transaction with a single head-log row
 * (plus the chunks that filled up); `maintain` rolls up and trims (see maintenance.ts).
 */
export function createTieredMetricStore(options: TieredStoreOptions): MetricStore {
  const { storage, now, retention, logger } = options;
  const limits = options.rawChunk ?? DEFAULT_RAW_CHUNK;
  // Longer than a 10 s series takes to fill a chunk (20 min), so busy series are written once, at close;
  // the price is replaying up to this much head log at start.
  const checkpointAfterMs = options.checkpointAfterMs ?? 30 * 60_000;
  const maxBuffered = options.maxBufferedSamples ?? 1_000_000;
  const byKey = new Map<string, SeriesState>();
  const byId = new Map<number, SeriesState>();
  const rollup: Partial<Record<Tier, RollupState>> = {};
  /** Head-log rows still stored, oldest first, with when they were written (-Infinity: before this start). */
  let headLog: { seq: number; at: number }[] = [];
  let buffer: Sample[] = [];
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

  function remember(rows: readonly SeriesRow[]): void {
    for (const row of rows) {
      const state: SeriesState = { id: row.id, open: undefined };
      byKey.set(keyOf(row.resource, row.metric), state);
      byId.set(row.id, state);
    }
  }

  /** Loads the series and replays the head log into their open chunks. */
  async function recover(): Promise<void> {
    remember(await storage.allSeries());
    Object.assign(rollup, await storage.rollupStates());
    const rows = await storage.readHead();
    if (rows.length === 0) return;
    const batches: { seq: number; samples: HeadSample[] }[] = [];
    for (const row of rows) {
      try {
        batches.push({ seq: row.seq, samples: decodeHeadBatch(row.data) });
      } catch (err) {
        logger?.error({ err, seq: row.seq }, 'skipping a damaged metric head-log row; its samples are lost');
      }
    }
    const ids = [...new Set(batches.flatMap((b) => b.samples.map((s) => s.seriesId)))].filter((id) => byId.has(id));
    await loadOpen(storage, ids);
    const closed: ChunkRow[] = [];
    for (const { seq, samples } of batches) {
      for (const s of samples) {
        const state = byId.get(s.seriesId);
        if (!state) continue;
        // A sample already in a stored chunk replays as 'same' (or 'late'), so replaying the whole log is safe.
        const r = applySample(state.open ?? null, s.t, s.v, limitsFor(state.id, limits));
        if (r.closed?.unsavedSince !== undefined) closed.push(rawRow(state.id, r.closed));
        if (r.effect === 'changed') r.open!.unsavedSince ??= seq;
        state.open = r.open;
      }
    }
    if (closed.length) await storage.transaction((tx) => tx.putChunks(closed));
    headLog = rows.map((r) => ({ seq: r.seq, at: -Infinity }));
  }

  async function loadOpen(from: ChunkStorage, ids: readonly number[]): Promise<Map<number, OpenChunk | null>> {
    const loaded = new Map<number, OpenChunk | null>(ids.map((id) => [id, null]));
    for (const row of await from.latestChunks(ids, 'raw')) {
      const { t, v } = decodeChunk(row.data);
      loaded.set(row.seriesId, { start: row.start, t, v, unsavedSince: undefined });
    }
    if (from === storage) for (const [id, open] of loaded) byId.get(id)!.open = open;
    return loaded;
  }

  function append(samples: readonly Sample[]): void {
    for (const s of samples) {
      if (!Number.isFinite(s.v) || !Number.isFinite(s.t) || s.t < 0) {
        counters.dropped++;
        continue;
      }
      if (buffer.length >= maxBuffered) {
        counters.dropped++;
        if (!overflowWarned) logger?.warn({ buffered: buffer.length }, 'metric history buffer is full (is the database reachable?); dropping new samples');
        overflowWarned = true;
        continue;
      }
      buffer.push({ resource: s.resource, metric: s.metric, t: Math.floor(s.t), v: roundSignificant(s.v) });
      counters.accepted++;
    }
  }

  async function flushNow(checkpointAll: boolean): Promise<void> {
    const at = now();
    const dueSeq = checkpointAll ? Infinity : (headLog.findLast((h) => h.at <= at - checkpointAfterMs)?.seq ?? -Infinity);
    if (buffer.length === 0 && !(headLog[0] && headLog[0].seq <= dueSeq)) return;
    const batch = buffer;
    buffer = [];
    overflowWarned = false;
    let plan: Awaited<ReturnType<typeof writeFlush>>;
    try {
      plan = await storage.transaction((tx) => writeFlush(tx, batch, dueSeq));
    } catch (err) {
      buffer = batch.concat(buffer);
      throw err;
    }
    remember(plan.created);
    for (const [id, open] of plan.loaded) byId.get(id)!.open = open;
    for (const [id, open] of plan.next) byId.get(id)!.open = open;
    for (const id of plan.saved) byId.get(id)!.open!.unsavedSince = undefined;
    if (plan.seq !== undefined) headLog.push({ seq: plan.seq, at });
    headLog = headLog.filter((h) => h.seq >= plan.keepFrom);
    counters.accepted -= plan.late;
    counters.dropped += plan.late;
    counters.flushes++;
    wrote(at, plan.bytes);
  }

  /** Everything a flush writes, computed on copies so a failed transaction leaves memory untouched. */
  async function writeFlush(tx: ChunkStorage, batch: readonly Sample[], dueSeq: number) {
    const groups = new Map<string, Sample[]>();
    for (const s of batch) {
      const key = keyOf(s.resource, s.metric);
      const group = groups.get(key);
      if (group) group.push(s);
      else groups.set(key, [s]);
    }
    const missing = [...groups.keys()].filter((k) => !byKey.has(k)).map((k) => groups.get(k)![0]!);
    const created = await tx.createSeries(missing.map((s) => ({ resource: s.resource, metric: s.metric })));
    const ids = new Map<string, number>(created.map((r) => [keyOf(r.resource, r.metric), r.id]));
    const unloaded: number[] = [];
    for (const key of groups.keys()) {
      const state = byKey.get(key);
      if (state) ids.set(key, state.id);
      if (state?.open === undefined && state) unloaded.push(state.id);
    }
    const loaded = await loadOpen(tx, unloaded);
    // Samples for minutes already rolled up would be missing from the rollups, so they count as late.
    const floor = rollup['1m']?.doneUntil ?? -Infinity;
    const next = new Map<number, OpenChunk | null>();
    const changedNow = new Set<OpenChunk>();
    const rows: ChunkRow[] = [];
    const head: HeadSample[] = [];
    let late = 0;
    for (const [key, samples] of [...groups].sort((a, b) => ids.get(a[0])! - ids.get(b[0])!)) {
      const id = ids.get(key)!;
      const current = loaded.has(id) ? loaded.get(id)! : (byId.get(id)?.open ?? null);
      let open = current ? cloneChunk(current) : null;
      const own = limitsFor(id, limits);
      for (const s of samples.sort((a, b) => a.t - b.t)) {
        const r = s.t < floor ? { open, effect: 'late' as const } : applySample(open, s.t, s.v, own);
        if (r.effect === 'late') late++;
        if ('closed' in r && r.closed && (r.closed.unsavedSince !== undefined || changedNow.has(r.closed))) rows.push(rawRow(id, r.closed));
        open = r.open;
        if (r.effect !== 'changed') continue;
        changedNow.add(open!);
        head.push({ seriesId: id, t: s.t, v: s.v });
      }
      next.set(id, open);
    }
    let bytes = 0;
    let seq: number | undefined;
    if (head.length) {
      const data = encodeHeadBatch(head);
      seq = await tx.appendHead(data);
      bytes += data.length;
    }
    for (const open of next.values()) if (open && changedNow.has(open)) open.unsavedSince ??= seq;
    // Checkpoint: write out open chunks whose oldest unsaved sample sits in a head row due for truncation.
    const saved: number[] = [];
    let keepFrom = seq === undefined ? (headLog.at(-1)?.seq ?? 0) + 1 : seq + 1;
    for (const state of byId.values()) if (!next.has(state.id) && state.open) consider(state.id, state.open, false);
    for (const [id, open] of next) if (open) consider(id, open, true);
    function consider(id: number, open: OpenChunk, isCopy: boolean): void {
      if (open.unsavedSince === undefined) return;
      if (open.unsavedSince > dueSeq) {
        keepFrom = Math.min(keepFrom, open.unsavedSince);
        return;
      }
      rows.push(rawRow(id, open));
      if (isCopy) open.unsavedSince = undefined;
      else saved.push(id);
    }
    if (rows.length) await tx.putChunks(rows);
    const oldest = headLog[0]?.seq ?? seq;
    if (oldest !== undefined && oldest < keepFrom) await tx.deleteHeadBefore(keepFrom);
    bytes += rows.reduce((n, r) => n + r.data.length, 0);
    return { created, loaded, next, saved, seq, keepFrom, late, bytes };
  }

  async function read(resource: string, metric: string, tier: Tier, from: number, to: number): Promise<SeriesPoints> {
    await init();
    const state = byKey.get(keyOf(resource, metric));
    const lo = Math.max(0, from);
    const hi = Math.min(Number.MAX_SAFE_INTEGER, to);
    if (!state || !(lo <= hi)) return tier === 'raw' ? { t: [], v: [] } : { t: [], v: [], min: [], max: [], count: [] };
    return readSeries(storage, state.id, tier === 'raw' ? state.open : undefined, tier, lo, hi);
  }

  async function maintain(): Promise<void> {
    await flushNow(false);
    const at = now();
    await runMaintenance({
      storage, now: at, retention, rollup,
      openChunks: () => [...byId.values()].filter((s) => s.open).map((s) => ({ id: s.id, chunk: s.open! })),
      batches: options.maintainBatches ?? 4,
      seriesPerBatch: options.seriesPerBatch ?? 500,
      onWrite: (bytes) => wrote(at, bytes),
    });
    // Forget open chunks nothing will append to (a series that went away): they are stored, and a
    // late sample reloads them. Ones past raw retention go too, saved or not.
    for (const state of byId.values()) {
      const open = state.open;
      const last = open ? open.t[open.t.length - 1]! : Infinity;
      if ((open?.unsavedSince === undefined && last < at - limits.maxSpanMs) || last < at - retention.raw) state.open = undefined;
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
    return byKey.has(keyOf(resource, metric)) || buffer.some((s) => s.resource === resource && s.metric === metric);
  }

  return {
    append,
    hasSeries,
    flush: () => exclusive(() => flushNow(false)),
    maintain: () => exclusive(maintain),
    read,
    stats,
    // Writing every open chunk out empties the head log, so the next start has nothing to replay.
    close: () => exclusive(() => flushNow(true)),
  };
}
