import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { postgresUrlForTests } from '../../test-support/services.js';
import { type Db, openDatabase } from '../store/database.js';
import { createSqlMetricStore } from './metric-store-sql.js';
import { type ContractStoreOptions, metricStoreContract } from './metric-store.contract.js';

/** Each test gets its own database; `reopen` opens a second connection as a restarted process would. */
function onDatabase(connect: () => Promise<Db>, dataDir?: string) {
  return async (options: ContractStoreOptions) => {
    const dbs = [await connect()];
    return {
      store: createSqlMetricStore({ db: dbs[0]!, ...options }),
      reopen: async () => {
        const db = await connect();
        dbs.push(db);
        return createSqlMetricStore({ db, ...options });
      },
      cleanup: async () => {
        for (const db of dbs) await db.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
}

metricStoreContract('SQLite', (options) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-history-'));
  return onDatabase(() => openDatabase({ dataDir }), dataDir)(options);
}, { persistent: true });

const probe = await postgresUrlForTests();
if (probe.url) {
  metricStoreContract('PostgreSQL', async (options) => {
    const { url } = await postgresUrlForTests();
    return onDatabase(() => openDatabase({ url, dataDir: '' }))(options);
  }, { persistent: true });
} else {
  describe.skip(`metric store on PostgreSQL (skipped: ${probe.reason})`, () => it('needs PostgreSQL', () => {}));
}
