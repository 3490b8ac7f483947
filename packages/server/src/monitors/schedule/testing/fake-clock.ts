import type { Timers } from '../types.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

export interface FakeClock extends Timers {
  now(): number;
  /** Moves time forward by ms, firing every timer due on the way in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  /** timers scheduled and not yet fired or cancelled */
  pending(): number;
}

/** Lets every settled promise's continuations run (I/O-free work queued on the real loop). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A simulated clock for scheduler tests: hours of schedule run in milliseconds. */
export function createFakeClock(start = 1_750_000_000_000): FakeClock {
  let t = start;
  let seq = 0;
  let timers: Pending[] = [];
  const earliest = (until: number): Pending | undefined => {
    let best: Pending | undefined;
    for (const p of timers) if (p.live && p.at <= until && (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq))) best = p;
    return best;
  };
  return {
    now: () => t,
    after(ms, fn) {
      const item = { at: t + Math.max(0, ms), seq: seq++, fn, live: true };
      timers.push(item);
      return () => {
        item.live = false;
      };
    },
    async advance(ms) {
      const end = t + ms;
      for (;;) {
        await settle();
        timers = timers.filter((p) => p.live);
        const next = earliest(end);
        if (!next) break;
        t = Math.max(t, next.at);
        next.live = false;
        next.fn();
      }
      t = end;
      await settle();
    },
    pending: () => timers.filter((p) => p.live).length,
  };
}
