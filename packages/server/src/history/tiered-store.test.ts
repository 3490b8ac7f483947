import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import type { ChunkStorage } from './chunk-storage.js';
import { createMemoryChunkStorage } from './metric-store-memory.js';
import { createSqlMetricStore } from './metric-store-sql.js';
import { createTieredMetricStore } from './tiered-store.js';
import { DEFAULT_RETENTION_MS } from './tiers.js';
import type { Sample } from './types.js';

const T0 = 1_735_689_600_000;
const samples = (resource: string, from: number, n: number): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ resource, metric: 'cpu', t: T0 + (from + i) * 10_000, v: from + i }));

describe('tiered metric store', () => {
  it('keeps memory and storage in step when a flush transaction fails half-way, and loses no sample', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-history-fail-'));
    const db = await openDatabase({ dataDir });
    const second = await openDatabase({ dataDir });
    try {
      let clock = T0 + 3_600_000;
      const store = createSqlMetricStore({ db, now: () => clock, retention: DEFAULT_RETENTION_MS });
      store.append(samples('a', 0, 50));
      await store.flush();
      // The head-log insert comes after the open chunks were changed in memory and a series was created.
      await sql`create trigger fail_head before insert on metric_head begin select raise(abort, 'disk on fire'); end`.execute(db.kysely);
      store.append([...samples('a', 50, 100), ...samples('b', 0, 5)]);
      await expect(store.flush()).rejects.toThrow(/disk on fire/);
      // Nothing is lost meanwhile: what was stored, then the batch put back in the buffer.
      expect((await store.read('a', 'cpu', 'raw', T0, T0 + 3_600_000)).t).toHaveLength(150);
      expect(await store.hasSeries('b', 'cpu')).toBe(true);
      await sql`drop trigger fail_head`.execute(db.kysely);
      store.append(samples('a', 150, 10));
      clock += 10_000;
      await store.flush();
      const a = await store.read('a', 'cpu', 'raw', T0, T0 + 3_600_000);
      expect(a.v).toEqual(Array.from({ length: 160 }, (_, i) => i));
      expect((await store.read('b', 'cpu', 'raw', T0, T0 + 3_600_000)).v).toEqual([0, 1, 2, 3, 4]);
      // A restart without close (another store on the same file) sees the same.
      const again = createSqlMetricStore({ db: second, now: () => clock, retention: DEFAULT_RETENTION_MS });
      expect(await again.read('a', 'cpu', 'raw', T0, T0 + 3_600_000)).toEqual(a);
      expect((await again.stats()).series).toBe(2);
    } finally {
      await db.close();
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers a read with what it held when the read began, while flushes close that chunk and reuse its memory', async () => {
    // Reads of stored chunks wait at a gate, so flushes run while a read is in progress.
    let gate: Promise<void> | undefined;
    const inner = createMemoryChunkStorage();
    const storage: ChunkStorage = { ...inner, chunks: async (...args) => { await gate; return inner.chunks(...args); } };
    let clock = T0;
    const store = createTieredMetricStore({ storage, now: () => clock, retention: DEFAULT_RETENTION_MS, rawChunk: { maxPoints: 8, maxSpanMs: 3_600_000 } });
    const all = [...samples('a', 0, 30), ...samples('b', 0, 30)];
    store.append(all.filter((s) => s.v < 5));
    await store.flush();
    store.append(all.filter((s) => s.v === 5));
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const reading = store.read('a', 'cpu', 'raw', T0, T0 + 3_600_000);
    // Chunks close (twice over) and new ones start in the room of the closed ones.
    for (let i = 6; i < 30; i++) {
      store.append(all.filter((s) => s.v === i));
      clock += 10_000;
      await store.flush();
    }
    open();
    // Everything up to when it began (a sample or so after the call: it first awaits the store's start),
    // nothing of the chunks stored since, no gap and nothing of another series.
    const read = await reading;
    expect(read.v.length).toBeGreaterThanOrEqual(6);
    expect(read.v.length).toBeLessThan(10);
    expect(read.v).toEqual(Array.from({ length: read.v.length }, (_, i) => i));
    expect((await store.read('a', 'cpu', 'raw', T0, T0 + 3_600_000)).v).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect((await store.read('b', 'cpu', 'raw', T0, T0 + 3_600_000)).v).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
