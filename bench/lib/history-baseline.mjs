// The baseline for bench/history.mjs: the common "one row per sample" SQLite design, set up the way the
// Pulse database is (WAL, synchronous = NORMAL, default page and cache size), one transaction per flush.
//
// Two layouts:
//   'id'   (default, the stronger one) — series(id INTEGER PRIMARY KEY, resource, metric) and
//          samples(series_id INTEGER, t INTEGER, v REAL, PRIMARY KEY (series_id, t)) WITHOUT ROWID:
//          the table IS the (series, t) index, so a sample costs one B-tree entry, and a series' range
//          is contiguous on disk (the best case for the chart query).
//   'text' — samples(resource TEXT, metric TEXT, t INTEGER, v REAL) with an index on (resource, metric, t):
//          the design as usually first written; every sample repeats both names, in the table and the index.
// Chart queries bucket the range into `points` equal slices with GROUP BY and return min/max/avg/count,
// the same answer shape readHistory gives.
import Database from 'better-sqlite3';

export function openBaseline(file, layout = 'id') {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (layout === 'id') {
    db.exec(`CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, resource TEXT NOT NULL, metric TEXT NOT NULL, UNIQUE (resource, metric));
      CREATE TABLE IF NOT EXISTS samples (series_id INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series_id, t)) WITHOUT ROWID;`);
  } else {
    db.exec(`CREATE TABLE IF NOT EXISTS samples (resource TEXT NOT NULL, metric TEXT NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL);
      CREATE INDEX IF NOT EXISTS samples_series_t ON samples (resource, metric, t);`);
  }
  const ids = new Map();
  let insert;
  let addSeries;
  if (layout === 'id') {
    for (const row of db.prepare('SELECT id, resource, metric FROM series').all()) ids.set(`${row.resource}\u0000${row.metric}`, row.id);
    // OR REPLACE: a repeated (series, t) overwrites, as Pulse's store does.
    insert = db.prepare('INSERT OR REPLACE INTO samples (series_id, t, v) VALUES (?, ?, ?)');
    addSeries = db.prepare('INSERT INTO series (resource, metric) VALUES (?, ?)');
  } else {
    insert = db.prepare('INSERT INTO samples (resource, metric, t, v) VALUES (?, ?, ?, ?)');
  }

  /** One transaction for a flush's worth of per-resource sample arrays ({resource, metric, t, v}). */
  const writeBatch = db.transaction((batches) => {
    for (const samples of batches) {
      for (const s of samples) {
        if (layout === 'id') {
          const key = `${s.resource}\u0000${s.metric}`;
          let id = ids.get(key);
          if (id === undefined) {
            id = Number(addSeries.run(s.resource, s.metric).lastInsertRowid);
            ids.set(key, id);
          }
          insert.run(id, s.t, s.v);
        } else {
          insert.run(s.resource, s.metric, s.t, s.v);
        }
      }
    }
  });

  /** Bulk load for building a query database: [seriesKey, t, v] triples in one transaction ('id' layout). */
  const insertRows = db.transaction((rows) => {
    for (const [resource, metric, t, v] of rows) {
      const key = `${resource}\u0000${metric}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = Number(addSeries.run(resource, metric).lastInsertRowid);
        ids.set(key, id);
      }
      insert.run(id, t, v);
    }
  });

  const lookup = layout === 'id' ? db.prepare('SELECT id, metric FROM series WHERE resource = ?') : undefined;
  const bucketed = layout === 'id'
    ? db.prepare(`SELECT CAST((t - @from) / @width AS INTEGER) AS b, min(t) AS t, avg(v) AS v, min(v) AS lo, max(v) AS hi, count(*) AS n
        FROM samples WHERE series_id = @id AND t BETWEEN @from AND @to GROUP BY b ORDER BY b`)
    : db.prepare(`SELECT CAST((t - @from) / @width AS INTEGER) AS b, min(t) AS t, avg(v) AS v, min(v) AS lo, max(v) AS hi, count(*) AS n
        FROM samples WHERE resource = @resource AND metric = @metric AND t BETWEEN @from AND @to GROUP BY b ORDER BY b`);
  bucketed.raw(true);

  /** The chart query for one resource's metrics: ≤ `points` buckets each with t, avg, min, max, count. */
  function chart(resource, metrics, from, to, points) {
    const width = Math.max(1, Math.ceil((to - from + 1) / points));
    const out = [];
    if (layout === 'id') {
      const byMetric = new Map(lookup.all(resource).map((r) => [r.metric, r.id]));
      for (const metric of metrics) {
        const id = byMetric.get(metric);
        const rows = id === undefined ? [] : bucketed.all({ id, from, to, width });
        out.push(toSeries(metric, rows));
      }
    } else {
      for (const metric of metrics) out.push(toSeries(metric, bucketed.all({ resource, metric, from, to, width })));
    }
    return out;
  }

  return { db, layout, writeBatch, insertRows, chart, close: () => db.close() };
}

function toSeries(metric, rows) {
  const s = { metric, t: [], v: [], min: [], max: [], count: [] };
  for (const [, t, v, lo, hi, n] of rows) {
    s.t.push(t); s.v.push(v); s.min.push(lo); s.max.push(hi); s.count.push(n);
  }
  return s;
}
