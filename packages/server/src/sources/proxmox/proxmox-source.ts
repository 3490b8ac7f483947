import { slotAtOrAfter } from '../../monitors/schedule/slots.js';
import type { Observation, ObservationSink, ObservedResource, Source } from '../../resources/observation.js';
import type { ProxmoxClient } from './client/index.js';
import { isProxmoxError } from './client/index.js';
import { markUnknown, sourceId } from './normalize/index.js';
import { createCadence } from './poll/cadence.js';
import type { ProductPoller } from './poll/poll-context.js';
import { limitedGet } from './poll/poll-context.js';
import { createRequestLimiter } from './poll/request-limiter.js';

/*
 * One Proxmox connection as a Source: a cycle every interval (on the connection's own phase, never
 * two at once), the product's poller reading what is due, and one complete observation per cycle.
 * When nothing can be read, what the connection owned stays in place marked unknown, with the error
 * on its nodes.
 */

export type ConnectionStatus = 'ok' | 'error' | 'connecting';

export interface ProxmoxSourceState {
  status: ConnectionStatus;
  error?: { code: string; message: string };
  lastPollAt?: number;
  nodes?: string[];
}

export interface ProxmoxSourceOptions {
  product: 'pve' | 'pbs' | 'pmg';
  /** the connection's name, `<c>` of the ids */
  connection: string;
  client: ProxmoxClient;
  poller: ProductPoller;
  intervalMs: number;
  /** request slots per connection (default 4) */
  concurrency?: number;
  now?: () => number;
  random?: () => number;
  logger: { warn(obj: object, msg?: string): void; info?(obj: object, msg?: string): void };
}

export type ProxmoxSource = Source & {
  state(): ProxmoxSourceState;
  /** one cycle now; resolves when its observation is out */
  pollNow(): Promise<void>;
};

export function createProxmoxSource(options: ProxmoxSourceOptions): ProxmoxSource {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const id = sourceId(options.product, options.connection);
  const limiter = createRequestLimiter(options.concurrency ?? 4);
  const cadence = createCadence({ now, random });
  const get = limitedGet(options.client, limiter);
  let state: ProxmoxSourceState = { status: 'connecting' };
  let last: ObservedResource[] = [];
  let sink: ObservationSink | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function emit(observation: Observation): void {
    try {
      sink?.(observation);
    } catch (err) {
      options.logger.warn({ err, source: id }, 'proxmox source: observation sink threw');
    }
  }

  async function cycle(at: number): Promise<void> {
    try {
      const result = await options.poller.poll({
        connection: options.connection, client: options.client, at, now, cadence, get,
        // Half an interval for per-node answers, so a cycle always ends before the next is due.
        waitMs: Math.min(5_000, options.intervalMs / 2),
        warn: (obj, msg) => options.logger.warn({ ...obj, source: id }, msg),
      });
      if (stopped) return;
      if (result.problems.length > 0) options.logger.warn({ source: id, problems: result.problems.slice(0, 5), count: result.problems.length }, 'proxmox source: parts of an answer did not validate');
      last = result.resources;
      state = { status: 'ok', lastPollAt: at, nodes: result.nodes };
      emit({ source: id, at, resources: result.resources, complete: true });
    } catch (err) {
      if (stopped) return;
      const error = isProxmoxError(err) ? { code: err.code, message: err.message } : { code: 'proxmox.failed', message: err instanceof Error ? err.message : String(err) };
      if (state.error?.code !== error.code) options.logger.warn({ source: id, code: error.code, message: error.message }, 'proxmox source: the connection cannot be read; retrying every interval');
      state = { ...state, status: 'error', error };
      emit({ source: id, at, resources: markUnknown(last, error), complete: true });
    }
  }

  function run(at = now()): Promise<void> {
    running ??= cycle(at).finally(() => {
      running = undefined;
    });
    return running;
  }

  // Cycles fall on phase + k × interval, the phase drawn once: connections started together do not
  // poll in lockstep, and every sample of a connection keeps one rhythm. Each cycle jittered on its
  // own (±10 % of the wait) put every point of its ~50,000 series 0.5-1 s off the last interval,
  // which cost the history ~2 bytes a point in memory and on disk (bench/proxmox).
  const phase = random() * options.intervalMs;
  let lastSlot = -Infinity;

  function schedule(): void {
    if (stopped) return;
    const t = now();
    // The next slot from now: slots a long cycle overran are skipped, not run late. Not the last
    // slot again when its timer fired a millisecond early (but a clock set back is followed).
    let slot = slotAtOrAfter(t, options.intervalMs, phase);
    if (slot <= lastSlot && lastSlot - slot < options.intervalMs) slot = lastSlot + options.intervalMs;
    lastSlot = slot;
    timer = setTimeout(() => {
      // A timer a little late (a busy event loop) or a millisecond early (the timer clock is not
      // the wall clock) still reports its slot.
      void run(Math.abs(now() - slot) < options.intervalMs / 2 ? slot : undefined).finally(schedule);
    }, slot - t);
    timer.unref();
  }

  return {
    id,
    start(next) {
      sink = next;
      stopped = false;
      void run().finally(schedule);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      sink = undefined;
      options.client.close();
    },
    state: () => state,
    async pollNow() {
      await running;
      await run();
    },
  };
}
