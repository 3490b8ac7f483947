/*
 * Times on charts, in the viewer's local time. An axis label only needs to tell its neighbours
 * apart, so its form follows the tick spacing; a readout names one point, so its form follows
 * how much of the calendar the chart spans.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const dayMonth = (d: Date) => `${d.getDate()} ${MONTHS[d.getMonth()]}`;
const isMidnight = (d: Date) => d.getHours() === 0 && d.getMinutes() === 0;
const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/**
 * The label of one axis tick, given the spacing between ticks: "14:00" under a day apart (the date
 * where a tick falls on midnight, so a 24 h chart shows where the day turns), "12 Mar" for days,
 * "Mar" for months with the year on January, "2026" for years.
 */
export function tickLabel(ms: number, spacingMs: number): string {
  const d = new Date(ms);
  if (spacingMs < DAY) return isMidnight(d) ? dayMonth(d) : clock(d);
  if (spacingMs < 28 * DAY) return dayMonth(d);
  if (spacingMs < 365 * DAY) return d.getMonth() === 0 ? String(d.getFullYear()) : MONTHS[d.getMonth()]!;
  return String(d.getFullYear());
}

/**
 * One point in a readout, for a chart spanning `spanMs`: "14:05" within a day (with the date when it
 * is not today), "12 Mar 14:00" up to a few months, "12 Mar 2026" beyond.
 */
export function pointLabel(ms: number, spanMs: number, nowMs: number): string {
  const d = new Date(ms);
  if (spanMs <= DAY + HOUR) return sameDay(d, new Date(nowMs)) ? clock(d) : `${dayMonth(d)} ${clock(d)}`;
  if (spanMs <= 100 * DAY) return `${dayMonth(d)} ${clock(d)}`;
  return `${dayMonth(d)} ${d.getFullYear()}`;
}

/** A span of time: "12 Mar 14:05 – 16:30" within a day, "12 Mar 14:05 – 14 Mar 02:00" across days. */
export function spanLabel(fromMs: number, toMs: number, nowMs: number): string {
  const a = new Date(fromMs);
  const b = new Date(toMs);
  // The year only when it is not this one, or the span crosses into another.
  const year = a.getFullYear() !== b.getFullYear() || a.getFullYear() !== new Date(nowMs).getFullYear();
  const start = `${dayMonth(a)}${year ? ` ${a.getFullYear()}` : ''} ${clock(a)}`;
  if (sameDay(a, b)) return `${start} – ${clock(b)}`;
  return `${start} – ${dayMonth(b)}${year ? ` ${b.getFullYear()}` : ''} ${clock(b)}`;
}

/** A moment in a table: "12 Mar 14:05" this year, "12 Mar 2025 14:05" before. */
export function dateTimeLabel(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const year = d.getFullYear() !== new Date(nowMs).getFullYear() ? ` ${d.getFullYear()}` : '';
  return `${dayMonth(d)}${year} ${clock(d)}`;
}
