import { createSignal, onCleanup, type Accessor } from 'solid-js';

export interface Poll<T> {
  value: Accessor<T | undefined>;
  /** Why the last load failed; cleared by the next that works. */
  error: Accessor<string | undefined>;
  /** When a load last worked (ms), for "figures from 2 min ago". */
  updatedAt: Accessor<number | undefined>;
  refresh: () => Promise<void>;
}

/**
 * Loads now and every `everyMs`, for figures the server has no live channel for. A new load
 * cancels the one still running; a failed load keeps the last value, so a blip does not blank a page.
 */
export function createPoll<T>(load: (signal: AbortSignal) => Promise<T>, everyMs: number): Poll<T> {
  const [value, setValue] = createSignal<T>();
  const [error, setError] = createSignal<string>();
  const [updatedAt, setUpdatedAt] = createSignal<number>();
  let controller: AbortController | undefined;
  const refresh = async () => {
    controller?.abort();
    const mine = (controller = new AbortController());
    try {
      const next = await load(mine.signal);
      if (mine.signal.aborted) return;
      setValue(() => next);
      setUpdatedAt(Date.now());
      setError(undefined);
    } catch (err) {
      if (mine.signal.aborted || (err as Error).name === 'AbortError') return;
      setError((err as Error).message || 'The server did not answer.');
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), everyMs);
  onCleanup(() => {
    clearInterval(timer);
    controller?.abort();
  });
  return { value, error, updatedAt, refresh };
}
