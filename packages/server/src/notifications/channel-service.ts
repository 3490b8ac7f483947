import { randomUUID } from 'node:crypto';
import { ChannelInput, type ChannelType, type Notification, type Severity, severities } from '@pulse/protocol';
import type { z } from 'zod';
import { isSecretError, type SecretBox } from '../secrets/index.js';
import type { StateStore } from '../store/index.js';
import type { NotificationChannelRow } from '../store/notification-channels.js';
import { type Channel, failureText } from './channel.js';
import { channelRegistry } from './channels/index.js';
import type { ChannelTarget } from './delivery.js';
import { NotificationError } from './errors.js';

/** What answers show in place of a secret; sent back unchanged, it keeps the stored one. */
export const MASK = '********';

export interface ChannelServiceDeps {
  store: Pick<StateStore, 'notificationChannels' | 'audit'>;
  box: SecretBox;
  now: () => number;
  logger: { warn(obj: object, msg?: string): void };
  newId?: () => string;
  registry?: Readonly<Record<ChannelType, Channel>>;
  /** a resource's tags, for routing by tag (the registry's current view) */
  resourceTags?: (resourceId: string) => readonly string[] | undefined;
  testTimeoutMs?: number;
}

/** A channel as the API answers it: secrets masked. */
export type NotificationChannel = ChannelInput & { id: string; createdAt: number; updatedAt: number };

const context = (id: string) => `channel:${id}`;
const notFound = () => new NotificationError('channel.not_found', 'No notification channel with that id.');
const rank = (s: Severity) => severities.indexOf(s);

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new NotificationError('validation.failed', result.error.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '));
}

/** Where a config sends things: hosts of its URL fields and an SMTP `host`. A kept secret may go only where it went before. */
function hostsOf(config: Record<string, unknown>, secretKeys: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const [key, value] of Object.entries(config)) {
    if (secretKeys.includes(key) || typeof value !== 'string') continue;
    if (key === 'host') hosts.add(value.toLowerCase());
    else if (/^https?:\/\//.test(value)) hosts.add(new URL(value).host);
  }
  return hosts;
}

/**
 * Notification channels: validation per type, secrets sealed with the secret box (context
 * `channel:<id>`) and masked in every answer, the audit log (never with a secret), the test send,
 * and the default routing of a notification to channels.
 */
