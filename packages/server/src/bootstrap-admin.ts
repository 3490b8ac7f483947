import { randomUUID } from 'node:crypto';
import { NewAdmin } from '@pulse/protocol';
import type { Logger } from 'pino';
import { hashPassword } from './auth/index.js';
import { ConfigError } from './config/index.js';
import type { StateStore } from './store/index.js';

/**
 * Unattended installs: PULSE_ADMIN_USER and PULSE_ADMIN_PASSWORD create the first admin at
 * start, so the setup page never shows. Ignored once any user exists.
 */
export async function createAdminFromEnv(env: NodeJS.ProcessEnv, store: StateStore, logger: Logger, now: () => number): Promise<void> {
  const username = env.PULSE_ADMIN_USER;
  const password = env.PULSE_ADMIN_PASSWORD;
  if (!username && !password) return;
  if (!username || !password) throw new ConfigError('PULSE_ADMIN_USER and PULSE_ADMIN_PASSWORD must be set together.');
  const parsed = NewAdmin.safeParse({ username, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] === 'password' ? 'PULSE_ADMIN_PASSWORD' : 'PULSE_ADMIN_USER';
    throw new ConfigError(`config key "${key}" is not usable: ${issue.message}`);
  }
  if ((await store.users.count()) > 0) return;
  const id = randomUUID();
  await store.users.insert({ id, username: parsed.data.username, password_hash: await hashPassword(parsed.data.password), role: 'admin', created_at: now() });
  await store.audit.record({ at: now(), actor: 'env', action: 'setup.admin_created', target: parsed.data.username });
  logger.info({ username: parsed.data.username }, 'created the first admin from PULSE_ADMIN_USER');
}
