import { CheckDeadline, CheckFailure, type CheckPhase, networkFailure, timeoutFailure } from './check-failure.js';

/** One deadline for a whole check (every phase and redirect shares it), plus the caller's cancel. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  isTimedOut(): boolean;
  dispose(): void;
}

export function startDeadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CheckDeadline(timeoutMs)), timeoutMs);
  const onOuterAbort = () => controller.abort(outer?.reason ?? new Error('the check was cancelled'));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    timeoutMs,
    isTimedOut: () => controller.signal.reason instanceof CheckDeadline,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/**
 * Settles with `work` unless `signal` aborts first; then `onAbort` releases what the work holds (a
 * socket, a request) and the promise rejects with the abort reason. Work that cannot be cancelled
 * (`dns.lookup`) simply finishes in the background.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort?.();
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => { signal.removeEventListener('abort', abort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', abort); reject(error); },
    );
  });
}

/** What went wrong, once: our deadline → `timeout.<phase>`, the caller's cancel, or the error itself. */
export function failureFor(error: unknown, phase: CheckPhase, deadline: Deadline, target: string): CheckFailure {
  if (deadline.isTimedOut()) return timeoutFailure(phase, deadline.timeoutMs);
  if (deadline.signal.aborted) return new CheckFailure('check.cancelled', 'the check was cancelled before it finished (the worker is stopping)', phase);
  return networkFailure(error, phase, target);
}
