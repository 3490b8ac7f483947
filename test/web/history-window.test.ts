import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANGE, MIN_ZOOM_MS, parseRange, RANGES, requestFor, windowOf, windowTitle, zoomTo,
} from '../../packages/web/src/features/history/history-window.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const now = new Date(2026, 10, 30, 12, 0).getTime();

describe('history range', () => {
  it('offers the six presets, an hour first and by default', () => {
    expect(RANGES.map((r) => r.key)).toEqual(['1h', '6h', '24h', '7d', '30d', '1y']);
    expect(DEFAULT_RANGE).toBe('1h');
  });

  it('reads the range from the URL and falls back to the default for anything else', () => {
    expect(parseRange('7d')).toBe('7d');
    expect(parseRange('1y')).toBe('1y');
    expect(parseRange(undefined)).toBe('1h');
    expect(parseRange('2w')).toBe('1h');
    expect(parseRange('constructor')).toBe('1h');
  });

  it('turns a range into a window ending now, and a zoom into a fixed one', () => {
    expect(windowOf('7d', null)).toEqual({ live: true, spanMs: 7 * DAY });
    expect(windowOf('7d', { from: 10, to: 20 })).toEqual({ live: false, from: 10, to: 20 });
  });

  it('asks for the window ending now, one point per pixel of plot', () => {
    expect(requestFor({ live: true, spanMs: 30 * DAY }, now, 486.4)).toEqual({ from: now - 30 * DAY, to: now, points: 486 });
    expect(requestFor({ live: false, from: 1_000, to: 2_000 }, now, 600)).toEqual({ from: 1_000, to: 2_000, points: 600 });
  });

  it('keeps the point count within what the server accepts', () => {
    expect(requestFor({ live: true, spanMs: HOUR }, now, 0).points).toBe(2);
    expect(requestFor({ live: true, spanMs: HOUR }, now, 9_000).points).toBe(5_000);
  });

  it('names the window: the preset, or the zoomed span', () => {
    expect(windowTitle('30d', null, now)).toBe('Last 30 days');
    const from = new Date(2026, 10, 28, 16, 14).getTime();
    expect(windowTitle('30d', { from, to: from + 2 * HOUR }, now)).toBe('28 Nov 16:14 – 18:14');
  });
});

describe('zoom', () => {
  const shown = { from: now - 30 * DAY, to: now };

  it('zooms into the dragged span whichever way it was dragged', () => {
    expect(zoomTo(now - 2 * DAY, now - DAY, shown, now)).toEqual({ from: now - 2 * DAY, to: now - DAY });
    expect(zoomTo(now - DAY, now - 2 * DAY, shown, now)).toEqual({ from: now - 2 * DAY, to: now - DAY });
  });

  it('stays inside what was shown and never reaches past now', () => {
    expect(zoomTo(now - 40 * DAY, now + HOUR, shown, now)).toEqual(shown);
    // A live window may end a moment after the clock the zoom is checked against.
    expect(zoomTo(now - HOUR, now + 5_000, { from: now - DAY, to: now + 5_000 }, now).to).toBe(now);
  });

  it('widens a too-narrow span to a minute about its middle', () => {
    const mid = now - DAY;
    expect(zoomTo(mid - 1_000, mid + 1_000, shown, now)).toEqual({ from: mid - MIN_ZOOM_MS / 2, to: mid + MIN_ZOOM_MS / 2 });
  });

  it('widens inward at an edge rather than past it', () => {
    expect(zoomTo(now - 2_000, now, shown, now)).toEqual({ from: now - MIN_ZOOM_MS, to: now });
    expect(zoomTo(shown.from, shown.from + 2_000, shown, now)).toEqual({ from: shown.from, to: shown.from + MIN_ZOOM_MS });
  });
});
