// Where the bytes of Pulse's chunks go, for bench/history.mjs: decodes the stored chunks of a sample of
// series and re-encodes them with the store's own codec, as stored and under a few "what if" changes.
// Nothing here changes the store; the figures show what a change to the writer would be worth.
import { join } from 'node:path';
import Database from 'better-sqlite3';

const round = (x, k) => Math.round(x * 10 ** k) / 10 ** k;

/** Raw and 1 m chunks of every metric of every `sampleEvery`-th resource (by name) in `file`. */
export async function codecWhatIf(file, dist, sampleEvery = 10) {
  const { decodeChunk, encodeChunk } = await import(join(dist, 'history/chunk-codec.js'));
  const { decodeRollupChunk } = await import(join(dist, 'history/chunk-format.js'));
  const db = new Database(file, { readonly: true });
  const series = db.prepare('SELECT id, resource, metric FROM metric_series').all();
  const resources = [...new Set(series.map((s) => s.resource))].sort().filter((_, i) => i % sampleEvery === 0);
  const picked = new Set(resources);
  const metricOf = new Map(series.filter((s) => picked.has(s.resource)).map((s) => [s.id, s.metric]));
  const rows = [];
  for (const row of db.prepare("SELECT series_id, tier, data FROM metric_chunks WHERE tier IN ('raw', '1m')").iterate()) {
    const metric = metricOf.get(row.series_id);
    if (metric !== undefined) rows.push({ metric, tier: row.tier, data: row.data });
  }
  db.close();

  const raw = new Map();
  const rollup = { chunks: 0, buckets: 0, stored: 0, avg: 0, min: 0, max: 0, count: 0, avgRounded4: 0 };
  for (const row of rows) {
    if (row.tier === 'raw') {
      const { t, v } = decodeChunk(row.data);
      const m = raw.get(row.metric) ?? { chunks: 0, points: 0, stored: 0, timestampsOnly: 0, tRoundedTo1s: 0, valuesRounded: 0 };
      m.chunks++;
      m.points += t.length;
      m.stored += row.data.length;
      // The chunk with every value 0: header, timestamps and CRC — what the timestamps cost.
      m.timestampsOnly += encodeChunk(t, t.map(() => 0)).length;
      m.tRoundedTo1s += encodeChunk(t.map((x) => Math.round(x / 1000) * 1000), v).length;
      // Values rounded to 2 decimals (only changes unrounded floats such as net.tx).
      m.valuesRounded += encodeChunk(t, v.map((x) => round(x, 2))).length;
      raw.set(row.metric, m);
    } else {
      const b = decodeRollupChunk(row.data);
      rollup.chunks++;
      rollup.buckets += b.t.length;
      rollup.stored += row.data.length;
      for (const k of ['avg', 'min', 'max', 'count']) rollup[k] += encodeChunk(b.t, b[k]).length;
      rollup.avgRounded4 += encodeChunk(b.t, b.avg.map((x) => round(x, 4))).length;
    }
  }
  const rawTotal = { chunks: 0, points: 0, stored: 0, timestampsOnly: 0, tRoundedTo1s: 0, valuesRounded: 0 };
  for (const m of raw.values()) for (const k of Object.keys(rawTotal)) rawTotal[k] += m[k];
  return { sampleEvery, resources: resources.length, raw: Object.fromEntries([...raw].sort((a, b) => b[1].stored / b[1].points - a[1].stored / a[1].points)), rawTotal, rollup1m: rollup };
}
