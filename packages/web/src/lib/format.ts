/**
 * Number formatting for figures on screen. Every function takes a possibly-missing value and
 * answers EMPTY for it, so a view never has to guard a metric a source did not report.
 */

export const EMPTY = '—';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const GIB = 1024 ** 3;

function scaleBytes(bytes: number): { value: number; unit: (typeof BYTE_UNITS)[number] } {
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1024 && i < BYTE_UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  return { value: Math.sign(bytes) * value, unit: BYTE_UNITS[i]! };
}

/** Three significant figures at most: 1.23, 12.3, 123. */
function sig(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2).replace(/\.?0+$/, '') || '0';
}

/** 1536 → "1.5 KiB". Binary units, as `free` and `df -h` show them. */
export function formatBytes(bytes: number | undefined | null): string {
  if (!isNum(bytes)) return EMPTY;
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`;
  const { value, unit } = scaleBytes(bytes);
  return `${sig(value)} ${unit}`;
}

/** Bytes per second → "1.2 MiB/s". */
export function formatRate(bytesPerSecond: number | undefined | null): string {
  if (!isNum(bytesPerSecond)) return EMPTY;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Bytes as GiB without the unit, for "used / total GiB" pairs. */
export function formatGiB(bytes: number | undefined | null): string {
  if (!isNum(bytes)) return EMPTY;
  const gib = bytes / GIB;
  return gib >= 100 ? gib.toFixed(0) : gib.toFixed(1);
}

/** "3.2 / 15.6 GiB"; either side may be missing. */
export function formatUsedOfTotal(used: number | undefined | null, total: number | undefined | null): string {
  if (!isNum(used) && !isNum(total)) return EMPTY;
  return `${formatGiB(used)} / ${formatGiB(total)} GiB`;
}

/** 42.345 → "42.3%"; values are already percentages (0-100). */
export function formatPercent(percent: number | undefined | null, digits = 1): string {
  if (!isNum(percent)) return EMPTY;
  if (percent >= 99.95 && percent <= 100) return '100%';
  return `${percent.toFixed(digits)}%`;
}

/** Plain figures such as load averages: 0.5 → "0.50". */
export function formatNumber(value: number | undefined | null, digits = 2): string {
  if (!isNum(value)) return EMPTY;
  return value.toFixed(digits);
}

// One formatter for every count: toLocaleString builds a new one per call, which a live table of
// hundreds of rows feels.
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Counts with thousands separators: 12345 → "12,345". */
export function formatCount(value: number | undefined | null): string {
  if (!isNum(value)) return EMPTY;
  return COUNT.format(Math.round(value));
}

/** Seconds → the two largest units: "3d 4h", "5h 12m", "12m 3s", "45s". */
export function formatDuration(seconds: number | undefined | null): string {
  if (!isNum(seconds) || seconds < 0) return EMPTY;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** How long ago `thenMs` was, relative to `nowMs`: "just now", "12 s ago", "3 min ago", "2 h ago". */
export function formatAgo(thenMs: number | undefined | null, nowMs: number): string {
  if (!isNum(thenMs)) return EMPTY;
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** How long until `thenMs`, relative to `nowMs`: "in 45 s", "in 12 min", "in 23 h", "in 6 d"; past ones read "expired". */
export function formatIn(thenMs: number | undefined | null, nowMs: number): string {
  if (!isNum(thenMs)) return EMPTY;
  const s = Math.round((thenMs - nowMs) / 1000);
  if (s <= 0) return 'expired';
  if (s < 60) return `in ${s} s`;
  if (s < 3_600) return `in ${Math.floor(s / 60)} min`;
  if (s < 2 * 86_400) return `in ${Math.floor(s / 3_600)} h`;
  return `in ${Math.floor(s / 86_400)} d`;
}

/** Link speed in Mbit/s → "1 Gbit/s", "100 Mbit/s". */
export function formatLinkSpeed(mbps: number | undefined | null): string {
  if (!isNum(mbps) || mbps <= 0) return EMPTY;
  return mbps >= 1000 ? `${sig(mbps / 1000)} Gbit/s` : `${sig(mbps)} Mbit/s`;
}

/** "1 resource", "3 resources". */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A low–high pair in one figure, the unit written once when both share it: "14–15%",
 * "801–920 KiB/s", but "0 B/s – 1.3 MiB/s".
 */
export function formatSpread(low: number, high: number, format: (v: number) => string): string {
  const a = format(low);
  const b = format(high);
  const unit = (s: string) => s.match(/[^\d.,\s-][^\d]*$/)?.[0] ?? '';
  const u = unit(a);
  return u === unit(b) ? `${a.slice(0, a.length - u.length).trimEnd()}–${b}` : `${a} – ${b}`;
}

/** Trailing zeros of a figure dropped, unit kept: "16.0 MiB/s" → "16 MiB/s", "2.50" → "2.5", "0.00" → "0". */
export function trimZeros(label: string): string {
  return label.replace(/(\.\d*?[1-9])0+(?=\D*$)/, '$1').replace(/\.0+(?=\D*$)/, '');
}
