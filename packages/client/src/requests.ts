import type { ClientInfo, ServerFrame, StreamPosition } from '@pulse/protocol';
import type { PresenceStats } from './types.js';

/** Codes the client gives a `RequestError` itself; the server's own come from `ErrorCodes`. */
export const ClientErrorCodes = {
  /** the socket closed before the answer came; the request may or may not have taken effect */
  connectionLost: 'connection.lost',
  /** the request was made while no socket was open (nothing is queued while disconnected) */
  notOpen: 'connection.not_open',
  /** the client was closed */
  closed: 'client.closed',
  timeout: 'request.timeout',
  /** the frame carrying the request's id was not the kind of answer the request expects */
  unexpectedAnswer: 'frame.unexpected',
} as const;

/** Why a publish or presence request failed; `code` is one of `ErrorCodes` or `ClientErrorCodes`. */
export class RequestError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

/** The result each request takes from its answer; undefined for a frame that is not that answer. */
export const readAnswer = {
  publish: (frame: ServerFrame): StreamPosition | undefined =>
    frame.type === 'ack' && frame.epoch !== undefined && frame.offset !== undefined ? { epoch: frame.epoch, offset: frame.offset } : undefined,
  presence: (frame: ServerFrame): ClientInfo[] | undefined => (frame.type === 'presence' ? frame.clients : undefined),
  presenceStats: (frame: ServerFrame): PresenceStats | undefined =>
    frame.type === 'presence_stats' ? { clients: frame.clients, users: frame.users } : undefined,
};

export interface RequestTimers {
  timeoutMs: number;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

interface Pending {
  /** resolves from the answer, or returns false when the frame is not an answer this request takes */
  answer(frame: ServerFrame): boolean;
  fail(error: RequestError): void;
  timer: unknown;
}

/**
 * Requests answered by the server frame carrying the same id (publish, presence, presence_stats).
 * Each one settles exactly once: by its answer, an error frame, its timeout or the socket closing.
 */
export class PendingRequests {
  readonly #pending = new Map<number, Pending>();
  readonly #timers: RequestTimers;

  constructor(timers: RequestTimers) {
    this.#timers = timers;
  }

  /** `read` turns the answer into the result, or returns undefined when the frame is not the expected kind. */
  start<T>(id: number, what: string, read: (frame: ServerFrame) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { timeoutMs } = this.#timers;
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new RequestError(ClientErrorCodes.timeout, `The Pulse server did not answer ${what} within ${timeoutMs} ms; try again.`));
      }, timeoutMs);
      this.#pending.set(id, {
        answer: (frame) => {
          const result = read(frame);
          if (result === undefined) return false;
          resolve(result);
          return true;
        },
        fail: reject,
        timer,
      });
    });
  }

  /** True when the frame carried the id of one of these requests (it is then settled). */
  settle(frame: ServerFrame): boolean {
    if (!('id' in frame) || frame.id === undefined) return false;
    const pending = this.#pending.get(frame.id);
    if (!pending) return false;
    this.#pending.delete(frame.id);
    this.#timers.clearTimeout(pending.timer);
    if (frame.type === 'error') {
      pending.fail(new RequestError(frame.code, frame.message));
    } else if (!pending.answer(frame)) {
      pending.fail(new RequestError(ClientErrorCodes.unexpectedAnswer, `The Pulse server answered with a '${frame.type}' frame this request does not expect.`));
    }
    return true;
  }

  /** Answers to requests sent on a socket that is gone will never come. */
  failAll(code: string, message: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      this.#timers.clearTimeout(request.timer);
      request.fail(new RequestError(code, message));
    }
  }
}
