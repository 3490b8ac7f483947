import type { LatenessStats } from './types.js';

const WINDOW = 10_000;

/**
 * Start time − scheduledAt over the last 10,000 starts. A ring buffer, sorted only when someone asks
 * for stats: recording stays O(1) on the hot path at thousands of starts a second.
 */
export class LatenessWindow {
  #samples = new Float64Array(WINDOW);
  #count = 0;
  #max = 0;

  record(ms: number): void {
    this.#samples[this.#count % WINDOW] = ms;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  stats(): LatenessStats {
    const n = Math.min(this.#count, WINDOW);
    if (n === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
    return { count: this.#count, p50: at(0.5), p99: at(0.99), max: this.#max };
  }
}
