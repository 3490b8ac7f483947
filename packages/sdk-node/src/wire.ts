/*
 * Copies of the run-time constants of @pulse/protocol's apm.ts that the SDK needs. Importing them
 * would load zod (and the rest of the protocol) into every instrumented application for a handful
 * of numbers and key templates; wire.test.ts checks they stay equal to the protocol's.
 */

export const LIMITS = {
  batchBytes: 1024 * 1024,
  itemsPerBatch: 1000,
  stackFrames: 50,
  stringBytes: 2000,
  messageBytes: 8000,
} as const;

export const REDIS_KEYS = {
  server: (p: string, app: string, id: string) => `${p}server:${app}:${id}`,
  slow: (p: string, app: string) => `${p}slow:${app}`,
  errors: (p: string, app: string) => `${p}errors:${app}`,
  routes: (p: string, app: string) => `${p}routes:${app}`,
  apps: (p: string) => `${p}apps`,
} as const;
export const SLOW_STREAM_MAX = 1000;
export const ERRORS_WINDOW_MS = 3_600_000;

/** Same rule as ApmBatch.app, checked once at start() so a typo fails at boot, not at every ingest. */
export const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The route name for a request no route matched (404s, or a plain handler that names none). */
export const UNMATCHED = 'unmatched';
