import { ApiError } from '@pulse/protocol';
import { ApiRequestError, type Api } from '../../lib/api';

/* The connections endpoints as packages/server/src/sources/proxmox/CONTRACT.md describes them. */

export type Product = 'pve' | 'pbs' | 'pmg';

export interface ConnectionState {
  status: 'ok' | 'error' | 'connecting';
  error?: { code: string; message: string };
  lastPollAt?: number;
  nodes?: number | string[];
}

/** A stored connection as the server shows it: never a secret. */
export interface Connection {
  id: string;
  name: string;
  product: Product;
  endpoints: string[];
  auth: { kind: 'token' | 'password'; tokenId?: string; username?: string; hasSecret?: boolean };
  tls: { fingerprint?: string; ca?: boolean; insecure?: boolean };
  intervalMs?: number;
  enabled?: boolean;
  createdAt?: number;
  updatedAt?: number;
  state?: ConnectionState;
}

export type ConnectionAuthInput = { kind: 'token'; tokenId: string; secret?: string } | { kind: 'password'; username: string; password?: string };

export interface ConnectionInput {
  name: string;
  product: Product;
  endpoints: string[];
  auth: ConnectionAuthInput;
  tls?: { fingerprint?: string; ca?: string; insecure?: boolean };
  intervalMs?: number;
  enabled?: boolean;
}

export interface TestResult {
  ok: boolean;
  product?: Product;
  version?: string;
  nodes?: string[] | number;
  error?: { code: string; message: string; hint?: string };
}

export interface Fingerprint {
  fingerprint: string;
  subject?: string;
  validTo?: string;
  selfSigned?: boolean;
}

const isConnection = (v: unknown): v is Connection => typeof v === 'object' && v !== null && typeof (v as Connection).id === 'string' && typeof (v as Connection).name === 'string';

/** The shared Api has no PATCH; this sends one the same way (cookie, CSRF header, error codes). */
async function patch<T>(path: string, body: unknown, csrf: string | undefined): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'PATCH',
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

export function createConnectionsApi(api: Api, csrf: () => string | undefined) {
  const one = (v: unknown): Connection => {
    const c = (v as { connection?: unknown } | undefined)?.connection;
    if (!isConnection(c)) throw new Error('The server sent a connection this dashboard cannot read.');
    return c;
  };
  return {
    list: async (signal?: AbortSignal): Promise<Connection[]> => {
      const res = await api.get<{ connections?: unknown }>('/api/connections', { signal });
      if (!Array.isArray(res?.connections)) throw new Error('The server sent a connection list this dashboard cannot read.');
      return res.connections.filter(isConnection);
    },
    create: async (input: ConnectionInput) => one(await api.post('/api/connections', input)),
    update: async (id: string, input: Partial<ConnectionInput>) => one(await patch(`/api/connections/${encodeURIComponent(id)}`, input, csrf())),
    remove: (id: string) => api.delete(`/api/connections/${encodeURIComponent(id)}`),
    test: (body: ConnectionInput | { id: string }) => api.post<TestResult>('/api/connections/test', body),
    fingerprint: (url: string) => api.post<Fingerprint>('/api/connections/fingerprint', { url }),
    /** The script as text, for the preview (the endpoint answers text/plain, not JSON). */
    setupScript: async (product: Product): Promise<string> => {
      const res = await fetch(setupScriptPath(product), { credentials: 'same-origin' });
      if (!res.ok) throw new ApiRequestError(res.status, `http.${res.status}`, `The server answered ${res.status} for the setup script.`);
      return res.text();
    },
  };
}

export const setupScriptPath = (product: Product) => `/api/connections/setup-script?product=${product}`;

export type ConnectionsApi = ReturnType<typeof createConnectionsApi>;
