/*
 * When each slower kind of request is due again. Every key gets its own jittered phase so 500
 * nodes' disk lists do not all fall in the same cycle, and a key that failed waits its period
 * like one that succeeded (a node that answers 595 is not asked every cycle for its disks).
 */

export interface Cadence {
  /** true when `key` (e.g. `disks/pve1`) has not been started within `everyMs`; marks it started */
  take(key: string, everyMs: number): boolean;
  /** forget keys that no longer exist (deleted guests, removed nodes) */
  retain(keep: (key: string) => boolean): void;
}

export interface CadenceOptions {
  now: () => number;
  /** 0..1; spreads first runs over the period */
  random?: () => number;
}

export function createCadence(options: CadenceOptions): Cadence {
  const random = options.random ?? Math.random;
  const nextAt = new Map<string, number>();
  return {
    take(key, everyMs) {
      const now = options.now();
      const due = nextAt.get(key);
      if (due === undefined) {
        // First sight: the first run happens now, later ones drift by up to 20 % of the period so
        // keys first seen together spread out instead of moving as one block forever.
        nextAt.set(key, now + everyMs * (0.8 + 0.2 * random()));
        return true;
      }
      if (now < due) return false;
      nextAt.set(key, now + everyMs * (0.9 + 0.2 * random()));
      return true;
    },
    retain(keep) {
      for (const key of nextAt.keys()) if (!keep(key)) nextAt.delete(key);
    },
  };
}
