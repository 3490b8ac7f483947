import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultKernelUnits } from './kernel-units.js';
import { readProcessStats } from './processes.js';
import { createTopProcessTracker } from './top-processes.js';

const fixtureProc = fileURLToPath(new URL('fixtures/host/proc', import.meta.url));
let procRoot: string;

beforeEach(() => {
  procRoot = join(mkdtempSync(join(tmpdir(), 'pulse-top-')), 'proc');
  cpSync(fixtureProc, procRoot, { recursive: true });
});
afterEach(() => rmSync(join(procRoot, '..'), { recursive: true, force: true }));

const scan = () => readProcessStats(procRoot).processes;
/** A 52-field stat line with the fields top processes read: utime 14, stime 15, starttime 22, rss 24. */
const stat = (pid: number, comm: string, utime: number, stime: number, start: number, rss: number): string =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 1000 0 10 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 0 ${rss} ${' 0'.repeat(28).trim()}\n`;

describe('top processes', () => {
  it('ranks by the average since each process started on the first scan, as ps does', () => {
    const top = createTopProcessTracker({ procRoot, count: 10 }).update(0, scan(), defaultKernelUnits);
    // Uptime 403.63 s. node: 2,500 ticks = 25 s over 403.63 − 203.63 s = 12.5 %; "evil) (name x":
    // 4 s over 40 s = 10 %; systemd 8 s over 400 s = 2 %; vim 0.4 s over 200 s = 0.2 %; jbd2 0.05 %.
    expect(top.byCpu.map((p) => [p.pid, p.cpuPercent])).toEqual([
      [101, 12.5], [4242, 10], [1, 2], [99, 0.2], [88, 0.05], [77, 0.02], [2, 0.01],
    ]);
    // RSS pages × 4 KiB; kernel threads and zombies have none and are left out.
    expect(top.byMemory).toEqual([
      { pid: 101, name: 'node', cpuPercent: 12.5, rssBytes: 25_000 * 4096 },
      { pid: 1, name: 'systemd', cpuPercent: 2, rssBytes: 3022 * 4096 },
      { pid: 99, name: 'vim', cpuPercent: 0.2, rssBytes: 2500 * 4096 },
      { pid: 4242, name: 'evil) (name x', cpuPercent: 10, rssBytes: 1000 * 4096 },
      { pid: 100, name: 'gdb-target', cpuPercent: 0, rssBytes: 400 * 4096 },
    ]);
  });

  it('measures CPU between scans, and a reused pid from its own start', () => {
    const tracker = createTopProcessTracker({ procRoot, count: 2 });
    tracker.update(0, scan(), defaultKernelUnits);
    // 10 s later: node used 1,500 more ticks (150 % of one CPU: two threads), systemd 10 more.
    writeFileSync(join(procRoot, '101/stat'), stat(101, 'node', 3400, 600, 20_363, 25_000));
    writeFileSync(join(procRoot, '1/stat'), stat(1, 'systemd', 305, 505, 363, 3022));
    // pid 4242 exited and was reused 5 s ago (uptime now 413.63 s): 1 s of CPU over its 5 s.
    writeFileSync(join(procRoot, 'uptime'), '413.63 520.00\n');
    writeFileSync(join(procRoot, '4242/stat'), stat(4242, 'make', 80, 20, 40_863, 800));
    const top = tracker.update(10_000, scan(), defaultKernelUnits);
    expect(top.byCpu).toEqual([
      { pid: 101, name: 'node', cpuPercent: 150, rssBytes: 25_000 * 4096 },
      { pid: 4242, name: 'make', cpuPercent: 20, rssBytes: 800 * 4096 },
    ]);
  });

  it('reports 0 %, never negative, when a counter goes backwards, and uses the real page size', () => {
    const tracker = createTopProcessTracker({ procRoot, count: 10 });
    tracker.update(0, scan(), defaultKernelUnits);
    writeFileSync(join(procRoot, '101/stat'), stat(101, 'node', 10, 10, 20_363, 25_000));
    const top = tracker.update(10_000, scan(), { pageSizeBytes: 65_536, clockTicksPerSec: 100 });
    expect(top.byCpu.find((p) => p.pid === 101)).toBeUndefined();
    expect(top.byMemory[0]).toMatchObject({ pid: 101, rssBytes: 25_000 * 65_536 });
  });
});
