import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ServiceForTests {
  url?: string;
  reason?: string;
}

const BASE = process.env.PULSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh PostgreSQL database for one test file. Under CI a missing server is a failure, not a
 * skip: the scale-out path must be exercised where the service exists.
 */
export async function postgresUrlForTests(): Promise<ServiceForTests> {
  const admin = new pg.Client({ connectionString: BASE, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    const name = `pulse_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(BASE);
    url.pathname = `/${name}`;
    return { url: url.toString() };
  } catch (err) {
    const reason = `PostgreSQL at ${BASE} unreachable: ${(err as Error).message}`;
    if (process.env.CI) throw new Error(`${reason} (CI=true requires it)`);
    return { reason };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

const REDIS = process.env.PULSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The Redis server for scale-out tests; like PostgreSQL, required under CI and skipped elsewhere. */
export async function redisUrlForTests(): Promise<ServiceForTests> {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { url: REDIS };
  } catch (err) {
    const reason = `Redis at ${REDIS} unreachable: ${(err as Error).message}`;
    if (process.env.CI) throw new Error(`${reason} (CI=true requires it)`);
    return { reason };
  } finally {
    client.disconnect();
  }
}
