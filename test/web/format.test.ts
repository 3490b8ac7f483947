import { describe, expect, it } from 'vitest';
import {
  EMPTY, formatAgo, formatBytes, formatDuration, formatGiB, formatLinkSpeed, formatNumber, formatPercent, formatRate,
  formatUsedOfTotal, plural,
} from '../../packages/web/src/lib/format.ts';

describe('format', () => {
  it('shows a dash for anything a source did not report', () => {
    for (const f of [formatBytes, formatRate, formatGiB, formatPercent, formatNumber, formatDuration, formatLinkSpeed]) {
      expect(f(undefined)).toBe(EMPTY);
      expect(f(null)).toBe(EMPTY);
      expect(f(Number.NaN)).toBe(EMPTY);
    }
    expect(formatUsedOfTotal(undefined, undefined)).toBe(EMPTY);
    expect(formatAgo(undefined, 0)).toBe(EMPTY);
  });

  it('writes bytes in binary units with three significant figures', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(25_276_502_016)).toBe('23.5 GiB');
    expect(formatBytes(270_553_174_016)).toBe('252 GiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5 TiB');
  });

  it('writes rates per second', () => {
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(1.5 * 1024 * 1024)).toBe('1.5 MiB/s');
  });

  it('writes memory as used / total GiB, cache excluded by the caller', () => {
    expect(formatUsedOfTotal(863_604_736, 25_276_502_016)).toBe('0.8 / 23.5 GiB');
    expect(formatUsedOfTotal(undefined, 25_276_502_016)).toBe('— / 23.5 GiB');
    expect(formatGiB(512 * 1024 ** 3)).toBe('512');
  });

  it('writes percentages with one decimal and never above 100%', () => {
    expect(formatPercent(5.303)).toBe('5.3%');
    expect(formatPercent(42.349)).toBe('42.3%');
    expect(formatPercent(99.97)).toBe('100%');
    expect(formatPercent(12.6, 0)).toBe('13%');
  });

  it('writes durations as their two largest units', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(12 * 60 + 3)).toBe('12m 3s');
    expect(formatDuration(5 * 3600 + 12 * 60 + 9)).toBe('5h 12m');
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(formatDuration(-1)).toBe(EMPTY);
  });

  it('says how long ago something happened', () => {
    const now = 1_000_000_000;
    expect(formatAgo(now - 1_000, now)).toBe('just now');
    expect(formatAgo(now - 12_000, now)).toBe('12 s ago');
    expect(formatAgo(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatAgo(now - 2 * 3_600_000, now)).toBe('2 h ago');
  });

  it('writes link speeds and plurals', () => {
    expect(formatLinkSpeed(1000)).toBe('1 Gbit/s');
    expect(formatLinkSpeed(100)).toBe('100 Mbit/s');
    expect(formatLinkSpeed(0)).toBe(EMPTY);
    expect(formatNumber(0.5)).toBe('0.50');
    expect(plural(1, 'resource')).toBe('1 resource');
    expect(plural(1200, 'resource')).toBe('1,200 resources');
  });
});
