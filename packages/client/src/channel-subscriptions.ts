import type { ServerFrame } from '@pulse/protocol';
import type { ClientLogger, SubscriptionHandlers } from './types.js';

/**
 * Which handlers listen to which channel, and which request ids are still awaiting an answer,
 * so an error frame reaches the subscriber whose request caused it.
 */
export class ChannelSubscriptions {
  readonly #handlersOf = new Map<string, Set<SubscriptionHandlers>>();
  readonly #pendingRequests = new Map<number, string>();
  readonly #logger: ClientLogger;
  #nextRequestId = 1;

  constructor(logger: ClientLogger) {
    this.#logger = logger;
  }

  channels(): string[] {
    return [...this.#handlersOf.keys()];
  }

  add(channel: string, handlers: SubscriptionHandlers): void {
    let set = this.#handlersOf.get(channel);
    if (!set) {
      set = new Set();
      this.#handlersOf.set(channel, set);
    }
    set.add(handlers);
  }

  /** Returns true when these were the channel's last handlers, so the server should be told. */
  remove(channel: string, handlers: SubscriptionHandlers): boolean {
    const set = this.#handlersOf.get(channel);
    if (!set?.delete(handlers)) return false;
    if (set.size > 0) return false;
    this.#handlersOf.delete(channel);
    return true;
  }

  /** A fresh request id for a subscribe about `channel`. */
  request(channel: string): number {
    const id = this.#nextRequestId++;
    this.#pendingRequests.set(id, channel);
    return id;
  }

  /** Answers to requests sent on a socket that is gone will never come. */
  forgetPending(): void {
    this.#pendingRequests.clear();
  }

  route(frame: ServerFrame): void {
    switch (frame.type) {
      case 'snapshot':
        this.#each(frame.channel, (h) => h.onSnapshot?.(frame.data, frame));
        return;
      case 'pub':
        this.#each(frame.channel, (h) => h.onPublication?.(frame.data, frame));
        return;
      case 'ack':
        if (frame.id !== undefined) this.#pendingRequests.delete(frame.id);
        return;
      case 'error': {
        const channel = frame.id === undefined ? undefined : this.#pendingRequests.get(frame.id);
        if (frame.id !== undefined) this.#pendingRequests.delete(frame.id);
        if (channel === undefined) {
          this.#logger.warn({ code: frame.code, message: frame.message }, 'pulse server reported an error');
          return;
        }
        const error = { code: frame.code, message: frame.message };
        this.#each(channel, (h) => h.onError?.(error));
        return;
      }
      default:
        return;
    }
  }

  #each(channel: string, call: (handlers: SubscriptionHandlers) => void): void {
    const set = this.#handlersOf.get(channel);
    if (!set) return;
    // Copy: a handler may unsubscribe (itself or another) while we iterate.
    for (const handlers of [...set]) {
      try {
        call(handlers);
      } catch (err) {
        // One broken view must not starve the others of updates.
        this.#logger.warn({ err, channel }, 'subscription handler threw');
      }
    }
  }
}
