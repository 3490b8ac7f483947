import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_CACHE_KIB } from './database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the embedded SQLite database', () => {
  it('keeps its page cache at SQLite’s 2 MB, not the 16 MB better-sqlite3 is built with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-db-'));
    dirs.push(dir);
    const db = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await sql<{ cache_size: number; journal_mode?: string }>`pragma cache_size`.execute(db.kysely);
      expect(rows[0]!.cache_size).toBe(-SQLITE_CACHE_KIB);
      expect(SQLITE_CACHE_KIB).toBeLessThanOrEqual(2000);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
      expect(mode.rows[0]!.journal_mode).toBe('wal');
    } finally {
      await db.close();
    }
  });
});
