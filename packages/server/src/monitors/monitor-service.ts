import { randomBytes, randomUUID } from 'node:crypto';
import { MonitorInput } from '@pulse/protocol';
import type { z } from 'zod';
import type { MonitorRow, StateStore } from '../store/index.js';
import { masked, MonitorError, type StoredMonitor, unmasked } from './monitor-types.js';

export type ManagedBy = 'ui' | 'file';
export type ManagedMonitor = StoredMonitor & { managedBy: ManagedBy };
export type MonitorChange = { kind: 'upsert'; monitor: ManagedMonitor } | { kind: 'remove'; id: string };

export interface MonitorServiceDeps {
  store: Pick<StateStore, 'monitors' | 'monitorIncidents' | 'audit'>;
  now: () => number;
  newId?: () => string;
  newPushToken?: () => string;
}

const notFound = () => new MonitorError('monitor.not_found', 'No monitor with that id.');
const nameTaken = (name: string) => new MonitorError('monitor.name_taken', `A monitor named "${name}" exists already; pick another name.`);

/** `url: an http:// or https:// URL; timeoutMs: ...`: each issue by its field, as the API and the monitors file show it. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || 'monitor'}: ${i.message}`).join('; ');
}

/** What checks/http-assertions.ts reads, wholly: `a.b[0]`, `$.x`, `['odd key']`; no empty steps or open brackets. */
const STEP = String.raw`(?:[^.[\]\s'"]+|\[\d+\]|\[(?:'[^']*'|"[^"]*")\])`;
const JSON_PATH = new RegExp(String.raw`^(?:\$\.?)?${STEP}(?:\.[^.[\]\s'"]+|\[\d+\]|\[(?:'[^']*'|"[^"]*")\])*$`);

/**
 * The one validation of a monitor definition: the schema, then what it cannot say (a check must end
 * before the next one is due). `where` prefixes field names (`body`, `monitors.3`).
 */
export function parseMonitorInput(body: unknown, where = ''): MonitorInput {
  const parsed = MonitorInput.safeParse(body);
  if (!parsed.success) throw new MonitorError('validation.failed', describeIssues(parsed.error.issues, where));
  const input = parsed.data;
  const at = where ? `${where}.` : '';
  if (input.type === 'http') {
    const bad = input.jsonPath.findIndex((a) => !JSON_PATH.test(a.path.trim()));
    if (bad !== -1) throw new MonitorError('validation.failed', `${at}jsonPath.${bad}.path: "${input.jsonPath[bad]!.path}" is not a path like status, checks[0].ok or $.data.items.length`);
  }
  if (input.timeoutMs >= input.intervalS * 1000) {
    throw new MonitorError('validation.failed', `${at}timeoutMs: must be shorter than the interval (${input.intervalS * 1000} ms)`);
  }
  return input;
}

export function monitorOf(row: MonitorRow): ManagedMonitor {
  // Parsed again: applies defaults added since it was stored.
  const input = MonitorInput.parse(JSON.parse(row.definition));
  return {
    ...input, enabled: row.enabled === 1, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at,
    ...(row.push_token ? { pushToken: row.push_token } : {}), managedBy: row.source,
  };
}

/** The definition alone (no id, times or token): what export writes and what "unchanged" compares. */
export function inputOf(monitor: StoredMonitor): MonitorInput {
  const { id: _id, createdAt: _c, updatedAt: _u, pushToken: _p, managedBy: _m, ...input } = monitor as ManagedMonitor;
  return input as MonitorInput;
}

const sameDefinition = (a: MonitorInput, b: MonitorInput) => JSON.stringify(MonitorInput.parse(a)) === JSON.stringify(MonitorInput.parse(b));

/**
 * Monitors: CRUD with validation, push tokens, change events for the scheduler and results, and an
 * audit entry per change (secrets masked). Import/export and the monitors file build on `save`.
 */
