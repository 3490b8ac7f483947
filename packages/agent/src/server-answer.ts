import type { ServerResponse } from './server-client.js';

/** The `{ error: { code, message } }` Pulse answers failures with, or the status alone when the body is something else (a proxy's page). */
export function describeFailure(res: ServerResponse): { code: string | undefined; message: string } {
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body.error?.message === 'string' ? body.error.message : `HTTP ${res.status}`;
    return { code, message: message.slice(0, 500) };
  } catch {
    return { code: undefined, message: `HTTP ${res.status}` };
  }
}

/** JSON from a 2xx answer, or undefined when it is not JSON. */
export function jsonOf(res: ServerResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Retry-After in ms (seconds or an HTTP date), capped at an hour; undefined when absent or unreadable. */
export function retryAfterMs(res: ServerResponse, now: number): number | undefined {
  const value = res.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 3_600_000) : undefined;
}
