import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';

describe('backoff', () => {
  it('doubles its ceiling from 1 s up to the 60 s cap (random at its top)', () => {
    const backoff = createBackoff({ random: () => 0.999999 });
    const waits = Array.from({ length: 10 }, () => backoff.next());
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
  });

  it('draws each wait uniformly below the ceiling (full jitter), with a 100 ms floor', () => {
    const half = createBackoff({ random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([500, 1000, 2000]);
    const zero = createBackoff({ random: () => 0 });
    expect([zero.next(), zero.next()]).toEqual([100, 100]);
  });

  it('stays within [floor, cap] through a long outage and starts over after a success', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const backoff = createBackoff({ random });
    for (let i = 0; i < 1000; i++) {
      const wait = backoff.next();
      expect(wait).toBeGreaterThanOrEqual(100);
      expect(wait).toBeLessThanOrEqual(Math.min(60_000, 1000 * 2 ** i));
    }
    expect(backoff.attempts).toBe(1000);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(createBackoff({ random: () => 0.999999 }).next()).toBe(1000);
  });
});
