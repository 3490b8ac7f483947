import { describe, expect, it } from 'vitest';
import { createSimulation, makeRule } from './simulation.js';

/*
 * A simulated day of one CPU at 10 s samples (8,640 evaluations): noise crossing both the trigger
 * (90) and the clear level (80) all day, five genuine episodes. The expected messages follow from
 * the rule and settings below, not from a run:
 *
 * - Noise never fires: it dips under 80 at least every 20 samples (200 s), so it never holds over
 *   80 for forS = 300 s, and pending alerts are dropped silently.
 * - E1 03:00 (15 min high), E2 07:00 (20 min): fire + resolve each = 4. The first reminder would be
 *   due 30 min after the firing message, after both have ended.
 * - F1 12:00: 6 cycles of 6 min at 98 / 2 min at 70. Fires at +5 min of each cycle, clears at +6.
 *   Fire, clear, fire, clear = 4 changes, each announced (the second firing is 7.5 min after the first:
 *   past the 5 min cooldown). The 5th change (3rd fire) is within flapWindowS (30 min): flapping, held.
 *   Stable 30 min after the last clear: its final state is resolved and it was never announced: nothing. = 4
 * - F2 16:00: as F1 (4), then 60 min at 98: it fires during flapping (held), is stable 30 min later and
 *   sends its final state, firing, once (1); the high ends 25 min after that, before a reminder is
 *   due (30 min), and the resolve is announced (1). = 6
 * - E3 21:00 (45 min high): fire, one reminder 30 min after the firing message, resolve. = 3
 *
 * Total 17: 8 firing, 8 resolved, 1 reminder.
 */

const T0 = Date.UTC(2026, 10, 30, 0, 0, 0);
const H = 3600;

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function signal(seed: number): (sec: number) => number {
  const rand = mulberry32(seed);
  let gap = 0;
  const cycles = (pos: number) => (pos % 480 < 360 ? 98 : 70);
  return (sec) => {
    const high = 95 + rand() * 4;
    if (sec >= 3 * H && sec < 3 * H + 900) return high;
    if (sec >= 7 * H && sec < 7 * H + 1200) return high;
    if (sec >= 12 * H && sec < 12 * H + 2880) return cycles(sec - 12 * H);
    if (sec >= 16 * H && sec < 16 * H + 2880) return cycles(sec - 16 * H);
    if (sec >= 16 * H + 2880 && sec < 16 * H + 2880 + 3600) return 98;
    if (sec >= 21 * H && sec < 21 * H + 2700) return high;
    // Noise: a dip under the clear level at least every 20 samples, else 81–95 (over 90 a third of the time).
    if (gap-- <= 0) {
      gap = 3 + Math.floor(rand() * 17);
      return 70 + rand() * 9.9;
    }
    return 81 + rand() * 14;
  };
}

describe('soak: a day of a metric flapping around its threshold', () => {
  for (const seed of [1, 42, 2026]) {
    it(`sends exactly the 17 expected notifications and no duplicate ids (seed ${seed})`, () => {
      const rule = makeRule('cpu', { name: 'CPU high', condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 }, forS: 300, renotifyS: 1800 });
      const s = createSimulation({
        start: T0, builtins: false, rules: [rule],
        settings: { cooldownS: 300, perResourceHourlyCap: 10, groupWindowS: 30, flapChanges: 5, flapWindowS: 1800 },
      });
      const value = signal(seed);
      let crossings = 0;
      let prev = 0;
      for (let i = 0; i < 8640; i++) {
        s.now = T0 + i * 10_000;
        const v = Math.round(value(i * 10) * 10) / 10;
        if ((prev <= 90 && v > 90) || (prev >= 80 && v < 80)) crossings++;
        prev = v;
        s.apply([{ id: 'web-01', type: 'host', metrics: { cpu: v } }]);
        s.tick();
      }
      const sent = s.notifications();
      const count = (k: string) => sent.filter((n) => n.kind === k).length;
      expect(crossings).toBeGreaterThan(1000); // the noise really does cross both levels, all day
      expect({ firing: count('firing'), resolved: count('resolved'), reminder: count('reminder'), total: sent.length })
        .toEqual({ firing: 8, resolved: 8, reminder: 1, total: 17 });
      expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length);
      const hours = sent.map((n) => Math.floor((n.at - T0) / 3_600_000));
      expect(hours).toEqual([3, 3, 7, 7, 12, 12, 12, 12, 16, 16, 16, 16, 17, 17, 21, 21, 21]);
    });
  }
});
