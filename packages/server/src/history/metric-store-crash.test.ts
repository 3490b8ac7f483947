import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SERIES, STEP_MS, T0, valueAt } from '../../test-support/metric-ingest-child.mjs';
import { openDatabase } from '../store/database.js';
import { createSqlMetricStore } from './metric-store-sql.js';
import { DEFAULT_RETENTION_MS } from './tiers.js';

const child = fileURLToPath(new URL('../../test-support/metric-ingest-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/history/metric-store-sql.js', import.meta.url));
const FLUSH_MS = 20;

describe('metric store after a crash', () => {
  it('opens cleanly after SIGKILL and keeps every sample a flush acknowledged', async () => {
    expect(existsSync(built), 'the child runs the built server: npx tsc -b packages/server (npm test does it)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pulse-crash-'));
    const file = join(dir, 'pulse.db');
    const proc = fork(child, [file, String(FLUSH_MS)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let acked = 0;
    let acks = 0;
    const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    // Kill once it has flushed ~17 h of data time: past chunk closes, checkpoints and 1 m rollups.
    await new Promise<void>((resolve, reject) => {
      proc.on('message', (m: { flushed: number }) => {
        acked = Math.max(acked, m.flushed);
        if (++acks >= 20 && acked >= 6000) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`ingest child exited early with code ${code}`)));
    });
    proc.kill('SIGKILL');
    await exited;

    const db = await openDatabase({ url: `sqlite:${file}`, dataDir: '' });
    try {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
      expect(check.rows.map((r) => r.integrity_check)).toEqual(['ok']);
      const store = createSqlMetricStore({ db, now: () => T0 + acked * STEP_MS, retention: DEFAULT_RETENTION_MS });
      for (let s = 0; s < SERIES; s++) {
        const got = await store.read(`host:${s}`, 'cpu', 'raw', T0, T0 + 10 * acked * STEP_MS);
        const want = Array.from({ length: acked }, (_, i) => T0 + i * STEP_MS);
        expect(got.t.slice(0, acked), `host:${s}`).toEqual(want);
        expect(got.v.slice(0, acked)).toEqual(want.map((_, i) => valueAt(s, i)));
        // Whatever survived past the last acknowledgement is the same data, never anything else.
        got.t.forEach((t, i) => expect(t).toBe(T0 + i * STEP_MS));
      }
      expect((await store.read('host:0', 'cpu', '1m', T0, T0 + acked * STEP_MS)).t.length).toBeGreaterThan(0);
      await store.close();
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
