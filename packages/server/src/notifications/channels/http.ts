import { DeliveryError } from '../channel.js';

export interface HttpCall {
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** an object is sent as JSON */
  body: string | object;
  signal: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

const MAX_REASON = 200;
/** Statuses worth trying again; any other 4xx means the request itself is wrong and will stay wrong. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/**
 * The one HTTP call every web-based channel makes. `service` names the receiver in errors ("Slack
 * answered HTTP 404: no_service"); the URL never appears in one, since many embed a token. Redirects
 * are refused rather than followed, so a secret-bearing request never lands on a host nobody entered.
 */
export async function callService(service: string, url: string, call: HttpCall): Promise<HttpAnswer> {
  const json = typeof call.body !== 'string';
  let response: Response;
  try {
    response = await fetch(url, {
      method: call.method ?? 'POST',
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), 'user-agent': 'Pulse', ...call.headers },
      body: json ? JSON.stringify(call.body) : call.body as string,
      signal: call.signal,
      redirect: 'manual',
    });
  } catch (err) {
    throw networkError(service, err, call.signal);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw networkError(service, err, call.signal);
  }
  if (response.status >= 200 && response.status < 300) return { status: response.status, text };
  const retryAfterMs = retryAfter(response.headers.get('retry-after'), text);
  const reason = reasonOf(text);
  const where = response.status >= 300 && response.status < 400 ? ' (a redirect: enter the final URL)' : '';
  throw new DeliveryError('delivery.http', `${service} answered HTTP ${response.status}${where}${reason ? `: ${reason}` : ''}`, {
    status: response.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    permanent: response.status < 500 && !RETRYABLE_4XX.has(response.status),
  });
}

function networkError(service: string, err: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) {
    const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
    return new DeliveryError('delivery.timeout', timedOut ? `${service} did not answer in time` : `sending to ${service} was cancelled`);
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new DeliveryError('delivery.network', `${service} cannot be reached: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
}

/** Retry-After in seconds or as an HTTP date; else the hints services put in their JSON (Discord, Telegram, Matrix). */
export function retryAfter(header: string | null, body: string, now = Date.now()): number | undefined {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const parsed = parseJson(body) as { retry_after?: unknown; retry_after_ms?: unknown; parameters?: { retry_after?: unknown } } | undefined;
  if (typeof parsed?.retry_after_ms === 'number') return parsed.retry_after_ms;
  const seconds = parsed?.retry_after ?? parsed?.parameters?.retry_after;
  return typeof seconds === 'number' ? Math.round(seconds * 1000) : undefined;
}

/** A short reason from a JSON error answer (description, message, error, errors) or the text itself. */
function reasonOf(text: string): string {
  const parsed = parseJson(text) as Record<string, unknown> | undefined;
  let reason: unknown = text;
  if (parsed && typeof parsed === 'object') {
    reason = parsed.description ?? parsed.message ?? parsed.error ?? parsed.errors ?? parsed.errcode ?? '';
  }
  const flat = (typeof reason === 'string' ? reason : JSON.stringify(reason)).replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON ? `${flat.slice(0, MAX_REASON)}…` : flat;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
