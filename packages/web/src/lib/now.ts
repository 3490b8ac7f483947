import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** The current time, updated every `everyMs`, for "12 s ago" and uptimes that should tick. */
export function createNow(everyMs = 1_000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), everyMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
