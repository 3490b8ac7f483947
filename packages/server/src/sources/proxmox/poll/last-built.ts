/*
 * One derived value per key, built again only when one of its inputs is a different object than
 * the last time. The answer cache replaces an answer when it refreshes and never changes one in
 * place, so "the same object" means "the same answer": a node's disk list, read every 5 minutes,
 * is normalised once per answer instead of once per 10 s cycle. The registry then gets the very
 * objects it already holds and keeps them without walking them (reuseUnchanged), and nothing of
 * it is built, promoted and collected again every cycle (bench/proxmox, docs/BENCHMARKS.md).
 */

export interface LastBuilt<T> {
  /** the value built for `key` from these `inputs` (compared by identity, in order), building it if they changed */
  get(key: string, inputs: readonly unknown[], build: () => T): T;
  /** forgets keys for which `keep` is false */
  retain(keep: (key: string) => boolean): void;
}

export function createLastBuilt<T>(): LastBuilt<T> {
  const entries = new Map<string, { inputs: readonly unknown[]; value: T }>();
  return {
    get(key, inputs, build) {
      const entry = entries.get(key);
      if (entry && entry.inputs.length === inputs.length && entry.inputs.every((input, i) => input === inputs[i])) return entry.value;
      const value = build();
      entries.set(key, { inputs, value });
      return value;
    },
    retain(keep) {
      for (const key of entries.keys()) if (!keep(key)) entries.delete(key);
    },
  };
}
