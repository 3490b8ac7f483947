export interface CachedReadOptions<T> {
  read: () => T;
  /** Whether a value may be reused until `everyMs` has passed; other values are read again each time. */
  keep: (value: T) => boolean;
  everyMs: number;
  now: () => number;
}

/**
 * A read that is repeated at most every `everyMs` while its answer is one worth keeping: things that
 * change rarely (MAC addresses) or whose absence is the machine's normal state (no ZFS module, a kernel
 * without PSI). Retrying those on every 1 s collection costs a failed open per file, and a throw and
 * catch each time in Node, for an answer that is almost always the same. A clock that steps back reads
 * again at once.
 */
export function createCachedRead<T>(options: CachedReadOptions<T>): () => T {
  let last: { at: number; value: T } | undefined;
  return () => {
    const at = options.now();
    if (last && at >= last.at && at - last.at < options.everyMs) return last.value;
    const value = options.read();
    last = options.keep(value) ? { at, value } : undefined;
    return value;
  };
}
