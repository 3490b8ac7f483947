import type { CheckResult } from '@pulse/protocol';
import { DueHeap } from './due-heap.js';
import { phaseOf, retryDueAt, slotAtOrAfter } from './slots.js';
import type { DueCheck, StoredMonitor, Timers } from './types.js';

export interface TimetableOptions {
  now: () => number;
  timers: Timers;
  /** A run is due now. Must not throw: it is called from the timer. */
  onDue(due: DueCheck): void;
  /** Slots passed over because the process itself was late by more than an interval (suspended, blocked). */
  onSkipped(slots: number): void;
}

interface Entry {
  monitor: StoredMonitor;
  intervalMs: number;
  gen: number;
  /** the next regular run; undefined while the monitor is disabled */
  nextAt: number | undefined;
  retry?: { at: number; attempt: number };
}

/**
 * When every monitor's next run is due, behind ONE timer armed for the earliest (a min-heap), not a
 * timer per monitor: thousands of monitors cost one wake-up per due time. Runs are drift-free (the
 * next is the previous scheduledAt + interval, never counted from the end of a check) and phased by
 * a hash of the id (slots.ts). Shared by the in-process and the BullMQ scheduler; what "running" a due
 * check means is the caller's `onDue`.
 */
export class Timetable {
  readonly #opts: TimetableOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new DueHeap();
  #gen = 0;
  #running = false;
  #cancel: (() => void) | undefined;
  #armedAt = Infinity;
  droppedRetries = 0;

  constructor(opts: TimetableOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#entries.size;
  }

  monitor(id: string): StoredMonitor | undefined {
    return this.#entries.get(id)?.monitor;
  }

  /** The next regular run of a monitor (undefined when unknown or disabled). */
  nextAt(id: string): number | undefined {
    return this.#entries.get(id)?.nextAt;
  }

  upsert(monitor: StoredMonitor): void {
    const intervalMs = monitor.intervalS * 1000;
    const enabled = monitor.enabled !== false;
    const old = this.#entries.get(monitor.id);
    // Same cadence: keep the phase, the pending run and any retry; only the definition changes.
    if (old && old.intervalMs === intervalMs && (old.nextAt !== undefined) === enabled) {
      old.monitor = monitor;
      return;
    }
    const entry: Entry = { monitor, intervalMs, gen: ++this.#gen, nextAt: enabled ? this.#firstSlot(monitor.id, intervalMs) : undefined };
    this.#entries.set(monitor.id, entry);
    this.#schedule(entry);
  }

  remove(id: string): boolean {
    return this.#entries.delete(id);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Slots computed before start (or before a stop) may be long past: re-slot on the same phase.
    this.#heap.clear();
    for (const entry of this.#entries.values()) {
      entry.retry = undefined;
      if (entry.nextAt === undefined) continue;
      entry.gen = ++this.#gen;
      entry.nextAt = this.#firstSlot(entry.monitor.id, entry.intervalMs);
      this.#schedule(entry);
    }
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#armedAt = Infinity;
  }

  /**
   * Schedules attempt+1 for a down result that has retries left. A retry that would fall at or after
   * the next regular run is dropped: that run checks again anyway, and two checks back to back would
   * only double the load on a target that is already failing.
   */
  retryAfter(result: CheckResult): void {
    const entry = this.#entries.get(result.monitorId);
    if (!entry || entry.nextAt === undefined) return;
    const monitor = entry.monitor;
    if (result.status !== 'down' || result.attempt >= monitor.retries) return;
    const at = retryDueAt(result, monitor.retryIntervalS * 1000);
    const attempt = result.attempt + 1;
    if (at >= entry.nextAt) {
      this.droppedRetries++;
      return;
    }
    if (entry.retry?.at === at && entry.retry.attempt === attempt) return;
    entry.retry = { at, attempt };
    this.#heap.push({ at, id: monitor.id, attempt, gen: entry.gen });
    this.#arm();
  }

  #firstSlot(id: string, intervalMs: number): number {
    return slotAtOrAfter(this.#opts.now(), intervalMs, phaseOf(id, intervalMs));
  }

  #schedule(entry: Entry): void {
    if (entry.nextAt === undefined) return;
    this.#heap.push({ at: entry.nextAt, id: entry.monitor.id, attempt: 0, gen: entry.gen });
    // Rescheduled and removed monitors leave stale items behind until their time; keep the heap bounded.
    if (this.#heap.size > 4 * this.#entries.size + 1024) this.#compact();
    this.#arm();
  }

  #compact(): void {
    this.#heap.clear();
    for (const e of this.#entries.values()) {
      if (e.nextAt !== undefined) this.#heap.push({ at: e.nextAt, id: e.monitor.id, attempt: 0, gen: e.gen });
      if (e.retry) this.#heap.push({ at: e.retry.at, id: e.monitor.id, attempt: e.retry.attempt, gen: e.gen });
    }
  }

  #arm(): void {
    if (!this.#running) return;
    const top = this.#heap.peek();
    if (!top || (this.#cancel && this.#armedAt <= top.at)) return;
    this.#cancel?.();
    this.#armedAt = top.at;
    this.#cancel = this.#opts.timers.after(Math.max(0, top.at - this.#opts.now()), this.#fire);
  }

  readonly #fire = (): void => {
    this.#cancel = undefined;
    this.#armedAt = Infinity;
    if (!this.#running) return;
    const t = this.#opts.now();
    for (let top = this.#heap.peek(); top && top.at <= t; top = this.#heap.peek()) {
      this.#heap.pop();
      const entry = this.#entries.get(top.id);
      if (!entry || entry.gen !== top.gen) continue;
      if (top.attempt === 0) {
        if (entry.nextAt !== top.at) continue;
        // Late by whole intervals (the process was suspended): run the latest slot, skip the rest.
        const skipped = Math.floor((t - top.at) / entry.intervalMs);
        const scheduledAt = top.at + skipped * entry.intervalMs;
        if (skipped > 0) this.#opts.onSkipped(skipped);
        entry.nextAt = scheduledAt + entry.intervalMs;
        this.#heap.push({ at: entry.nextAt, id: top.id, attempt: 0, gen: entry.gen });
        this.#opts.onDue({ monitor: entry.monitor, scheduledAt, attempt: 0 });
      } else {
        if (entry.retry?.at !== top.at || entry.retry.attempt !== top.attempt) continue;
        entry.retry = undefined;
        this.#opts.onDue({ monitor: entry.monitor, scheduledAt: top.at, attempt: top.attempt });
      }
    }
    this.#arm();
  };
}
