import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../test-support/manual-timers.js';
import { createSamplingLoop } from './sampling-loop.js';

function setup(intervalMs: number) {
  const timers = createManualTimers(0);
  const samples: number[] = [];
  const loop = createSamplingLoop({ intervalMs, timers, sample: (at) => void samples.push(at) });
  return { timers, samples, loop };
}

describe('sampling loop', () => {
  it('samples at once, then every interval', () => {
    const { timers, samples, loop } = setup(1000);
    loop.start();
    timers.advance(3500);
    expect(samples).toEqual([0, 1000, 2000, 3000]);
    loop.stop();
    timers.advance(5000);
    expect(samples).toHaveLength(4);
  });

  it('moves to the interval the server asks for from the last sample', () => {
    const { timers, samples, loop } = setup(10_000);
    loop.start();
    timers.advance(2000);
    loop.setInterval(5000);
    timers.advance(14_000);
    expect(samples).toEqual([0, 5000, 10_000, 15_000]);
    loop.setInterval(1000);
    timers.advance(0);
    expect(samples.at(-1)).toBe(16_000);
  });

  it('brings a sample forward on a container event, but never within a second of the last one', () => {
    const { timers, samples, loop } = setup(10_000);
    loop.start();
    timers.advance(300);
    loop.soon();
    timers.advance(700);
    expect(samples).toEqual([0, 1000]);
    timers.advance(5000);
    loop.soon();
    timers.advance(0);
    expect(samples).toEqual([0, 1000, 6000]);
    timers.advance(10_000);
    expect(samples).toEqual([0, 1000, 6000, 16_000]);
  });

  it('refuses an interval that would make it spin', () => {
    expect(() => setup(Number.NaN)).toThrow(RangeError);
    const { loop } = setup(1000);
    expect(() => loop.setInterval(0)).toThrow(/positive number of ms/);
  });
});
