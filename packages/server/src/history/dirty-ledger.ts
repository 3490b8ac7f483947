import type { OpenChunks } from './open-chunk.js';

/**
 * Which open chunks hold samples that are only in the head log, by the head row (seq) the oldest of
 * them is in. A checkpoint then visits just the chunks whose row is due, and the head log's
 * truncation point is the oldest seq still listed, where a walk over all 50,000 series per flush
 * found both before. Lists may keep series whose chunk was saved since; only `live` counts.
 */
export class DirtyLedger {
  readonly #bySeq = new Map<number, { live: number; series: number[] }>();

  readonly #chunks: OpenChunks;

  constructor(chunks: OpenChunks) {
    this.#chunks = chunks;
  }

  /** The open chunk of series `s` took its first unsaved sample in head row `seq` (seqs only grow). */
  mark(s: number, seq: number): void {
    this.#chunks.setUnsavedSince(s, seq);
    let entry = this.#bySeq.get(seq);
    if (!entry) this.#bySeq.set(seq, (entry = { live: 0, series: [] }));
    entry.live++;
    entry.series.push(s);
  }

  /** The open chunk of series `s` was stored, or dropped: it no longer holds the head log back. */
  clean(s: number): void {
    const seq = this.#chunks.unsavedSince(s);
    if (seq === undefined) return;
    this.#chunks.setUnsavedSince(s, undefined);
    const entry = this.#bySeq.get(seq);
    if (entry && --entry.live === 0) this.#bySeq.delete(seq);
  }

  /** Series whose open chunk's oldest unsaved sample is in a head row at or before `seq`. */
  due(seq: number): number[] {
    const out: number[] = [];
    for (const [at, entry] of this.#bySeq) {
      if (at > seq) break;
      for (const s of entry.series) if (this.#chunks.unsavedSince(s) === at) out.push(s);
    }
    return out;
  }

  /** The oldest head row some open chunk still needs. */
  oldest(): number | undefined {
    for (const seq of this.#bySeq.keys()) return seq;
    return undefined;
  }

  clear(): void {
    this.#bySeq.clear();
  }
}
