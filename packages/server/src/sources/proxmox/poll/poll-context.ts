import type { ObservedResource } from '../../../resources/observation.js';
import type { ProxmoxClient } from '../client/index.js';
import type { Cadence } from './cadence.js';
import type { Priority, RequestLimiter } from './request-limiter.js';

/** What one product's poller gets for a cycle. */
export interface PollContext {
  /** the connection's name, `<c>` of the resource ids */
  connection: string;
  client: ProxmoxClient;
  /** ms, when the cycle started */
  at: number;
  now: () => number;
  cadence: Cadence;
  /** GETs through the connection's request slots */
  get(priority: Priority, path: string, query?: Record<string, string | number>): Promise<unknown>;
  /** how long a cycle waits for its per-node answers before reporting what it has */
  waitMs: number;
  warn(obj: object, msg: string): void;
}

export interface PollResult {
  resources: ObservedResource[];
  /** node names, for the connection's state */
  nodes: string[];
  /** answers or list items that did not validate; logged, never fatal */
  problems: string[];
}

/** One product's polling logic (PVE, PBS, PMG); keeps its own caches between cycles. */
export interface ProductPoller {
  /** rejects only when nothing of the connection could be read (the critical calls failed) */
  poll(context: PollContext): Promise<PollResult>;
}

export function limitedGet(client: ProxmoxClient, limiter: RequestLimiter): PollContext['get'] {
  return (priority, path, query) => limiter.run(priority, () => client.get(path, query));
}

/**
 * Waits for `promises` until `ms` have passed, then returns; late answers still land in their
 * caches for the next cycle. This is what keeps one hung node from delaying the rest.
 */
export async function settleWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}
