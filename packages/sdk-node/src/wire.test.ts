import { APM_ERRORS_WINDOW_MS, APM_LIMITS, APM_REDIS_KEYS, APM_SLOW_STREAM_MAX } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { ERRORS_WINDOW_MS, LIMITS, REDIS_KEYS, SLOW_STREAM_MAX } from './wire.js';

describe('the SDK copy of the APM wire constants', () => {
  it('matches @pulse/protocol: limits, Redis key layout, stream cap and errors window', () => {
    expect(LIMITS).toEqual(APM_LIMITS);
    expect(SLOW_STREAM_MAX).toBe(APM_SLOW_STREAM_MAX);
    expect(ERRORS_WINDOW_MS).toBe(APM_ERRORS_WINDOW_MS);
    expect(Object.keys(REDIS_KEYS).sort()).toEqual(Object.keys(APM_REDIS_KEYS).sort());
    expect(REDIS_KEYS.server('p:', 'a', 'h:1:2')).toBe(APM_REDIS_KEYS.server('p:', 'a', 'h:1:2'));
    for (const k of ['slow', 'errors', 'routes'] as const) expect(REDIS_KEYS[k]('p:', 'a')).toBe(APM_REDIS_KEYS[k]('p:', 'a'));
    expect(REDIS_KEYS.apps('p:')).toBe(APM_REDIS_KEYS.apps('p:'));
  });
});
