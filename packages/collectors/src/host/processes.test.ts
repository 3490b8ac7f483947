import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultKernelUnits } from './kernel-units.js';
import { countProcesses, createProcessScanner, parseProcessStat, readProcessStats } from './processes.js';

const procRoot = fileURLToPath(new URL('fixtures/host/proc', import.meta.url));

describe('processes', () => {
  it('finds the fields after the last parenthesis even when the command name contains ") ("', () => {
    expect(parseProcessStat('4242 (evil) (name x) R 1 4242 4242 0 -1 4194560 1000 0 10 0 300 100 0 0 20 0 1 0 36363 12288000 1000 0')).toEqual({
      pid: 4242, name: 'evil) (name x', state: 'R', cpuTicks: 400, startTicks: 36_363, rssPages: 1000,
    });
    expect(parseProcessStat('1 (systemd) S 0 1 1')).toMatchObject({ state: 'S', cpuTicks: 0, rssPages: 0 });
    expect(parseProcessStat('garbage')).toBeUndefined();
  });

  it('reads the same fields from a 2.6.32 stat line, which stops at field 44', () => {
    const mysqld = readProcessStats(fileURLToPath(new URL('fixtures/old-kernel/proc', import.meta.url))).processes.find((p) => p.pid === 1234);
    expect(mysqld).toEqual({ pid: 1234, name: 'mysqld', state: 'S', cpuTicks: 9_000_000, startTicks: 200_000_000, rssPages: 500_000 });
  });

  it('counts every state and ignores a pid that vanished mid-scan', () => {
    // pid 4243 is a directory with no stat file, as when a process exits between readdir and read.
    const { processes, unreadable } = readProcessStats(procRoot);
    expect(unreadable).toBe(0);
    expect(countProcesses(processes)).toEqual({ running: 2, sleeping: 2, blocked: 1, zombie: 1, stopped: 2, idle: 1, total: 9 });
  });

  it('rescans only after scanMs has passed, or when the clock steps back', () => {
    let now = 0;
    const scanner = createProcessScanner({
      procRoot, scanMs: 10_000, now: () => now, units: () => defaultKernelUnits, topCount: 10, onUnreadable: () => {},
    });
    // A rescan builds a new result object, so identity shows whether a scan happened.
    const first = scanner.read();
    now = 9_999;
    expect(scanner.read()).toBe(first);
    now = 10_000;
    const second = scanner.read();
    expect(second).not.toBe(first);
    expect(second.counts).toEqual(first.counts);
    now = 5_000;
    expect(scanner.read()).not.toBe(second);
  });
});
