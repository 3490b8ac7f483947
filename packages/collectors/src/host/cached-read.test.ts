import { describe, expect, it } from 'vitest';
import { createCachedRead } from './cached-read.js';

describe('cached read', () => {
  it('reuses a kept answer until everyMs has passed, and reads again when the clock steps back', () => {
    let now = 0;
    let reads = 0;
    const read = createCachedRead({ read: () => (reads += 1), keep: () => true, everyMs: 60_000, now: () => now });
    expect(read()).toBe(1);
    now = 59_999;
    expect(read()).toBe(1);
    now = 60_000;
    expect(read()).toBe(2);
    now = 1000;
    expect(read()).toBe(3);
  });

  it('reads every time while the answer is not one to keep', () => {
    let answer: number | undefined = 5;
    const read = createCachedRead({ read: () => answer, keep: (value) => value === undefined, everyMs: 60_000, now: () => 0 });
    expect(read()).toBe(5);
    answer = undefined;
    expect(read()).toBeUndefined();
    // Absent is kept: a module loaded now is noticed at the next recheck, not at once.
    answer = 7;
    expect(read()).toBeUndefined();
  });
});
