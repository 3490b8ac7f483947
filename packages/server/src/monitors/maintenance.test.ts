import type { MaintenanceWindowInput } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { coversMonitor, isInWindow, isTimeZone, occurrences } from './maintenance.js';

const HOUR = 3_600_000;
const utc = (...parts: [number, number, number, number, number?]) => Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4] ?? 0);
const window = (w: Partial<MaintenanceWindowInput> & Pick<MaintenanceWindowInput, 'startsAt' | 'endsAt'>): MaintenanceWindowInput => ({ title: 'w', monitorIds: [], ...w });

describe('maintenance windows', () => {
  it('covers a one-off window from its start up to (not including) its end', () => {
    const w = window({ startsAt: utc(2025, 6, 1, 10), endsAt: utc(2025, 6, 1, 12) });
    expect(isInWindow(w, utc(2025, 6, 1, 9, 59))).toBe(false);
    expect(isInWindow(w, utc(2025, 6, 1, 10))).toBe(true);
    expect(isInWindow(w, utc(2025, 6, 1, 11, 59))).toBe(true);
    expect(isInWindow(w, utc(2025, 6, 1, 12))).toBe(false);
  });

  it('repeats daily at the same local time in its zone across a DST change, until its end date', () => {
    // 01:30-02:30 in Berlin: 00:30Z in winter (CET), 23:30Z the day before in summer (CEST, from 30 March 2025).
    const w = window({ startsAt: utc(2025, 3, 1, 0, 30), endsAt: utc(2025, 3, 1, 1, 30), recurrence: { freq: 'daily', weekdays: [], timezone: 'Europe/Berlin', until: utc(2025, 4, 3, 0) } });
    expect(isInWindow(w, utc(2025, 3, 15, 0, 45))).toBe(true);
    expect(isInWindow(w, utc(2025, 3, 15, 1, 45))).toBe(false);
    expect(isInWindow(w, utc(2025, 3, 31, 23, 45))).toBe(true);
    expect(isInWindow(w, utc(2025, 4, 1, 0, 45))).toBe(false);
    // Not before the first occurrence, not after `until`.
    expect(isInWindow(w, utc(2025, 2, 28, 0, 45))).toBe(false);
    expect(isInWindow(w, utc(2025, 4, 5, 23, 45))).toBe(false);
  });

  it('repeats weekly on its weekdays, a window crossing midnight included', () => {
    // Mondays 22:00-02:00 Berlin time, first on Monday 3 March 2025.
    const w = window({ startsAt: utc(2025, 3, 3, 21), endsAt: utc(2025, 3, 4, 1), recurrence: { freq: 'weekly', weekdays: [1], timezone: 'Europe/Berlin' } });
    expect(isInWindow(w, utc(2025, 3, 10, 23, 30))).toBe(true);
    expect(isInWindow(w, utc(2025, 3, 11, 23, 30))).toBe(false);
    expect(isInWindow(w, utc(2025, 3, 9, 23, 30))).toBe(false);
    expect(occurrences(w, utc(2025, 3, 10, 0), utc(2025, 3, 24, 0)).map((o) => (o.endsAt - o.startsAt) / HOUR)).toEqual([4, 4]);
    // Without weekdays: the weekday of the first occurrence.
    const sameDay = window({ ...w, recurrence: { freq: 'weekly', weekdays: [], timezone: 'UTC' } });
    expect(isInWindow(sameDay, utc(2025, 3, 17, 22))).toBe(true);
    expect(isInWindow(sameDay, utc(2025, 3, 18, 22))).toBe(false);
  });

  it('covers every monitor when it names none, and knows real time zones', () => {
    expect(coversMonitor(window({ startsAt: 0, endsAt: 1 }), 'any')).toBe(true);
    expect(coversMonitor(window({ startsAt: 0, endsAt: 1, monitorIds: ['a'] }), 'b')).toBe(false);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