export function createChannelService(deps: ChannelServiceDeps) {
  const { store, box, now, logger } = deps;
  const repo = store.notificationChannels;
  const registry = deps.registry ?? channelRegistry;
  const newId = deps.newId ?? randomUUID;

  const rowOf = async (id: string) => (await repo.byId(id)) ?? Promise.reject(notFound());
  const secretKeysOf = (type: string) => registry[type as ChannelType]?.secretKeys ?? [];

  function seal(id: string, type: ChannelType, config: Record<string, unknown>): string {
    const keys = secretKeysOf(type);
    return JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, keys.includes(k) ? box.seal(JSON.stringify(v), context(id)) : v])));
  }
  /** Rejects with SecretError when a secret cannot be opened (wrong key, altered row). */
  function open(row: NotificationChannelRow): Record<string, unknown> {
    const keys = secretKeysOf(row.type);
    const stored = JSON.parse(row.config_sealed) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, keys.includes(k) ? JSON.parse(box.open(v as string, context(row.id))) : v]));
  }
  function view(row: NotificationChannelRow): NotificationChannel {
    const keys = secretKeysOf(row.type);
    const stored = JSON.parse(row.config_sealed) as Record<string, unknown>;
    return {
      id: row.id, name: row.name, type: row.type as ChannelType, enabled: row.enabled === 1,
      config: Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, keys.includes(k) ? MASK : v])),
      minSeverity: row.min_severity, tags: JSON.parse(row.tags) as string[], sendResolved: row.send_resolved === 1,
      createdAt: row.created_at, updatedAt: row.updated_at,
    };
  }
  const auditDetail = (c: Pick<NotificationChannel, 'name' | 'type' | 'enabled' | 'minSeverity' | 'tags' | 'sendResolved'>) =>
    ({ name: c.name, type: c.type, enabled: c.enabled, minSeverity: c.minSeverity, tags: c.tags, sendResolved: c.sendResolved });

  /**
   * Validates an input; masked secrets take the stored channel's values. They are kept only for the
   * same type and the same hosts: a changed server URL could otherwise carry a token somewhere it was
   * never entered for.
   */
  function prepare(body: unknown, stored?: NotificationChannelRow): { input: ChannelInput; config: Record<string, unknown>; changedSecrets: string[] } {
    const input = parse(ChannelInput, body, 'body');
    const channel = registry[input.type];
    const merged: Record<string, unknown> = { ...input.config };
    const kept: string[] = [];
    let old: Record<string, unknown> | undefined;
    for (const key of channel.secretKeys) {
      if (merged[key] !== MASK) continue;
      if (!stored || stored.type !== input.type) throw new NotificationError('validation.failed', `body.config.${key}: enter the secret`);
      try {
        old ??= open(stored);
      } catch (err) {
        if (!isSecretError(err)) throw err;
        throw new NotificationError('validation.failed', `body.config.${key}: the stored secret cannot be opened (${err.message})`);
      }
      if (old[key] === undefined) delete merged[key];
      else merged[key] = old[key];
      kept.push(key);
    }
    const config = parse(channel.configSchema, merged, 'body.config') as Record<string, unknown>;
    if (kept.length && old) {
      const before = hostsOf(parse(channel.configSchema, old, 'stored') as Record<string, unknown>, channel.secretKeys);
      const added = [...hostsOf(config, channel.secretKeys)].find((h) => !before.has(h));
      if (added) throw new NotificationError('validation.failed', `body.config.${kept[0]}: enter the secret again to send it to the new host ${added}`);
    }
    const changedSecrets = channel.secretKeys.filter((k) => !kept.includes(k) && config[k] !== undefined);
    return { input, config, changedSecrets };
  }

  function testNotification(): Notification {
    const at = now();
    const id = `test:${newId()}`;
    return {
      id, kind: 'test', severity: 'info', title: 'Test notification from Pulse', summary: 'This channel works: Pulse can deliver alerts here.', at,
      alerts: [{ id, ruleId: 'test', ruleName: 'Test', resourceId: 'pulse', resourceName: 'Pulse', severity: 'info', state: 'firing', message: 'A test message', pendingSince: at, firedAt: at, flapping: false }],
      suppressed: [],
    };
  }

  async function send(type: ChannelType, config: Record<string, unknown>): Promise<{ ok: boolean; error?: string }> {
    const channel = registry[type];
    try {
      await channel.send(testNotification(), config, { signal: AbortSignal.timeout(deps.testTimeoutMs ?? 15_000), now });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: failureText(err, channel.secretKeys.map((k) => config[k])) };
    }
  }

  return {
    list: async (): Promise<NotificationChannel[]> => (await repo.list()).map(view),
    get: async (id: string): Promise<NotificationChannel> => view(await rowOf(id)),

    async create(body: unknown, actor: string): Promise<NotificationChannel> {
      const { input, config, changedSecrets } = prepare(body);
      const id = newId();
      const at = now();
      const row: NotificationChannelRow = {
        id, name: input.name, type: input.type, enabled: input.enabled ? 1 : 0, config_sealed: seal(id, input.type, config),
        min_severity: input.minSeverity, tags: JSON.stringify(input.tags), send_resolved: input.sendResolved ? 1 : 0, created_at: at, updated_at: at,
      };
      await repo.insert(row);
      await store.audit.record({ at, actor, action: 'channel.create', target: id, detail: { ...auditDetail(input), secrets: changedSecrets } });
      return view(row);
    },

    /** A full replacement (PUT); secrets sent back as MASK keep their stored values. */
    async update(id: string, body: unknown, actor: string): Promise<NotificationChannel> {
      const stored = await rowOf(id);
      const { input, config, changedSecrets } = prepare(body, stored);
      const change = {
        name: input.name, type: input.type, enabled: input.enabled ? 1 : 0, config_sealed: seal(id, input.type, config),
        min_severity: input.minSeverity, tags: JSON.stringify(input.tags), send_resolved: input.sendResolved ? 1 : 0, updated_at: now(),
      };
      if (!(await repo.update(id, change))) throw notFound();
      await store.audit.record({ at: change.updated_at, actor, action: 'channel.update', target: id, detail: { ...auditDetail(input), secretsChanged: changedSecrets } });
      return view({ ...stored, ...change });
    },

    async remove(id: string, actor: string): Promise<void> {
      const row = await rowOf(id);
      if (!(await repo.remove(id))) throw notFound();
      await store.audit.record({ at: now(), actor, action: 'channel.delete', target: id, detail: { name: row.name, type: row.type } });
    },

    /**
     * Sends a test notification at once (not through the outbox): to a stored channel by id, or to the
     * settings in `body` (a ChannelInput; with an `id`, masked secrets come from that stored channel).
     * A failed send is an answer (`ok: false`), invalid settings a NotificationError.
     */
    async test(target: string | unknown, actor: string): Promise<{ ok: boolean; error?: string }> {
      let type: ChannelType;
      let config: Record<string, unknown>;
      let id: string | undefined;
      if (typeof target === 'string') {
        const row = await rowOf(target);
        id = row.id;
        type = row.type as ChannelType;
        try {
          config = open(row);
        } catch (err) {
          if (!isSecretError(err)) throw err;
          return { ok: false, error: err.message };
        }
      } else {
        const { id: storedId, ...body } = (typeof target === 'object' && target !== null ? target : {}) as { id?: unknown };
        const stored = typeof storedId === 'string' ? await rowOf(storedId) : undefined;
        id = stored?.id;
        ({ input: { type }, config } = prepare(body, stored));
      }
      const result = await send(type, config);
      await store.audit.record({ at: now(), actor, action: 'channel.test', ...(id ? { target: id } : {}), detail: { type, ok: result.ok, ...(result.error ? { error: result.error } : {}) } });
      return result;
    },

    /** For delivery: the stored channel with its secrets opened, or why they cannot be. */
    async target(id: string): Promise<ChannelTarget | undefined> {
      const row = await repo.byId(id);
      if (!row) return undefined;
      const base = { id, type: row.type as ChannelType, enabled: row.enabled === 1 };
      try {
        return { ...base, config: open(row) };
      } catch (err) {
        if (!isSecretError(err)) throw err;
        return { ...base, config: {}, error: err.message };
      }
    },

    /**
     * The channels a notification goes to: the rule's own list when it has one, else every channel
     * whose minSeverity it reaches and whose tags (if any) one of its resources carries. Disabled
     * channels, and for a resolve those that do not want resolves, are left out either way.
     */
    async route(notification: Notification, explicit: readonly string[] | 'default' = 'default'): Promise<string[]> {
      const all = await repo.list();
      const rows = all.filter((r) => r.enabled === 1 && (notification.kind !== 'resolved' || r.send_resolved === 1));
      if (explicit !== 'default' && explicit.length) {
        const missing = explicit.filter((id) => !all.some((r) => r.id === id));
        if (missing.length) logger.warn({ notification: notification.id, missing }, 'a rule names channels that do not exist; it should be edited');
        return rows.filter((r) => explicit.includes(r.id)).map((r) => r.id);
      }
      const tags = new Set(notification.alerts.flatMap((a) => deps.resourceTags?.(a.resourceId) ?? []));
      return rows.filter((r) => {
        if (rank(notification.severity) < rank(r.min_severity)) return false;
        const wanted = JSON.parse(r.tags) as string[];
        return !wanted.length || wanted.some((t) => tags.has(t));
      }).map((r) => r.id);
    },
  };
}
export type ChannelService = ReturnType<typeof createChannelService>;
