import type { ApmException } from '@pulse/protocol';
import { fingerprint, parseStack } from './stack.js';
import { LIMITS } from './wire.js';

export type Mechanism = ApmException['mechanism'];

const MAX_CONTEXT_CHARS = LIMITS.messageBytes;

function describe(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) {
    const type = err.name && err.name !== 'Error' ? err.name : (err.constructor?.name || 'Error');
    return { type, message: String(err.message ?? ''), stack: err.stack };
  }
  if (err !== null && typeof err === 'object') {
    const o = err as { name?: unknown; message?: unknown; stack?: unknown };
    return {
      type: typeof o.name === 'string' ? o.name : 'Object',
      message: typeof o.message === 'string' ? o.message : safeJson(err) ?? '[object]',
      stack: typeof o.stack === 'string' ? o.stack : undefined,
    };
  }
  // `throw 'text'` / `Promise.reject(42)`: no stack exists; the type says what was thrown
  return { type: typeof err, message: String(err) };
}

function safeJson(value: unknown): string | undefined {
  try { return JSON.stringify(value); } catch { return undefined; }
}

/**
 * The user's context goes on the wire only if it serialises, and only up to a size, so a circular
 * object or a whole request body cannot break or bloat the batch.
 */
function boundedContext(context: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!context) return undefined;
  const json = safeJson(context);
  if (json === undefined) return { pulseContextDropped: 'not serialisable as JSON' };
  if (json.length > MAX_CONTEXT_CHARS) return { pulseContextDropped: `over ${MAX_CONTEXT_CHARS} characters` };
  return JSON.parse(json) as Record<string, unknown>;
}

export function toApmException(
  err: unknown,
  mechanism: Mechanism,
  instanceId: string,
  at: number,
  context?: Record<string, unknown>,
): ApmException {
  const { type, message, stack } = describe(err);
  const frames = parseStack(stack);
  const event: ApmException = {
    at,
    instanceId,
    fingerprint: fingerprint(type, frames, message),
    type: type.slice(0, 200),
    message: message.slice(0, LIMITS.messageBytes),
    frames,
    mechanism,
  };
  const ctx = boundedContext(context);
  if (ctx) event.context = ctx;
  return event;
}
