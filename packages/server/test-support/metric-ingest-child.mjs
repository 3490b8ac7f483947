// Child for history/metric-store-crash.test.ts: ingests into a SQLite metric store until it is killed,
// and after every flush tells the parent over IPC how many ticks (one sample per series each) are flushed.
// It imports the built server (dist), as a real `pulse serve` process would run it.
import { fileURLToPath } from 'node:url';

export const T0 = 1_735_689_600_000;
export const STEP_MS = 10_000;
export const SERIES = 20;
/** The value series `s` reports at tick `i`; the parent recomputes it to check what survived. */
export const valueAt = (s, i) => ((s * 7919 + i * 31) % 1000) / 10;

// The test imports this file for the constants above; only a forked child ingests.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { createSqlMetricStore } = await import('../dist/history/metric-store-sql.js');
  const { DEFAULT_RETENTION_MS } = await import('../dist/history/tiers.js');
  const { openDatabase } = await import('../dist/store/database.js');
  const [file, flushMs] = process.argv.slice(2);
  const db = await openDatabase({ url: `sqlite:${file}`, dataDir: '' });
  let tick = 0;
  // Data time is the clock, so rollups, checkpoints and chunk closing all happen within a second or two.
  const store = createSqlMetricStore({ db, now: () => T0 + tick * STEP_MS, retention: DEFAULT_RETENTION_MS });
  setInterval(() => {
    const samples = [];
    for (let k = 0; k < 10; k++, tick++) {
      for (let s = 0; s < SERIES; s++) samples.push({ resource: `host:${s}`, metric: 'cpu', t: T0 + tick * STEP_MS, v: valueAt(s, tick) });
    }
    store.append(samples);
  }, 1);
  process.on('disconnect', () => process.exit(0));
  for (let flushes = 1; ; flushes++) {
    await new Promise((resolve) => setTimeout(resolve, Number(flushMs)));
    const through = tick;
    await store.flush();
    process.send({ flushed: through });
    if (flushes % 4 === 0) await store.maintain();
  }
}
