/**
 * A latency histogram that merges across processes: log-spaced buckets 1 % wide, from 1 µs to
 * ~10 min, so percentiles are within 1 % of the true value. Record in milliseconds.
 */
const PER_E = 1 / Math.log(1.01);
const BUCKETS = 2_400;

export class Histogram {
  counts = new Uint32Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(ms) {
    const us = ms * 1000;
    const bucket = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) * PER_E));
    this.counts[bucket]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** Only the non-empty buckets, as [bucket, count] pairs: small enough for IPC. */
  toJSON() {
    const buckets = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]]);
    return { buckets, count: this.count, sum: this.sum, max: this.max };
  }

  static merge(parts) {
    const merged = new Histogram();
    for (const part of parts) {
      for (const [bucket, n] of part.buckets) merged.counts[bucket] += n;
      merged.count += part.count;
      merged.sum += part.sum;
      merged.max = Math.max(merged.max, part.max);
    }
    return merged;
  }

  /** The bucket's upper bound, in ms, below which `p` % of the values lie; NaN when empty. */
  percentile(p) {
    if (!this.count) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, Math.exp(i / PER_E) / 1000);
    }
    return this.max;
  }

  mean() {
    return this.count ? this.sum / this.count : NaN;
  }
}
