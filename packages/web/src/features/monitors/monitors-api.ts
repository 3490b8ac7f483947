import { ApiError, type CheckResult, type Incident, type MaintenanceWindowInput, type MonitorInputBody, type StatusPageInput } from '@pulse/protocol';
import { ApiRequestError, type Api } from '../../lib/api';
import { isObject } from '../../lib/read-json';
import type { MonitorView } from './monitor-model';

/* The monitors endpoints as packages/server/src/monitors/CONTRACT.md lists them. */

export interface Uptime {
  '24h': number | null;
  '7d': number | null;
  '30d': number | null;
  '1y': number | null;
}

export type MaintenanceWindow = MaintenanceWindowInput & { id: string; createdAt?: number; active?: boolean };
export type StatusPage = StatusPageInput & { id: string; createdAt?: number; updatedAt?: number };

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

const isMonitor = (v: unknown): v is MonitorView => isObject(v) && typeof v['id'] === 'string' && typeof v['name'] === 'string' && typeof v['type'] === 'string';

/** The list in an answer, whatever the key it sits under (the contract names some lists' keys only). */
function listIn(v: unknown, keys: string[]): unknown[] {
  if (Array.isArray(v)) return v;
  if (!isObject(v)) return [];
  for (const k of keys) if (Array.isArray(v[k])) return v[k] as unknown[];
  return [];
}

function oneIn<T>(v: unknown, keys: string[]): T {
  if (isObject(v)) for (const k of keys) if (isObject(v[k])) return v[k] as T;
  return v as T;
}

const enc = encodeURIComponent;

export function createMonitorsApi(api: Api, csrf: () => string | undefined) {
  const one = (v: unknown): MonitorView => {
    const m = (v as { monitor?: unknown } | undefined)?.monitor;
    if (!isMonitor(m)) throw new Error('The server sent a monitor this dashboard cannot read.');
    return m;
  };
  return {
    list: async (signal?: AbortSignal): Promise<MonitorView[]> => {
      const res = await api.get<{ monitors?: unknown }>('/api/monitors', { signal });
      if (!Array.isArray(res?.monitors)) throw new Error('The server sent a monitor list this dashboard cannot read.');
      return res.monitors.filter(isMonitor);
    },
    get: async (id: string, signal?: AbortSignal) => one(await api.get(`/api/monitors/${enc(id)}`, { signal })),
    create: async (input: MonitorInputBody) => one(await api.post('/api/monitors', input)),
    update: async (id: string, input: MonitorInputBody) => one(await put(`/api/monitors/${enc(id)}`, input, csrf())),
    remove: (id: string) => api.delete(`/api/monitors/${enc(id)}`),
    pause: async (id: string) => one(await api.post(`/api/monitors/${enc(id)}/pause`)),
    resume: async (id: string) => one(await api.post(`/api/monitors/${enc(id)}/resume`)),
    check: async (id: string) => (await api.post<{ result: CheckResult }>(`/api/monitors/${enc(id)}/check`)).result,
    results: async (id: string, limit = 50, signal?: AbortSignal) => (await api.get<{ results?: CheckResult[] }>(`/api/monitors/${enc(id)}/results?limit=${limit}`, { signal })).results ?? [],
    incidents: async (id: string, signal?: AbortSignal) => (await api.get<{ incidents?: Incident[] }>(`/api/monitors/${enc(id)}/incidents`, { signal })).incidents ?? [],
    uptime: async (id: string, signal?: AbortSignal) => (await api.get<{ uptime: Uptime }>(`/api/monitors/${enc(id)}/uptime`, { signal })).uptime,

    maintenance: {
      list: async (signal?: AbortSignal) => listIn(await api.get('/api/maintenance', { signal }), ['windows', 'maintenance', 'maintenanceWindows', 'items']) as MaintenanceWindow[],
      create: async (input: MaintenanceWindowInput) => oneIn<MaintenanceWindow>(await api.post('/api/maintenance', input), ['window', 'maintenance', 'maintenanceWindow']),
      update: async (id: string, input: MaintenanceWindowInput) => oneIn<MaintenanceWindow>(await put(`/api/maintenance/${enc(id)}`, input, csrf()), ['window', 'maintenance', 'maintenanceWindow']),
      remove: (id: string) => api.delete(`/api/maintenance/${enc(id)}`),
    },
    statusPages: {
      list: async (signal?: AbortSignal) => listIn(await api.get('/api/status-pages', { signal }), ['statusPages', 'pages', 'items']) as StatusPage[],
      create: async (input: StatusPageInput) => oneIn<StatusPage>(await api.post('/api/status-pages', input), ['statusPage', 'page']),
      update: async (id: string, input: StatusPageInput) => oneIn<StatusPage>(await put(`/api/status-pages/${enc(id)}`, input, csrf()), ['statusPage', 'page']),
      remove: (id: string) => api.delete(`/api/status-pages/${enc(id)}`),
    },
  };
}

export type MonitorsApi = ReturnType<typeof createMonitorsApi>;

/** True when the server has no such endpoint yet (an older server, or the monitors API not built in). */
export const isMissingEndpoint = (err: unknown) => err instanceof ApiRequestError && err.status === 404 && (err.code === 'route.not_found' || err.code === 'http.404');
