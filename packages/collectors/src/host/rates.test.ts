import { describe, expect, it } from 'vitest';
import { CounterRates, counterRate } from './rates.js';

describe('counterRate', () => {
  it('divides the counter delta by elapsed seconds', () => {
    expect(counterRate(1000, 3000, 2)).toBe(1000);
  });

  it('gives 0, not a negative rate, when a counter goes backwards after a reset', () => {
    expect(counterRate(5_000_000, 1_000, 1)).toBe(0);
  });

  it('gives 0, not a 4 GB/s spike, when a 32-bit counter wraps', () => {
    expect(counterRate(4_294_967_000, 200, 1)).toBe(0);
  });

  it('gives 0 when there is no previous value or the clock did not move forward', () => {
    expect(counterRate(undefined, 10, 1)).toBe(0);
    expect(counterRate(10, 20, 0)).toBe(0);
    expect(counterRate(10, 20, -1)).toBe(0);
  });
});

describe('CounterRates', () => {
  it('reports 0 for things seen for the first time and forgets things that vanished', () => {
    const rates = new CounterRates<{ bytes: number }>();
    expect(rates.sample(0, new Map([['a', { bytes: 100 }]])).get('a')).toEqual({ bytes: 0 });
    expect(rates.sample(1000, new Map([['a', { bytes: 300 }], ['b', { bytes: 50 }]]))).toEqual(
      new Map([['a', { bytes: 200 }], ['b', { bytes: 0 }]]),
    );
    rates.sample(2000, new Map([['b', { bytes: 60 }]]));
    // `a` came back (device re-added) with counters far above its old ones: no diff against stale data.
    expect(rates.sample(3000, new Map([['a', { bytes: 9_000_000 }]])).get('a')).toEqual({ bytes: 0 });
  });

  it('reports 0 for every counter when the clock steps backwards', () => {
    const rates = new CounterRates<{ bytes: number }>();
    rates.sample(5000, new Map([['a', { bytes: 100 }]]));
    expect(rates.sample(4000, new Map([['a', { bytes: 200 }]])).get('a')).toEqual({ bytes: 0 });
  });
});
