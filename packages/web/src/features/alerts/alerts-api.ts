import {
  ApiError, type Alert, type AlertOverrideInput, type AlertRule, type AlertRuleInput, type AlertSettings, type ChannelInput, type ChannelType, type Notification, type Severity,
} from '@pulse/protocol';
import { ApiRequestError, type Api } from '../../lib/api';
import { isObject } from '../../lib/read-json';

/* The alerts, rules, overrides, channels and deliveries endpoints as packages/server/src/alerts/CONTRACT.md lists them. */

export type AlertOverride = AlertOverrideInput & { id: string };

/** A stored channel as the server shows it: secrets in `config` masked as "********". */
export type Channel = ChannelInput & { id: string; createdAt?: number; updatedAt?: number };

export type DeliveryState = 'queued' | 'sending' | 'sent' | 'dead';

/** One notification on its way to one channel (a row of the outbox). */
export interface Delivery {
  id: string;
  notificationId: string;
  channelId: string;
  channelName?: string;
  channelType?: ChannelType;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt?: number;
  lastError?: string;
  createdAt: number;
  sentAt?: number;
  kind?: Notification['kind'];
  severity?: Severity;
  title?: string;
}

export interface TestOutcome {
  ok: boolean;
  error?: string;
}

/** The shared Api has no PUT; this sends one the same way (cookie, CSRF header, error codes). */
async function put<T>(path: string, body: unknown, csrf: string | undefined): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, 'network.unreachable', 'Cannot reach the Pulse server. Check that it is running.');
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) return json as T;
  const parsed = ApiError.safeParse(json);
  if (parsed.success) throw new ApiRequestError(res.status, parsed.data.error.code, parsed.data.error.message);
  throw new ApiRequestError(res.status, `http.${res.status}`, `The server answered ${res.status} ${res.statusText}.`);
}

/** The list in an answer, under the first of `keys` it has (or the answer itself when it is a list). */
function listIn<T>(v: unknown, keys: string[], what: string): T[] {
  if (Array.isArray(v)) return v as T[];
  if (isObject(v)) for (const k of keys) if (Array.isArray(v[k])) return v[k] as T[];
  throw new Error(`The server sent ${what} this dashboard cannot read.`);
}

function oneIn<T>(v: unknown, keys: string[]): T {
  if (isObject(v)) for (const k of keys) if (isObject(v[k])) return v[k] as T;
  return v as T;
}

const enc = encodeURIComponent;

/** A test answer in whatever shape: `{ ok, error }` with the error as text or `{ message }`. */
function outcomeOf(v: unknown): TestOutcome {
  if (!isObject(v)) return { ok: false, error: 'The server sent an answer this dashboard cannot read.' };
  const e = v['error'];
  const error = typeof e === 'string' ? e : isObject(e) && typeof e['message'] === 'string' ? e['message'] : undefined;
  return { ok: v['ok'] === true, error };
}

export function createAlertsApi(api: Api, csrf: () => string | undefined) {
  return {
    alerts: {
      list: async (query: { state?: 'active' | 'all'; resourceId?: string } = {}, signal?: AbortSignal) => {
        const q = new URLSearchParams();
        if (query.state) q.set('state', query.state);
        if (query.resourceId) q.set('resourceId', query.resourceId);
        const qs = q.toString();
        return listIn<Alert>(await api.get(`/api/alerts${qs ? `?${qs}` : ''}`, { signal }), ['alerts'], 'an alert list');
      },
      ack: async (id: string) => oneIn<Alert>(await api.post(`/api/alerts/${enc(id)}/ack`), ['alert']),
      snooze: async (id: string, untilMs: number) => oneIn<Alert>(await api.post(`/api/alerts/${enc(id)}/snooze`, { untilMs }), ['alert']),
    },
    rules: {
      list: async (signal?: AbortSignal) => listIn<AlertRule>(await api.get('/api/alert-rules', { signal }), ['rules', 'alertRules'], 'a rule list'),
      get: async (id: string, signal?: AbortSignal) => oneIn<AlertRule>(await api.get(`/api/alert-rules/${enc(id)}`, { signal }), ['rule', 'alertRule']),
      create: async (input: AlertRuleInput) => oneIn<AlertRule>(await api.post('/api/alert-rules', input), ['rule', 'alertRule']),
      update: async (id: string, input: AlertRuleInput) => oneIn<AlertRule>(await put(`/api/alert-rules/${enc(id)}`, input, csrf()), ['rule', 'alertRule']),
      remove: (id: string) => api.delete(`/api/alert-rules/${enc(id)}`),
    },
    overrides: {
      list: async (signal?: AbortSignal) => listIn<AlertOverride>(await api.get('/api/alert-overrides', { signal }), ['overrides', 'alertOverrides'], 'an override list'),
      create: async (input: AlertOverrideInput) => oneIn<AlertOverride>(await api.post('/api/alert-overrides', input), ['override', 'alertOverride']),
      remove: (id: string) => api.delete(`/api/alert-overrides/${enc(id)}`),
    },
    settings: {
      get: async (signal?: AbortSignal) => oneIn<AlertSettings>(await api.get('/api/alert-settings', { signal }), ['settings', 'alertSettings']),
      update: async (input: AlertSettings) => oneIn<AlertSettings>(await put('/api/alert-settings', input, csrf()), ['settings', 'alertSettings']),
    },
    channels: {
      list: async (signal?: AbortSignal) => listIn<Channel>(await api.get('/api/channels', { signal }), ['channels'], 'a channel list'),
      create: async (input: ChannelInput) => oneIn<Channel>(await api.post('/api/channels', input), ['channel']),
      update: async (id: string, input: ChannelInput) => oneIn<Channel>(await put(`/api/channels/${enc(id)}`, input, csrf()), ['channel']),
      remove: (id: string) => api.delete(`/api/channels/${enc(id)}`),
      /**
       * A stored channel's test (`{ id }`), or unsaved settings' (with the id of the channel they edit,
       * the server fills in the secrets left masked).
       */
      test: async (target: { id: string } | (ChannelInput & { id?: string })): Promise<TestOutcome> => {
        try {
          return outcomeOf('type' in target ? await api.post('/api/channels/test', target) : await api.post(`/api/channels/${enc(target.id)}/test`));
        } catch (err) {
          // A refused test (the server could not send) is an outcome to show, not a failure of the page.
          if (err instanceof ApiRequestError && err.status !== 0 && err.status !== 404 && err.status !== 401 && err.status !== 403) return { ok: false, error: err.message };
          throw err;
        }
      },
    },
    deliveries: {
      list: async (state: DeliveryState, signal?: AbortSignal) => listIn<Delivery>(await api.get(`/api/notifications?state=${state}`, { signal }), ['deliveries', 'notifications'], 'a delivery list'),
      retry: (id: string) => api.post(`/api/notifications/${enc(id)}/retry`),
    },
  };
}

export type AlertsApi = ReturnType<typeof createAlertsApi>;

/** True when the server has no such endpoint yet (the alerts API not built in). */
export const isMissingEndpoint = (err: unknown) => err instanceof ApiRequestError && err.status === 404 && (err.code === 'route.not_found' || err.code === 'http.404');
