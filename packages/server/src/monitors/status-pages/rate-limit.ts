export interface RateLimitOptions {
  now: () => number;
  /** requests a client may make at once */
  burst: number;
  /** requests per second it earns back */
  perSecond: number;
  /** clients tracked before idle ones are forgotten */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client address for the routes anyone may call. In memory on purpose, like the
 * login limiter: a restart forgives, and a flood of addresses cannot fill the database. Behind a
 * proxy the address is the proxy's unless `trust_proxy` is set.
 */
export function createRateLimiter({ now, burst, perSecond, maxClients = 10_000 }: RateLimitOptions) {
  const buckets = new Map<string, Bucket>();

  const refill = (b: Bucket, at: number) => {
    b.tokens = Math.min(burst, b.tokens + ((at - b.at) / 1000) * perSecond);
    b.at = at;
  };

  /** Forgets clients whose bucket is full again: they lose nothing by it. */
  function prune(at: number): void {
    for (const [key, b] of buckets) {
      refill(b, at);
      if (b.tokens >= burst) buckets.delete(key);
    }
    // Still too many (a flood of fresh addresses): drop the oldest; each starts over with a full bucket.
    for (const key of buckets.keys()) {
      if (buckets.size <= maxClients) break;
      buckets.delete(key);
    }
  }

  return {
    /** 0 when the request may go ahead (and is counted), else the ms until it may. */
    take(client: string): number {
      const at = now();
      let b = buckets.get(client);
      if (!b) {
        if (buckets.size >= maxClients) prune(at);
        buckets.set(client, (b = { tokens: burst, at }));
      } else {
        refill(b, at);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / perSecond) * 1000);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
