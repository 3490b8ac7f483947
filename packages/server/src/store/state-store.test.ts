import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { postgresUrlForTests } from '../../test-support/services.js';
import { openDatabase } from './database.js';
import { stateStoreContract } from './state-store.contract.js';

stateStoreContract('SQLite', () => openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-store-')) }));

const pg = await postgresUrlForTests();
if (pg.url) {
  const url = pg.url;
  stateStoreContract('PostgreSQL', () => openDatabase({ url, dataDir: '' }));
} else {
  describe.skip(`state store on PostgreSQL (skipped: ${pg.reason})`, () => it('needs PostgreSQL', () => {}));
}
