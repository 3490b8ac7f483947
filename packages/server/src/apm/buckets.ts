import type { ApmPeriod } from '@pulse/protocol';

export const BUCKETS_PER_WINDOW = 60;

/** Each period is 60 buckets: 1 min, 6 min, 24 min, 168 min. */
export const WINDOWS: ReadonlyArray<{ period: ApmPeriod; bucketMs: number }> = [
  { period: '1h', bucketMs: 60_000 },
  { period: '6h', bucketMs: 6 * 60_000 },
  { period: '24h', bucketMs: 24 * 60_000 },
  { period: '7d', bucketMs: 168 * 60_000 },
];

/** How a field combines within a bucket. */
export type FieldKind = 'sum' | 'max';

/**
 * One window: 60 time buckets of `fields.length` numbers, in two typed arrays so a route or an
 * exception group costs a fixed 480 bytes per field and window whatever the traffic (no objects per bucket, no
 * raw items kept). A slot is reused when its time comes round again; what it held is then out of
 * the window anyway.
 */
export class BucketRing {
  readonly #starts = new Float64Array(BUCKETS_PER_WINDOW).fill(-1);
  readonly #values: Float64Array;

  constructor(readonly bucketMs: number, private readonly kinds: readonly FieldKind[]) {
    this.#values = new Float64Array(BUCKETS_PER_WINDOW * kinds.length);
  }

  /** Adds `values` (one per field) at time `at`; ignored when `at` is outside the window ending at `now`. */
  add(at: number, now: number, values: readonly number[]): void {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const newest = Math.floor(now / this.bucketMs) * this.bucketMs;
    if (start > newest || start <= newest - BUCKETS_PER_WINDOW * this.bucketMs) return;
    const slot = (start / this.bucketMs) % BUCKETS_PER_WINDOW;
    const base = slot * this.kinds.length;
    if (this.#starts[slot] !== start) {
      this.#starts[slot] = start;
      this.#values.fill(0, base, base + this.kinds.length);
    }
    for (let f = 0; f < this.kinds.length; f++) {
      const v = values[f] ?? 0;
      this.#values[base + f] = this.kinds[f] === 'max' ? Math.max(this.#values[base + f]!, v) : this.#values[base + f]! + v;
    }
  }

  /** The 60 buckets of the window ending at `now`, oldest first; empty ones are zeros. */
  series(now: number): Array<{ t: number; values: number[] }> {
    const newest = Math.floor(now / this.bucketMs) * this.bucketMs;
    const out: Array<{ t: number; values: number[] }> = [];
    for (let i = BUCKETS_PER_WINDOW - 1; i >= 0; i--) {
      const t = newest - i * this.bucketMs;
      out.push({ t, values: this.#at(t) });
    }
    return out;
  }

  /** Every field over the whole window (sums summed, maxima maxed), without building the series. */
  total(now: number, since = -Infinity): number[] {
    const newest = Math.floor(now / this.bucketMs) * this.bucketMs;
    const oldest = newest - (BUCKETS_PER_WINDOW - 1) * this.bucketMs;
    const out = new Array<number>(this.kinds.length).fill(0);
    for (let slot = 0; slot < BUCKETS_PER_WINDOW; slot++) {
      const start = this.#starts[slot]!;
      if (start < oldest || start > newest || start < since) continue;
      const base = slot * this.kinds.length;
      for (let f = 0; f < this.kinds.length; f++) {
        const v = this.#values[base + f]!;
        out[f] = this.kinds[f] === 'max' ? Math.max(out[f]!, v) : out[f]! + v;
      }
    }
    return out;
  }

  #at(t: number): number[] {
    const slot = (t / this.bucketMs) % BUCKETS_PER_WINDOW;
    if (this.#starts[slot] !== t) return new Array<number>(this.kinds.length).fill(0);
    return Array.from(this.#values.subarray(slot * this.kinds.length, (slot + 1) * this.kinds.length));
  }
}

/** The four windows of one thing (an app, a route, an exception group), fed together. */
export class WindowSet {
  readonly rings: BucketRing[];

  constructor(kinds: readonly FieldKind[]) {
    this.rings = WINDOWS.map((w) => new BucketRing(w.bucketMs, kinds));
  }

  add(at: number, now: number, values: readonly number[]): void {
    for (const ring of this.rings) ring.add(at, now, values);
  }

  ring(period: ApmPeriod): BucketRing {
    return this.rings[WINDOWS.findIndex((w) => w.period === period)]!;
  }
}
