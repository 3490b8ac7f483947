import type { MaintenanceWindowInput } from '@pulse/protocol';

const DAY = 86_400_000;

/** Wall-clock parts of an instant in an IANA zone; formatters are costly to build, so one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `Intl` knows the zone (a RangeError otherwise): checked when a window is saved. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of `t` in the zone, as if it were UTC (so date arithmetic is plain ms). */
function wallTime(t: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (t % 1000 + 1000) % 1000;
}

/**
 * The instant a local wall time happens in the zone. Offsets change at DST, so the guess is
 * corrected with the offset at the corrected time; a wall time skipped by a spring-forward gap lands
 * just after the gap, as clocks on the wall do.
 */
function instantOf(wall: number, timeZone: string): number {
  let t = wall - (wallTime(wall, timeZone) - wall);
  t = wall - (wallTime(t, timeZone) - t);
  return t;
}

/** Start instants of occurrences of a window beginning in [from - duration, to]; one-off windows have one. */
export function occurrences(window: MaintenanceWindowInput, from: number, to: number): Array<{ startsAt: number; endsAt: number }> {
  const duration = window.endsAt - window.startsAt;
  const { recurrence } = window;
  if (!recurrence) return window.startsAt <= to && window.endsAt > from ? [{ startsAt: window.startsAt, endsAt: window.endsAt }] : [];
  const zone = recurrence.timezone;
  const firstWall = wallTime(window.startsAt, zone);
  const timeOfDay = ((firstWall % DAY) + DAY) % DAY;
  const weekdays = recurrence.freq === 'weekly'
    ? new Set(recurrence.weekdays.length ? recurrence.weekdays : [new Date(firstWall).getUTCDay()])
    : undefined;
  const out: Array<{ startsAt: number; endsAt: number }> = [];
  // Local days from the one whose occurrence could still be running at `from` up to `to`.
  const firstDay = Math.floor((wallTime(Math.max(from - duration, window.startsAt), zone)) / DAY) - 1;
  const lastDay = Math.floor(wallTime(to, zone) / DAY) + 1;
  for (let day = firstDay; day <= lastDay && out.length < 1000; day++) {
    const wall = day * DAY + timeOfDay;
    if (weekdays && !weekdays.has(new Date(wall).getUTCDay())) continue;
    const startsAt = instantOf(wall, zone);
    if (startsAt < window.startsAt || (recurrence.until !== undefined && startsAt > recurrence.until)) continue;
    if (startsAt <= to && startsAt + duration > from) out.push({ startsAt, endsAt: startsAt + duration });
  }
  return out;
}

/** Whether the window is on at `t` (start inclusive, end exclusive). */
export function isInWindow(window: MaintenanceWindowInput, t: number): boolean {
  return occurrences(window, t, t).some((o) => o.startsAt <= t && t < o.endsAt);
}

/** Whether the window covers the monitor: an empty list means every monitor. */
export const coversMonitor = (window: MaintenanceWindowInput, monitorId: string): boolean =>
  window.monitorIds.length === 0 || window.monitorIds.includes(monitorId);
