import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KernelFiles, isKernelFs } from './kernel-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(existsSync('/proc/self/stat'))('kernel files', () => {
  it('knows procfs and sysfs from an ordinary directory', () => {
    expect(isKernelFs('/proc')).toBe(true);
    if (existsSync('/sys/class')) expect(isKernelFs('/sys')).toBe(true);
    expect(isKernelFs(tmpdir())).toBe(false);
    expect(isKernelFs('/nonexistent/pulse')).toBe(false);
  });

  it('reads a kept-open /proc file afresh each time', () => {
    const files = new KernelFiles({ keepOpen: true });
    const ticks = () => {
      const stat = files.text('/proc/self/stat');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    const before = ticks();
    const until = Date.now() + 60;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(ticks()).toBeGreaterThan(before);
    expect(files.openCount).toBe(1);
    files.close();
    expect(files.openCount).toBe(0);
  });

  it('reads files larger than its buffer whole', () => {
    const files = new KernelFiles({ keepOpen: true });
    const text = files.text('/proc/self/maps');
    expect(text.length).toBeGreaterThan(1000);
    expect(text.endsWith('\n')).toBe(true);
    files.close();
  });

  it('closes what was not read since the last sweep, and fails like readFileSync for what is gone', () => {
    const files = new KernelFiles({ keepOpen: true });
    files.text('/proc/self/stat');
    files.text('/proc/self/statm');
    files.sweep();
    files.text('/proc/self/stat');
    files.sweep();
    expect(files.openCount).toBe(1);
    expect(() => files.text('/proc/self/no-such-file')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    files.close();
  });

  it('reads ordinary files afresh without keeping them open, so a replaced or removed file is seen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-kernel-files-'));
    dirs.push(dir);
    const path = join(dir, 'stat');
    writeFileSync(path, 'one');
    const files = new KernelFiles({ keepOpen: isKernelFs(dir) });
    expect(files.text(path)).toBe('one');
    writeFileSync(path, 'two');
    expect(files.text(path)).toBe('two');
    rmSync(path);
    expect(() => files.text(path)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(files.openCount).toBe(0);
  });
});
