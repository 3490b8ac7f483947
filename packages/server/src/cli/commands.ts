import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NewAdmin, Scope, scopes as allScopes } from '@pulse/protocol';
import { hashPassword } from '../auth/index.js';
import { createTokenService } from '../auth/tokens.js';
import type { Config } from '../config/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { UsageError } from './usage.js';

async function withStore<T>(config: Config, run: (store: StateStore) => Promise<T>): Promise<T> {
  const store = createStateStore(await openDatabase({ url: config.database_url, dataDir: config.data_dir }));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** `pulse token create`: prints only the new token, so scripts can capture it. */
export async function tokenCreate(config: Config, flags: { name?: string | undefined; scopes?: string | undefined; user?: string | undefined; 'expires-days'?: string | undefined }): Promise<string> {
  if (!flags.name) throw new UsageError('token create needs --name NAME');
  if (!flags.scopes) throw new UsageError(`token create needs --scopes a,b (one or more of: ${allScopes.join(', ')})`);
  const scopes = flags.scopes.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = scopes.filter((s) => !Scope.safeParse(s).success);
  if (bad.length || !scopes.length) throw new UsageError(`unknown scope ${bad.join(', ') || '(none)'}; choose from: ${allScopes.join(', ')}`);
  const expiresInDays = flags['expires-days'] === undefined ? undefined : Number(flags['expires-days']);
  if (expiresInDays !== undefined && !(Number.isInteger(expiresInDays) && expiresInDays > 0)) throw new UsageError('--expires-days takes a whole number of days above 0');
  return withStore(config, async (store) => {
    // Without --user the token belongs to the oldest admin: the one setup created.
    const owner = flags.user ? await store.users.byUsername(flags.user) : await store.users.oldestAdmin();
    if (!owner) throw new UsageError(flags.user ? `no user named "${flags.user}"` : 'no user exists yet: create one with `pulse user add` or the setup page first');
    const created = await createTokenService({ store, now: Date.now }).create({ name: flags.name!, scopes: scopes as Scope[], userId: owner.id, expiresInDays });
    await store.audit.record({ at: Date.now(), actor: 'cli', action: 'token.create', target: created.info.id, detail: { name: flags.name, scopes } });
    return created.token;
  });
}

/** `pulse user add`: the password comes from --password-stdin (preferred) or --password. */
export async function userAdd(config: Config, flags: { username?: string | undefined; password?: string | undefined; 'password-stdin'?: boolean | undefined; role?: string | undefined }): Promise<string> {
  if (!flags.username) throw new UsageError('user add needs --username NAME');
  const role = flags.role ?? 'admin';
  if (role !== 'admin' && role !== 'viewer') throw new UsageError('--role is admin or viewer');
  const password = flags['password-stdin'] ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : flags.password;
  if (!password) throw new UsageError('user add needs --password-stdin (or --password PASSWORD)');
  const parsed = NewAdmin.safeParse({ username: flags.username, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path[0] === 'password' ? 'password' : '--username'}: ${issue.message}`);
  }
  return withStore(config, async (store) => {
    if (await store.users.byUsername(parsed.data.username)) throw new UsageError(`a user named "${parsed.data.username}" already exists`);
    const id = randomUUID();
    await store.users.insert({ id, username: parsed.data.username, password_hash: await hashPassword(parsed.data.password), role, created_at: Date.now() });
    await store.audit.record({ at: Date.now(), actor: 'cli', action: 'user.create', target: parsed.data.username, detail: { role } });
    return `created ${role} "${parsed.data.username}"`;
  });
}
