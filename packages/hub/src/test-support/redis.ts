// Used by this package's tests only (excluded from the build): finds the Redis the Redis-backed
// suites run against, and gives each test file its own key prefix so files can run in parallel.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

const PING_TIMEOUT_MS = 3_000;

/**
 * Pings `PULSE_TEST_REDIS_URL` (default redis://127.0.0.1:6379). Unreachable: under CI this throws,
 * because a suite that silently skips there proves nothing; locally it returns the reason so the
 * suite can `describe.skipIf(!url)` and say why.
 */
export async function redisUrlForTests(): Promise<{ url?: string; reason?: string }> {
  const url = process.env.PULSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, connectTimeout: PING_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis rejects the ping with a bare 'Connection is closed'; the error event says why
  let connectionError: Error | undefined;
  client.on('error', (err: Error) => { connectionError = err; });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return { url };
  } catch (err) {
    const cause = connectionError ?? err;
    const reason = `Redis at ${url} is unreachable (${cause instanceof Error ? cause.message : String(cause)}); set PULSE_TEST_REDIS_URL or start Redis`;
    if (process.env.CI) throw new Error(reason);
    console.warn(`skipping Redis tests: ${reason}`);
    return { reason };
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** A prefix no other test file (or earlier run) uses. */
export function testKeyPrefix(): string {
  return `pulse:test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}
