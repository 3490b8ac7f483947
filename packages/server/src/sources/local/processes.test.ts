import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countProcesses, createProcessScanner, parseProcessState } from './processes.js';

const procRoot = fileURLToPath(new URL('fixtures/host/proc', import.meta.url));

describe('processes', () => {
  it('finds the state after the last parenthesis even when the command name contains ") ("', () => {
    expect(parseProcessState('4242 (evil) (name x) R 1 0 0')).toBe('R');
    expect(parseProcessState('1 (systemd) S 0 1 1')).toBe('S');
    expect(parseProcessState('garbage')).toBeUndefined();
  });

  it('counts every state and ignores a pid that vanished mid-scan', () => {
    // pid 4243 is a directory with no stat file, as when a process exits between readdir and read.
    expect(countProcesses(procRoot)).toEqual({
      counts: { running: 2, sleeping: 2, blocked: 1, zombie: 1, stopped: 2, idle: 1, total: 9 },
      unreadable: 0,
    });
  });

  it('rescans only after scanMs has passed, or when the clock steps back', () => {
    let now = 0;
    const scanner = createProcessScanner({ procRoot, scanMs: 10_000, now: () => now, onUnreadable: () => {} });
    // A rescan builds a new counts object, so identity shows whether a scan happened.
    const first = scanner.read();
    now = 9_999;
    expect(scanner.read()).toBe(first);
    now = 10_000;
    const second = scanner.read();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    now = 5_000;
    expect(scanner.read()).not.toBe(second);
  });
});
