import type { ApmBatch, ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import type { BoundedQueue } from './queue.js';
import type { SelfErrors } from './self-errors.js';
import type { Transport } from './transport.js';
import { LIMITS } from './wire.js';

export interface Queues {
  heartbeats: BoundedQueue<ApmHeartbeat>;
  slow: BoundedQueue<ApmSlowRequest>;
  exceptions: BoundedQueue<ApmException>;
  routes: BoundedQueue<ApmRouteCounts>;
}

export interface SenderStats {
  batchesSent: number;
  /** batches refused by Pulse (4xx) or given up on after maxRetries */
  batchesDropped: number;
  /** items lost with those batches */
  itemsDropped: number;
  retries: number;
}

export interface SenderOptions {
  app: string;
  environment: string;
  maxRetries: number;
  now: () => number;
  random: () => number;
}

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
// byte budgets per kind keep a batch under LIMITS.batchBytes whatever the queues hold
const EXCEPTION_BUDGET = 600_000;
const ROUTES_BUDGET = 200_000;

const jsonLength = (v: unknown) => JSON.stringify(v).length;

export function buildBatch(q: Queues, o: Pick<SenderOptions, 'app' | 'environment'>): ApmBatch | null {
  const slowDropped = q.slow.takeDropped();
  const exceptionsDropped = q.exceptions.takeDropped();
  const batch: ApmBatch = {
    app: o.app,
    environment: o.environment,
    heartbeats: q.heartbeats.take(100),
    slow: q.slow.take(LIMITS.itemsPerBatch),
    exceptions: q.exceptions.take(LIMITS.itemsPerBatch, EXCEPTION_BUDGET, jsonLength),
    routes: q.routes.take(100, ROUTES_BUDGET, jsonLength),
  };
  if (slowDropped || exceptionsDropped) batch.dropped = { slow: slowDropped, exceptions: exceptionsDropped };
  const empty = !batch.heartbeats.length && !batch.slow.length && !batch.exceptions.length && !batch.routes.length && !batch.dropped;
  return empty ? null : batch;
}

function itemsIn(b: ApmBatch): number {
  return b.heartbeats.length + b.slow.length + b.exceptions.length + b.routes.length;
}

/**
 * Moves queued items to the transport, one batch in flight at a time. A batch that failed for a
 * reason that may pass (Pulse down, 5xx, 429, timeout) is held and sent again after an
 * exponential, jittered backoff, at most `maxRetries` times; meanwhile new items wait in the
 * bounded queues, so an outage costs bounded memory.
 */
export class Sender {
  readonly stats: SenderStats = { batchesSent: 0, batchesDropped: 0, itemsDropped: 0, retries: 0 };
  #inFlight: Promise<void> | undefined;
  #held: { batch: ApmBatch; attempts: number } | undefined;
  #backoffUntil = 0;
  #immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly transport: Promise<Transport>,
    private readonly queues: Queues,
    private readonly o: SenderOptions,
    private readonly errors: SelfErrors,
  ) {}

  /** The periodic tick: sends unless backing off. */
  tick(): void {
    if (this.#inFlight || this.o.now() < this.#backoffUntil) return;
    void this.#start(false);
  }

  /** A queue reached batch size: send soon, outside the request that filled it. */
  soon(): void {
    if (this.#immediate || this.#inFlight || this.o.now() < this.#backoffUntil) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = undefined;
      this.tick();
    });
    this.#immediate.unref();
  }

  /** Sends what is queued now (ignoring any backoff), after the batch already in flight. */
  async flush(): Promise<void> {
    await this.settled();
    await this.#start(true);
  }

  #start(hold: boolean): Promise<void> {
    const batch = this.#held?.batch ?? buildBatch(this.queues, this.o);
    if (!batch) return Promise.resolve();
    const attempts = this.#held?.attempts ?? 0;
    this.#held = undefined;
    const sending = this.#send(batch, attempts, hold).finally(() => { this.#inFlight = undefined; });
    this.#inFlight = sending;
    return sending;
  }

  /** Resolves when no batch is in flight. */
  async settled(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /** Takes everything queued, for the crash flush; forgets a held batch. */
  drain(): ApmBatch | null {
    this.#held = undefined;
    return buildBatch(this.queues, this.o);
  }

  dispose(): void {
    if (this.#immediate) clearImmediate(this.#immediate);
  }

  async #send(batch: ApmBatch, attempts: number, hold: boolean): Promise<void> {
    try {
      const result = await (await this.transport).send(batch, hold);
      if (result.outcome === 'ok') {
        this.stats.batchesSent++;
        this.#backoffUntil = 0;
        return;
      }
      this.errors.report('pulse.transport', result.error);
      if (result.outcome === 'retry') {
        // back off even when giving up on this batch: the next one would meet the same outage
        const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempts) * (0.5 + this.o.random() / 2);
        this.#backoffUntil = this.o.now() + Math.max(backoff, result.retryAfterMs ?? 0);
        if (attempts < this.o.maxRetries) {
          this.stats.retries++;
          this.#held = { batch, attempts: attempts + 1 };
          return;
        }
      }
      this.#drop(batch);
    } catch (err) {
      // the transport could not be created (ioredis missing) or broke its promise not to throw
      this.errors.report('pulse.transport', err);
      this.#drop(batch);
    }
  }

  #drop(batch: ApmBatch): void {
    this.stats.batchesDropped++;
    this.stats.itemsDropped += itemsIn(batch);
  }
}
