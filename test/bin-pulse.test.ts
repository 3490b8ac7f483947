import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAUNCHER = new URL('../bin/pulse', import.meta.url).pathname;

/**
 * bin/pulse with PULSE_CLI pointed at a script that prints what node was started with: the flags
 * and environment `npm start` gives the server, as bench/proxmox measured them.
 */
function launch(env: Record<string, string> = {}, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bin-'));
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `
    console.log(JSON.stringify({
      execArgv: process.execArgv, argv: process.argv.slice(2),
      env: { arena: process.env.MALLOC_ARENA_MAX, mmap: process.env.MALLOC_MMAP_THRESHOLD_, trim: process.env.MALLOC_TRIM_THRESHOLD_ },
    }));`);
  const { PULSE_NODE_FLAGS: _, MALLOC_ARENA_MAX: _a, MALLOC_MMAP_THRESHOLD_: _m, MALLOC_TRIM_THRESHOLD_: _t, ...base } = process.env;
  const run = spawnSync('sh', [LAUNCHER, ...args], { env: { ...base, PULSE_CLI: probe, ...env }, encoding: 'utf8', timeout: 30_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { execArgv: string[]; argv: string[]; env: Record<string, string | undefined> };
}

describe('bin/pulse', () => {
  it('starts node with the measured memory settings and passes the arguments on', () => {
    const seen = launch({}, ['serve', '--demo']);
    expect(seen.execArgv).toEqual(['--single-threaded-gc', '--max-semi-space-size=4']);
    expect(seen.argv).toEqual(['serve', '--demo']);
    expect(seen.env).toEqual({ arena: '2', mmap: '131072', trim: '262144' });
  });

  it('lets the environment override each of them', () => {
    const seen = launch({ PULSE_NODE_FLAGS: '--max-semi-space-size=16 --no-single-threaded-gc', MALLOC_ARENA_MAX: '8', MALLOC_MMAP_THRESHOLD_: '65536' });
    // appended after the launcher's own, so the later flag is the one node keeps
    expect(seen.execArgv).toEqual(['--single-threaded-gc', '--max-semi-space-size=4', '--max-semi-space-size=16', '--no-single-threaded-gc']);
    expect(seen.env).toEqual({ arena: '8', mmap: '65536', trim: '262144' });
  });
});
