import { createSqlMetricStore } from '../src/history/metric-store-sql.js';
import { DEFAULT_RETENTION_MS } from '../src/history/tiers.js';
import type { Sample } from '../src/history/types.js';
import { openDatabase } from '../src/store/database.js';

const DAY = 86_400_000;

export interface SeedSeries {
  resource: string;
  metric: string;
  /** the value at time t */
  value: (t: number) => number;
}

/**
 * Writes `days` of history ending at `end` into the SQLite database under `dataDir`, the way a server
 * running all that time would have: appended, flushed and rolled up day by day on a simulated clock.
 */
export async function seedHistory(dataDir: string, series: readonly SeedSeries[], options: { days: number; stepMs: number; end?: number }): Promise<void> {
  const end = options.end ?? Date.now();
  const start = end - options.days * DAY;
  let clock = start;
  const db = await openDatabase({ dataDir });
  const store = createSqlMetricStore({ db, now: () => clock, retention: DEFAULT_RETENTION_MS, maintainBatches: 100 });
  try {
    for (let day = start; day < end; day += DAY) {
      const samples: Sample[] = [];
      for (let t = day; t < Math.min(end, day + DAY); t += options.stepMs) {
        for (const s of series) samples.push({ resource: s.resource, metric: s.metric, t, v: s.value(t) });
      }
      store.append(samples);
      clock = Math.min(end, day + DAY);
      await store.maintain();
    }
    for (let i = 0; i < 3; i++) await store.maintain();
    await store.close();
  } finally {
    await db.close();
  }
}
