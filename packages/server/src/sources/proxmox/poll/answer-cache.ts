import type { z } from 'zod';
import { readAnswer } from '../answers/index.js';
import { isProxmoxError } from '../client/index.js';
import type { Cadence } from './cadence.js';
import type { PollContext } from './poll-context.js';
import type { Priority } from './request-limiter.js';

/*
 * The last good answer of each slower request, refreshed on its own cadence in the background.
 * A cycle reads whatever is cached; a request still under way is never started twice, so a node
 * that hangs holds one request slot at most, not one per cycle.
 */

export interface CachedAnswer<T> {
  value: T;
  at: number;
}

export interface FetchPlan<S extends z.ZodType> {
  key: string;
  everyMs: number;
  priority: Priority;
  path: string;
  query?: Record<string, string | number>;
  schema: S;
}

export interface AnswerCache {
  /** starts the request when due; resolves when it settled (or at once when not due) */
  refresh<S extends z.ZodType>(context: PollContext, plan: FetchPlan<S>): Promise<void>;
  get<T>(key: string): CachedAnswer<T> | undefined;
  /** the last error of `key`, cleared by its next success */
  error(key: string): { code: string; message: string; at: number } | undefined;
  /**
   * Drops keys for which `keep` is false (nodes and guests that are gone), with their place in the
   * cadence: a cluster that recreates guests all day would otherwise keep a due time for each one.
   */
  retain(keep: (key: string) => boolean, cadence: Cadence): void;
}

/** What refresh returns when nothing is due: one settled promise for all, not one per call. */
const NOTHING_DUE: Promise<void> = Promise.resolve();

export function createAnswerCache(): AnswerCache {
  const values = new Map<string, CachedAnswer<unknown>>();
  const errors = new Map<string, { code: string; message: string; at: number }>();
  const inFlight = new Map<string, Promise<void>>();

  return {
    refresh(context, plan) {
      const running = inFlight.get(plan.key);
      if (running) return running;
      if (!context.cadence.take(plan.key, plan.everyMs)) return NOTHING_DUE;
      const task = (async () => {
        try {
          const data = await context.get(plan.priority, plan.path, plan.query);
          const answer = readAnswer(plan.schema, data, plan.path);
          if (answer.dropped > 0) context.warn({ connection: context.connection, problems: answer.problems.slice(0, 5) }, `proxmox: ${answer.dropped} item(s) of ${plan.path} did not validate and were left out`);
          values.set(plan.key, { value: answer.value, at: context.now() });
          errors.delete(plan.key);
        } catch (err) {
          const code = isProxmoxError(err) ? err.code : 'proxmox.failed';
          const message = err instanceof Error ? err.message : String(err);
          errors.set(plan.key, { code, message, at: context.now() });
        } finally {
          inFlight.delete(plan.key);
        }
      })();
      inFlight.set(plan.key, task);
      return task;
    },
    get<T>(key: string) {
      return values.get(key) as CachedAnswer<T> | undefined;
    },
    error(key) {
      return errors.get(key);
    },
    retain(keep, cadence) {
      for (const key of values.keys()) if (!keep(key)) values.delete(key);
      for (const key of errors.keys()) if (!keep(key)) errors.delete(key);
      cadence.retain(keep);
    },
  };
}
