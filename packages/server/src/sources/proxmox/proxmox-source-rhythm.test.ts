import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProxmoxClient } from './client/index.js';
import type { PollContext, ProductPoller } from './poll/poll-context.js';
import { createProxmoxSource, type ProxmoxSource } from './proxmox-source.js';

/* When a connection's cycles start: on one rhythm of its own, whatever a cycle costs. */

const quiet = { warn: () => {}, info: () => {} };
const client = { close: () => {} } as unknown as ProxmoxClient;
const sources: ProxmoxSource[] = [];
afterEach(() => {
  for (const s of sources.splice(0)) s.stop();
});

/** A poller that records each cycle's `at` and whether another cycle was running, taking `costMs` (real time). */
function recordingPoller(costMs: number) {
  const cycles: { at: number; overlapped: boolean }[] = [];
  let inside = 0;
  const poller: ProductPoller = {
    async poll(context: PollContext) {
      cycles.push({ at: context.at, overlapped: inside > 0 });
      inside++;
      await new Promise((resolve) => setTimeout(resolve, costMs));
      inside--;
      return { resources: [], nodes: [], problems: [] };
    },
  };
  return { poller, cycles };
}

function start(poller: ProductPoller, intervalMs: number, random: number): void {
  const source = createProxmoxSource({ product: 'pve', connection: 'lab', client, poller, intervalMs, logger: quiet, random: () => random });
  sources.push(source);
  source.start(() => {});
}

describe('Proxmox connection cycles', () => {
  it('fall on phase + k × interval after the first, so successive samples are exactly one interval apart', async () => {
    const { poller, cycles } = recordingPoller(5);
    start(poller, 120, 0.25);
    await vi.waitFor(() => expect(cycles.length).toBeGreaterThanOrEqual(6), { timeout: 5_000, interval: 10 });
    const scheduled = cycles.slice(1).map((c) => c.at);
    for (const at of scheduled) expect(((at - 30) % 120 + 120) % 120).toBe(0);
    for (let i = 1; i < scheduled.length; i++) expect(scheduled[i]! - scheduled[i - 1]!).toBe(120);
  });

  it('skip the slots a slow cycle overran instead of running two at once or late', async () => {
    const { poller, cycles } = recordingPoller(170);
    start(poller, 60, 0.5);
    await vi.waitFor(() => expect(cycles.length).toBeGreaterThanOrEqual(5), { timeout: 5_000, interval: 10 });
    expect(cycles.some((c) => c.overlapped)).toBe(false);
    const scheduled = cycles.slice(1).map((c) => c.at);
    for (const at of scheduled) expect(((at - 30) % 60 + 60) % 60).toBe(0);
    // a 170 ms cycle on a 60 ms interval: the next start is the first slot after it ended, 180 or 240 ms on
    for (let i = 1; i < scheduled.length; i++) expect([180, 240]).toContain(scheduled[i]! - scheduled[i - 1]!);
  });

  it('draw their phase from `random`, so connections started together do not poll in lockstep', async () => {
    const a = recordingPoller(1);
    const b = recordingPoller(1);
    start(a.poller, 100, 0.1);
    start(b.poller, 100, 0.6);
    await vi.waitFor(() => expect(Math.min(a.cycles.length, b.cycles.length)).toBeGreaterThanOrEqual(3), { timeout: 5_000, interval: 10 });
    expect(a.cycles[1]!.at % 100).toBe(10);
    expect(b.cycles[1]!.at % 100).toBe(60);
  });
});
