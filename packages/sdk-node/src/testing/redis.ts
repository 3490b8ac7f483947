// Test support (excluded from the build): the Redis the Redis-backed tests run against, as in
// packages/hub/src/test-support/redis.ts (kept apart: this package may import only the protocol).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Pings PULSE_TEST_REDIS_URL (default redis://127.0.0.1:6379). Unreachable: under CI this throws,
 * since a suite that silently skips there proves nothing; elsewhere it returns the reason to skip.
 */
export async function redisUrlForTests(): Promise<{ url?: string; reason?: string }> {
  const url = process.env.PULSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let connectionError: Error | undefined;
  client.on('error', (err: Error) => { connectionError = err; });
  try {
    await client.connect();
    await client.ping();
    return { url };
  } catch (err) {
    const cause = connectionError ?? err;
    const reason = `Redis at ${url} is unreachable (${cause instanceof Error ? cause.message : String(cause)}); set PULSE_TEST_REDIS_URL or start Redis`;
    if (process.env.CI) throw new Error(reason);
    console.warn(`skipping Redis tests: ${reason}`);
    return { reason };
  } finally {
    client.disconnect();
  }
}

export function testKeyPrefix(): string {
  return `pulse:test:${randomBytes(6).toString('hex')}:`;
}

export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