export function createMonitorService(deps: MonitorServiceDeps) {
  const { store, now } = deps;
  const newId = deps.newId ?? randomUUID;
  // 192 random bits, URL-safe: the token is the whole credential of a push monitor.
  const newPushToken = deps.newPushToken ?? (() => randomBytes(24).toString('base64url'));
  const listeners = new Set<(change: MonitorChange) => void>();
  const emit = (change: MonitorChange) => {
    for (const listener of listeners) listener(change);
  };
  const audit = (actor: string, action: string, monitor: ManagedMonitor, extra: Record<string, unknown> = {}) =>
    store.audit.record({ at: now(), actor, action: `monitor.${action}`, target: monitor.id, detail: { ...masked(inputOf(monitor)), ...extra } });

  async function get(id: string): Promise<ManagedMonitor> {
    const row = await store.monitors.byId(id);
    if (!row) throw notFound();
    return monitorOf(row);
  }

  /** Inserts, retrying the (astronomically unlikely) push token collision with a new token. */
  async function insert(input: MonitorInput, managedBy: ManagedBy): Promise<ManagedMonitor> {
    for (;;) {
      const at = now();
      const row: MonitorRow = {
        id: newId(), name: input.name, type: input.type, definition: JSON.stringify(input), enabled: input.enabled ? 1 : 0,
        push_token: input.type === 'push' ? newPushToken() : null, source: managedBy, created_at: at, updated_at: at,
      };
      const outcome = await store.monitors.insert(row);
      if (outcome === 'name_taken') throw nameTaken(input.name);
      if (outcome === 'ok') return monitorOf(row);
    }
  }

  async function replace(current: ManagedMonitor, next: MonitorInput): Promise<ManagedMonitor> {
    for (;;) {
      // A monitor that stays a push monitor keeps its token: the pushing side need not change.
      const token = next.type !== 'push' ? null : current.pushToken ?? newPushToken();
      const outcome = await store.monitors.update(current.id, {
        name: next.name, type: next.type, definition: JSON.stringify(next), enabled: next.enabled ? 1 : 0, push_token: token, updated_at: now(),
      });
      if (outcome === 'name_taken') throw nameTaken(next.name);
      if (outcome === 'not_found') throw notFound();
      if (outcome === 'ok') return get(current.id);
    }
  }

  async function create(body: unknown, actor: string, managedBy: ManagedBy = 'ui'): Promise<ManagedMonitor> {
    const monitor = await insert(parseMonitorInput(body), managedBy);
    await audit(actor, 'create', monitor);
    emit({ kind: 'upsert', monitor });
    return monitor;
  }

  async function update(id: string, body: unknown, actor: string): Promise<ManagedMonitor> {
    const current = await get(id);
    const next = unmasked(parseMonitorInput(body), inputOf(current));
    const monitor = await replace(current, next);
    await audit(actor, 'update', monitor);
    emit({ kind: 'upsert', monitor });
    return monitor;
  }

  async function remove(id: string, actor: string): Promise<void> {
    const monitor = await get(id);
    if (!(await store.monitors.remove(id))) throw notFound();
    await audit(actor, 'delete', monitor);
    emit({ kind: 'remove', id });
  }

  async function setEnabled(id: string, enabled: boolean, actor: string): Promise<ManagedMonitor> {
    const current = await get(id);
    if (current.enabled === enabled) return current;
    const monitor = await replace(current, { ...inputOf(current), enabled });
    await store.audit.record({ at: now(), actor, action: enabled ? 'monitor.resume' : 'monitor.pause', target: id, detail: { name: monitor.name } });
    emit({ kind: 'upsert', monitor });
    return monitor;
  }

  /**
   * Creates `input` (owned by `managedBy`) or replaces the monitor of the same name, keeping its
   * owner, as the import and the monitors file do. The input was validated as a whole before.
   */
  async function save(input: MonitorInput, actor: string, managedBy: ManagedBy): Promise<'created' | 'updated' | 'unchanged'> {
    const row = await store.monitors.byName(input.name);
    if (!row) {
      await create(input, actor, managedBy);
      return 'created';
    }
    const current = monitorOf(row);
    if (sameDefinition(inputOf(current), input)) return 'unchanged';
    await update(current.id, input, actor);
    return 'updated';
  }

  return {
    list: async (): Promise<ManagedMonitor[]> => (await store.monitors.list()).map(monitorOf),
    get,
    byPushToken: async (token: string): Promise<ManagedMonitor | undefined> => {
      const row = await store.monitors.byPushToken(token);
      return row ? monitorOf(row) : undefined;
    },
    create,
    update,
    remove,
    pause: (id: string, actor: string) => setEnabled(id, false, actor),
    resume: (id: string, actor: string) => setEnabled(id, true, actor),
    save,
    /** newest first */
    incidents: (id: string, limit = 100) => store.monitorIncidents.list(id, limit),
    /** Every change, after it is stored: the scheduler and the results follow these. */
    onChange(listener: (change: MonitorChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type MonitorService = ReturnType<typeof createMonitorService>;
