import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import * as initial from './migrations/001-initial.js';
import * as metricHistory from './migrations/002-metric-history.js';
import * as agents from './migrations/003-agents.js';
import * as connections from './migrations/004-connections.js';
import * as monitors from './migrations/005-monitors.js';
import * as notifications from './migrations/006-notifications.js';
import * as alerts from './migrations/007-alerts.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Migrations in order; a new one is appended here and never edited once released. */
const migrations = { '001-initial': initial, '002-metric-history': metricHistory, '003-agents': agents, '004-connections': connections, '005-monitors': monitors, '006-notifications': notifications, '007-alerts': alerts };

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) {
        out[name] = { up: (db) => m.up(db, dialect), down: (db) => m.down(db) };
      }
      return out;
    },
  };
}

const INT8_OID = 20;

/** SQLite's page cache, KiB per connection: SQLite's own default (see the pragma below). */
export const SQLITE_CACHE_KIB = 2000;

/**
 * Opens the state database named by `url` (`sqlite:<path>` or `postgres://...`), or the SQLite
 * file `pulse.db` under `dataDir`, and brings its schema up to date.
 */
export async function openDatabase(options: { url?: string | undefined; dataDir: string }): Promise<Db> {
  const url = options.url;
  let kysely: Kysely<Database>;
  let dialect: Dialect;
  // Each driver is imported only for its own dialect: pg and its type parsers (~30 modules) would
  // otherwise stay loaded in every SQLite server, and the SQLite addon in every PostgreSQL one.
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    const { default: pg } = await import('pg');
    // Epoch milliseconds are bigint columns; pg hands those back as strings unless told otherwise.
    const types = { getTypeParser: (oid: number, format?: string) => oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text') };
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10, types }) }) });
  } else {
    dialect = 'sqlite';
    const file = url ? url.replace(/^sqlite:(\/\/)?/, '') : resolve(options.dataDir, 'pulse.db');
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    const { default: SqliteDatabase } = await import('better-sqlite3');
    const sqlite = new SqliteDatabase(file);
    // WAL + NORMAL: durable across process crashes, far fewer fsyncs (SSD wear is a user complaint).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Statement journals of multi-row writes would otherwise be temp files: a quarter of all bytes
    // a history flush wrote (measured in bench/history), for files deleted right after.
    sqlite.pragma('temp_store = MEMORY');
    sqlite.pragma('busy_timeout = 5000');
    // better-sqlite3 builds SQLite with a 16 MB page cache (DEFAULT_CACHE_SIZE=-16000) where SQLite's
    // own default is 2 MB. Appending history fills it within minutes and keeps it: +14 MB of RSS for
    // pages the kernel's file cache holds anyway, outside our RSS (bench/proxmox's long window).
    sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const migrator = new Migrator({ db: kysely, provider: provider(dialect), migrationTableName: 'pulse_migrations', migrationLockTableName: 'pulse_migrations_lock' });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await kysely.destroy();
    throw new Error(`database migration failed: ${(error as Error).message ?? String(error)}`);
  }
  return { kysely, dialect, close: () => kysely.destroy() };
}
