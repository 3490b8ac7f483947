import type { CheckResult, MonitorInput, MonitorState } from '@pulse/protocol';
import { z } from 'zod';

/** CONTRACT.md's StoredMonitor: what the scheduler, the checks and the API all see of a monitor. */
export type StoredMonitor = MonitorInput & { id: string; createdAt: number; updatedAt: number; pushToken?: string };

/** What the state machine last decided for a monitor (monitor-results.ts). */
export interface MonitorStatus {
  state: MonitorState;
  lastCheckAt?: number;
  reason?: CheckResult['reason'] | null;
  warning?: CheckResult['warning'] | null;
}

export type MonitorErrorCode = 'validation.failed' | 'monitor.not_found' | 'monitor.name_taken' | 'maintenance.not_found';

/** Errors carry a code; api/routes/monitors.ts maps them to 400/404/409. */
export class MonitorError extends Error {
  constructor(readonly code: MonitorErrorCode, message: string) {
    super(message);
    this.name = 'MonitorError';
  }
}

export const MASK = '********';

/** Headers whose values are credentials as much as `auth` is: masked wherever a secret would be. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|apikey/i;
export const isSecretHeader = (name: string): boolean => SECRET_HEADER.test(name);

/** A definition with its credentials replaced by MASK: for answers, logs and the audit log. */
export function masked<T extends MonitorInput>(input: T): T {
  if (input.type !== 'http') return input;
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k, isSecretHeader(k) ? MASK : v]));
  const auth = !input.auth ? undefined
    : input.auth.kind === 'basic' ? { ...input.auth, password: MASK } : { ...input.auth, token: MASK };
  return { ...input, headers, ...(auth ? { auth } : {}) };
}

/**
 * A definition sent back by the UI carries MASK where it showed one: keep the stored secret there,
 * so editing a monitor's name does not replace its password with asterisks.
 */
export function unmasked(next: MonitorInput, stored: MonitorInput | undefined): MonitorInput {
  if (next.type !== 'http' || stored?.type !== 'http') return next;
  const headers = Object.fromEntries(Object.entries(next.headers).map(([k, v]) => [k, v === MASK && stored.headers[k] !== undefined ? stored.headers[k] : v]));
  let auth = next.auth;
  if (auth?.kind === 'basic' && auth.password === MASK && stored.auth?.kind === 'basic') auth = { ...auth, password: stored.auth.password };
  if (auth?.kind === 'bearer' && auth.token === MASK && stored.auth?.kind === 'bearer') auth = { ...auth, token: stored.auth.token };
  return { ...next, headers, ...(auth ? { auth } : {}) };
}

/** Where a monitor points, in one string: URL, host[:port] or the name resolved. */
export function targetOf(monitor: MonitorInput): string {
  switch (monitor.type) {
    case 'http': return monitor.url;
    case 'tcp': return `${monitor.host}:${monitor.port}`;
    case 'dns': return monitor.hostname;
    case 'ping': return monitor.host;
    case 'push': return 'push';
  }
}

/** The answer shape: loose, since it is the monitor's own definition (a union by type) plus live state. */
export const MonitorView = z.looseObject({
  id: z.string(), name: z.string(), type: z.string(), createdAt: z.number(), updatedAt: z.number(),
  state: z.string(), lastCheckAt: z.number().optional(), reason: z.unknown().optional(), uptime24h: z.number().nullable().optional(),
  pushUrl: z.string().optional(), managedBy: z.enum(['ui', 'file']),
});
export type MonitorView = z.infer<typeof MonitorView>;

/** StoredMonitor with secrets masked, plus what the state machine knows. */
export function viewOf(monitor: StoredMonitor & { managedBy: 'ui' | 'file' }, status: MonitorStatus | undefined, uptime24h?: number | null): MonitorView {
  const { pushToken } = monitor;
  return {
    ...masked(monitor),
    state: status?.state ?? (monitor.enabled ? 'unknown' : 'paused'),
    ...(status?.lastCheckAt !== undefined ? { lastCheckAt: status.lastCheckAt } : {}),
    ...(status?.reason ? { reason: status.reason } : {}),
    ...(uptime24h !== undefined ? { uptime24h } : {}),
    // Relative: the server does not know the address callers reach it by; the web prefixes its origin.
    ...(pushToken ? { pushUrl: `/api/push/${pushToken}` } : {}),
  } as MonitorView;
}
