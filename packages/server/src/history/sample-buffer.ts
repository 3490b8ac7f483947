import { fit } from './columns.js';

/**
 * Samples waiting for the next flush, in three typed columns and a slot per series: appending makes
 * no object per sample, and the flush finds each series' samples by a counting sort on the slot
 * instead of grouping 25,000 samples by a string key. A series (by its number in the SeriesIndex)
 * gets its slot on its first sample.
 */
export class SampleBuffer {
  /** series numbers by slot */
  readonly series: number[] = [];
  count = 0;
  /** slot + 1 by series number (0: none yet) */
  #slotOf: Int32Array;
  #slot: Int32Array;
  #t: Float64Array;
  #v: Float64Array;

  constructor(capacity = 4096, seriesCount = 0) {
    this.#slotOf = new Int32Array(seriesCount);
    this.#slot = new Int32Array(capacity);
    this.#t = new Float64Array(capacity);
    this.#v = new Float64Array(capacity);
  }

  add(s: number, t: number, v: number): void {
    if (s >= this.#slotOf.length) this.#slotOf = fit(this.#slotOf, s);
    let slot = this.#slotOf[s]! - 1;
    if (slot < 0) {
      slot = this.series.length;
      this.#slotOf[s] = slot + 1;
      this.series.push(s);
    }
    if (this.count === this.#t.length) this.#grow();
    this.#slot[this.count] = slot;
    this.#t[this.count] = t;
    this.#v[this.count++] = v;
  }

  t(i: number): number {
    return this.#t[i]!;
  }

  v(i: number): number {
    return this.#v[i]!;
  }

  /** Adds every sample of `other`, each series' in their order there (a failed flush's batch, put back). */
  addAll(other: SampleBuffer): void {
    const { order, starts } = other.grouped();
    other.series.forEach((s, slot) => {
      for (let k = starts[slot]!; k < starts[slot + 1]!; k++) this.add(s, other.t(order[k]!), other.v(order[k]!));
    });
  }

  /** Sample indices grouped by slot, each group in arrival order: slot k's are order[starts[k]] … order[starts[k + 1] - 1]. */
  grouped(): { order: Int32Array; starts: Int32Array } {
    const starts = new Int32Array(this.series.length + 1);
    for (let i = 0; i < this.count; i++) starts[this.#slot[i]! + 1]!++;
    for (let k = 0; k < this.series.length; k++) starts[k + 1]! += starts[k]!;
    const fill = starts.slice(0, this.series.length);
    const order = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) order[fill[this.#slot[i]!]!++] = i;
    return { order, starts };
  }

  /** The buffered samples of series `s` in [lo, hi], by time (a read scans: reads are rare, appends are not). */
  pointsOf(s: number, lo: number, hi: number): { t: number[]; v: number[] } {
    const out = { t: [] as number[], v: [] as number[] };
    const slot = (this.#slotOf[s] ?? 0) - 1;
    if (slot < 0) return out;
    const at: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.#slot[i] === slot && this.#t[i]! >= lo && this.#t[i]! <= hi) at.push(i);
    at.sort((a, b) => this.#t[a]! - this.#t[b]! || a - b);
    for (const i of at) {
      out.t.push(this.#t[i]!);
      out.v.push(this.#v[i]!);
    }
    return out;
  }

  #grow(): void {
    const size = this.#t.length * 2;
    const [slot, t, v] = [new Int32Array(size), new Float64Array(size), new Float64Array(size)];
    slot.set(this.#slot);
    t.set(this.#t);
    v.set(this.#v);
    [this.#slot, this.#t, this.#v] = [slot, t, v];
  }
}
