import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAnswerCache } from './answer-cache.js';
import { createCadence } from './cadence.js';
import type { PollContext } from './poll-context.js';

const HOUR = 3_600_000;

function contextAt(clock: { now: number }, answers: Map<string, unknown>): PollContext {
  const cadence = createCadence({ now: () => clock.now, random: () => 0.5 });
  return {
    connection: 'c', client: undefined as never, at: clock.now, now: () => clock.now, cadence, waitMs: 1_000,
    get: async (_priority, path) => {
      if (!answers.has(path)) throw new Error(`no answer for ${path}`);
      return answers.get(path);
    },
    warn: () => undefined,
  };
}

const plan = (key: string) => ({ key, everyMs: HOUR, priority: 'background' as const, path: `/${key}`, schema: z.object({ n: z.number() }) });

describe('answer cache', () => {
  it('keeps the last good answer and its error apart, and refreshes only when the cadence says so', async () => {
    const clock = { now: 1_000 };
    const answers = new Map<string, unknown>([['/a', { n: 1 }]]);
    const context = contextAt(clock, answers);
    const cache = createAnswerCache();
    await cache.refresh(context, plan('a'));
    expect(cache.get('a')).toEqual({ value: { n: 1 }, at: 1_000 });
    answers.set('/a', { n: 2 });
    await cache.refresh(context, plan('a'));
    expect(cache.get<{ n: number }>('a')?.value.n).toBe(1);
    clock.now += HOUR;
    answers.set('/a', { n: 'not a number' });
    await cache.refresh(context, plan('a'));
    expect(cache.get<{ n: number }>('a')?.value.n).toBe(1);
    expect(cache.error('a')?.code).toBe('proxmox.bad_response');
  });

  it('forgets what retain drops, its place in the cadence included', async () => {
    const clock = { now: 1_000 };
    const answers = new Map<string, unknown>([['/qemu/100', { n: 1 }], ['/qemu/101', { n: 1 }]]);
    const context = contextAt(clock, answers);
    const cache = createAnswerCache();
    await Promise.all([cache.refresh(context, plan('qemu/100')), cache.refresh(context, plan('qemu/101'))]);
    cache.retain((key) => key !== 'qemu/101', context.cadence);
    expect(cache.get('qemu/101')).toBeUndefined();
    expect(cache.get('qemu/100')).toBeDefined();
    // A key the cadence still knows is not due within its period; a forgotten one is new again.
    expect(context.cadence.take('qemu/100', HOUR)).toBe(false);
    expect(context.cadence.take('qemu/101', HOUR)).toBe(true);
  });
});
