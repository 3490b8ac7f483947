import type { Config } from '../config/index.js';
import { historyStorageReport, type StorageReport } from '../history/storage-report.js';
import { openDatabase } from '../store/index.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
function bytes(n: number): string {
  let i = 0;
  while (n >= 1000 && i < UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)} ${UNITS[i]}`;
}
const day = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

/** The report as a small table; figures are the codec's bytes, the database line is the whole file. */
export function formatStorageReport(r: StorageReport): string {
  const widths = [5, 9, 12, 10, 8, 17, 17];
  const lines = [
    `metric history (${r.dialect}): ${r.series.toLocaleString('en-US')} series, database ${bytes(r.databaseBytes)} on disk`,
    '',
    pad(['tier', 'chunks', 'points', 'bytes', 'B/point', 'oldest (UTC)', 'newest (UTC)'], widths),
    ...r.tiers.map((t) => pad([
      t.tier, t.chunks.toLocaleString('en-US'), t.points.toLocaleString('en-US'), bytes(t.bytes),
      t.points ? (t.bytes / t.points).toFixed(2) : '-', day(t.oldest), day(t.newest),
    ], widths)),
    '',
    `head log (flushed, not yet in chunks): ${r.headLog.rows} rows, ${bytes(r.headLog.bytes)}`,
    r.lastHour
      ? `written in the hour to ${day(r.lastHour.at)}: ${bytes(r.lastHour.bytesWritten)} for ${r.lastHour.samplesAccepted.toLocaleString('en-US')} samples (${r.lastHour.samplesDropped} dropped as NaN, infinite or late)`
      : 'written per hour: not recorded yet (the server records it at the end of each hour it runs)',
  ];
  return lines.join('\n');
}

/** `pulse db stats`: reads the database directly, so it works while the server runs. */
export async function dbStats(config: Config, flags: { json?: boolean | undefined }): Promise<string> {
  const db = await openDatabase({ url: config.database_url, dataDir: config.data_dir });
  try {
    const report = await historyStorageReport(db);
    return flags.json ? JSON.stringify(report, null, 2) : formatStorageReport(report);
  } finally {
    await db.close();
  }
}
