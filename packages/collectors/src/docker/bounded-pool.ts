import { setTimeout as delay } from 'node:timers/promises';

export interface PoolOptions {
  /** most tasks running at once */
  concurrency: number;
  /** least time between two task starts, so a sweep does not hit the engine in one burst */
  staggerMs: number;
}

/**
 * Runs `task` over `items` with bounded concurrency, like Promise.allSettled: every item gets a
 * result in input order, and one slow or failing task delays only the items queued behind its slot.
 */
export async function settleBounded<T, R>(items: readonly T[], options: PoolOptions, task: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency), items.length));
  const sweepStart = performance.now();
  let next = 0;

  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      if (options.staggerMs > 0) {
        const wait = sweepStart + index * options.staggerMs - performance.now();
        if (wait > 0) await delay(wait);
      }
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  }

  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
