import { describe, expect, it } from 'vitest';
import { formatPercent, formatRate, formatSpread, trimZeros } from '../../packages/web/src/lib/format.ts';
import { alignLines } from '../../packages/web/src/ui/chart-columns.ts';
import { dateTimeLabel, pointLabel, spanLabel, tickLabel } from '../../packages/web/src/ui/time-labels.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Local times, so the labels read the same in any time zone the tests run in.
const at = (month: number, day: number, hour = 0, minute = 0, year = 2026) => new Date(year, month - 1, day, hour, minute).getTime();
const now = at(11, 30, 12);

describe('time axis labels', () => {
  it('shows the clock for ticks under a day apart, the date where a tick falls on midnight', () => {
    expect(tickLabel(at(11, 29, 14, 5), 30 * MINUTE)).toBe('14:05');
    expect(tickLabel(at(11, 30), 3 * HOUR)).toBe('30 Nov');
  });

  it('shows dates for ticks days apart, months for months, and the year on January', () => {
    expect(tickLabel(at(11, 24), DAY)).toBe('24 Nov');
    expect(tickLabel(at(11, 24), 7 * DAY)).toBe('24 Nov');
    expect(tickLabel(at(8, 1), 30 * DAY)).toBe('Aug');
    expect(tickLabel(at(1, 1), 60 * DAY)).toBe('2026');
    expect(tickLabel(at(1, 1), 365 * DAY)).toBe('2026');
  });

  it('names a hovered point as precisely as the range needs', () => {
    expect(pointLabel(at(11, 30, 9, 41), HOUR, now)).toBe('09:41');
    expect(pointLabel(at(11, 29, 23, 50), DAY, now)).toBe('29 Nov 23:50');
    expect(pointLabel(at(11, 27, 5), 7 * DAY, now)).toBe('27 Nov 05:00');
    expect(pointLabel(at(3, 12), 365 * DAY, now)).toBe('12 Mar 2026');
  });

  it('writes a span with the date once when it stays within a day, and the year only when not this one', () => {
    expect(spanLabel(at(11, 28, 16, 14), at(11, 28, 18, 2), now)).toBe('28 Nov 16:14 – 18:02');
    expect(spanLabel(at(11, 28, 16, 14), at(11, 29, 12, 58), now)).toBe('28 Nov 16:14 – 29 Nov 12:58');
    expect(spanLabel(at(12, 31, 22, 0, 2025), at(1, 1, 2), now)).toBe('31 Dec 2025 22:00 – 1 Jan 2026 02:00');
    expect(dateTimeLabel(at(7, 11, 0, 0, 2025), now)).toBe('11 Jul 2025 00:00');
    expect(dateTimeLabel(at(11, 29, 23, 59), now)).toBe('29 Nov 23:59');
  });
});

describe('value labels', () => {
  it('writes a low–high spread with the unit once when both share it', () => {
    expect(formatSpread(14, 15, (v) => formatPercent(v, 0))).toBe('14–15%');
    expect(formatSpread(801 * 1024, 920 * 1024, formatRate)).toBe('801–920 KiB/s');
    expect(formatSpread(0, 1.3 * 1024 * 1024, formatRate)).toBe('0 B/s – 1.3 MiB/s');
    expect(formatSpread(0.53, 9.24, (v) => v.toFixed(2))).toBe('0.53–9.24');
  });

  it('drops the trailing zeros of a round tick', () => {
    expect(trimZeros('16.0 MiB/s')).toBe('16 MiB/s');
    expect(trimZeros('2.50')).toBe('2.5');
    expect(trimZeros('0.00')).toBe('0');
    expect(trimZeros('100%')).toBe('100%');
    expect(trimZeros('1.05 GiB')).toBe('1.05 GiB');
  });
});

describe('chart columns', () => {
  it('joins lines on one time column, undefined where a line has no point', () => {
    const cols = alignLines([{ t: [0, 10, 20], v: [1, 2, 3] }, { t: [5, 15], v: [7, 8], low: [6, 7], high: [9, 9] }], 100);
    expect(cols.t).toEqual([0, 5, 10, 15, 20]);
    expect(cols.lines[0]!.v).toEqual([1, undefined, 2, undefined, 3]);
    expect(cols.lines[1]!.v).toEqual([undefined, 7, undefined, 8, undefined]);
    expect(cols.lines[1]!.high).toEqual([undefined, 9, undefined, 9, undefined]);
    // Without a band of its own a line's band is the line itself.
    expect(cols.lines[0]!.low).toEqual(cols.lines[0]!.v);
  });

  it('breaks a line after a silence longer than the gap, so an outage is not drawn as a slope', () => {
    const cols = alignLines([{ t: [0, 10, 500, 510], v: [1, 2, 3, 4] }], 50);
    expect(cols.t).toEqual([0, 10, 11, 500, 510]);
    expect(cols.lines[0]!.v).toEqual([1, 2, null, 3, 4]);
    expect(cols.lines[0]!.high).toEqual([1, 2, null, 3, 4]);
  });

  it('breaks only the line that went silent', () => {
    const cols = alignLines([{ t: [0, 500], v: [1, 2] }, { t: [0, 100, 200, 300, 400, 500], v: [1, 1, 1, 1, 1, 1] }], 150);
    expect(cols.lines[0]!.v).toEqual([1, null, undefined, undefined, undefined, undefined, 2]);
    expect(cols.lines[1]!.v).toEqual([1, undefined, 1, 1, 1, 1, 1]);
  });
});
