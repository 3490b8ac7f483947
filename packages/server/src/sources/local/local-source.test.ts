import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resource } from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatfsResult } from '@pulse/collectors';
import type { Observation } from '../../resources/observation.js';
import { createLocalSource } from './local-source.js';
import type { LocalSourceOptions } from './local-source.js';

// The host collector's own fixture machine (see packages/collectors/src/host/fixtures/README.md).
// The collector's figures are tested there; these tests cover what the source adds: timer and sink.
const fixtureRoot = fileURLToPath(new URL('../../../../collectors/src/host/fixtures/host', import.meta.url));
const statfsByMount: Record<string, StatfsResult> = {
  '/': { bsize: 4096, blocks: 1_000_000, bfree: 400_000, bavail: 350_000 },
  '/home': { bsize: 4096, blocks: 500_000, bfree: 250_000, bavail: 250_000 },
};

let root: string;
let clock: number;
const logger = { warn: vi.fn(), debug: vi.fn() };

beforeEach(() => {
  // Copied so a test can advance counters by rewriting files without touching the recorded fixture.
  root = mkdtempSync(join(tmpdir(), 'pulse-local-'));
  cpSync(fixtureRoot, root, { recursive: true });
  clock = 1000;
  logger.warn.mockReset();
  logger.debug.mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

function source(overrides: Partial<LocalSourceOptions> = {}) {
  return createLocalSource({
    intervalMs: 1000,
    procRoot: join(root, 'proc'),
    sysRoot: join(root, 'sys'),
    machineIdPaths: [join(root, 'etc/machine-id')],
    osReleasePath: join(root, 'etc/os-release'),
    statfs: (path) => {
      const stats = statfsByMount[path];
      if (!stats) throw Object.assign(new Error(`statfs ${path}`), { code: 'EACCES' });
      return stats;
    },
    now: () => clock,
    logger,
    ...overrides,
  });
}

const write = (path: string, text: string): void => writeFileSync(join(root, path), text);
const nic = (name: string, rx: number, rxPackets: number, tx: number, txPackets: number): string =>
  `${name}: ${rx} ${rxPackets} 0 0 0 0 0 0 ${tx} ${txPackets} 0 0 0 0 0 0\n`;
const netHeader = 'Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes\n';

describe('local source', () => {
  it('reports the host collector\'s resource under source local', () => {
    const host = source().collect();
    expect(() => Resource.parse({ ...host, lastSeen: 0 })).not.toThrow();
    expect(host).toMatchObject({ id: 'host:3d1219c7c4c5404aaa1f6d2a48adfda4', type: 'host', name: 'vm-fixture', source: 'local' });
    expect(host.metrics).toMatchObject({ cores: 2, 'mem.used': 6_000_000 * 1024, 'disk.total': 6_144_000_000 });
  });

  it('gives rates relative to its own previous collection', () => {
    const local = source();
    local.collect();
    write('proc/net/dev', netHeader + nic('eth0', 320_232_746, 13_113, 1_415_243, 8646));
    clock = 3000;
    // eth0 +2,000,000 B received over 2 s.
    expect(local.collect().metrics['net.rx']).toBe(1_000_000);
  });

  it('collects on start and every interval, survives a failing collection, and follows setInterval', () => {
    vi.useFakeTimers();
    const seen: Observation[] = [];
    const local = source();
    local.start((observation) => seen.push(observation));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ source: 'local', at: 1000, complete: true });
    expect(seen[0]?.resources).toHaveLength(1);

    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2);

    rmSync(join(root, 'proc/stat'));
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(seen).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ source: 'local' }), expect.stringContaining('collection failed'));

    cpSync(join(fixtureRoot, 'proc/stat'), join(root, 'proc/stat'));
    local.setInterval(250);
    vi.advanceTimersByTime(500);
    expect(seen).toHaveLength(4);

    local.stop();
    vi.advanceTimersByTime(5000);
    expect(seen).toHaveLength(4);
  });

  it('rejects an interval that is not a positive number', () => {
    expect(() => source({ intervalMs: 0 })).toThrow(RangeError);
    expect(() => source().setInterval(Number.NaN)).toThrow(/positive/);
  });
});
