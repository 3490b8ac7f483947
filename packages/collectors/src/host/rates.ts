/**
 * Per-second rate of a counter that should only grow. Anything that makes the delta unknowable
 * gives 0 for that interval instead of a negative or enormous number: no previous sample, a counter
 * that went backwards (driver reset, device removed and re-added, a 32-bit counter wrapping), or a
 * clock that did not move forward. Guessing the wrap width is not worth it: a 32-bit wrap and a
 * reset look the same from here, and one lost interval is harmless where a bad guess is a spike.
 */
export function counterRate(prev: number | undefined, cur: number, elapsedSec: number): number {
  if (prev === undefined || !(elapsedSec > 0) || !(cur >= prev)) return 0;
  return (cur - prev) / elapsedSec;
}

export type Rates<T> = { [K in keyof T]: number };

/**
 * Remembers the last counters of a set of named things (disks, interfaces) and turns the next set
 * into per-second rates. Things seen for the first time get 0 rates, things that vanished are
 * forgotten, so a re-added device starts fresh instead of diffing against its old counters.
 */
export class CounterRates<T extends { [K in keyof T]: number }> {
  #prev = new Map<string, T>();
  #prevAt: number | undefined;

  /** `at` is milliseconds from the injected clock. */
  sample(at: number, current: Map<string, T>): Map<string, Rates<T>> {
    const elapsedSec = this.#prevAt === undefined ? 0 : (at - this.#prevAt) / 1000;
    const rates = new Map<string, Rates<T>>();
    for (const [name, counters] of current) {
      const prev = this.#prev.get(name);
      const rate = {} as Rates<T>;
      for (const key of Object.keys(counters) as (keyof T)[]) {
        rate[key] = counterRate(prev?.[key], counters[key], elapsedSec);
      }
      rates.set(name, rate);
    }
    this.#prev = current;
    this.#prevAt = at;
    return rates;
  }
}
