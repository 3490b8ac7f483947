import type { Connection, ConnectionState, FingerprintResult, Product, TestResult } from './schema.js';

/** Same shapes as the Proxmox client's options (sources/proxmox/client), kept here so connections/ imports no source. */
export type ProxmoxAuth =
  | { kind: 'token'; tokenId: string; secret: string }
  | { kind: 'password'; username: string; password: string };
export interface ProxmoxTls { ca?: string; fingerprint?: string; insecure?: boolean }

/** A stored connection with its secret opened: for the poller and the runtime only, never for an API answer. */
export interface DecryptedConnection {
  id: string;
  name: string;
  product: Product;
  endpoints: string[];
  auth: ProxmoxAuth;
  tls: ProxmoxTls;
  intervalMs: number;
  enabled: boolean;
}

/** What `POST /api/connections/test` hands the runtime: a stored connection, or one not saved yet (no id). */
export type ConnectionUnderTest = Omit<DecryptedConnection, 'id'> & { id?: string };

/** A stored connection as the poller gets it: opened, or the reason its secret could not be opened. */
export type OpenedConnection =
  | { ok: true; connection: DecryptedConnection }
  | { ok: false; connection: Connection; error: { code: string; message: string } };

/**
 * What the API needs from whatever polls connections (the Proxmox poller). The API never talks to
 * Proxmox itself; main.ts hands in the implementation.
 */
export interface ConnectionRuntime {
  /** Connects once with these settings; failures are an answer (`ok: false`), not a rejection. */
  test(input: ConnectionUnderTest): Promise<TestResult>;
  /** The leaf certificate of `url` for trust on first use; rejects with an error carrying a `code`. */
  fingerprint(url: string): Promise<FingerprintResult>;
  /** Live state of a stored connection; undefined when it is not polled (disabled, not started yet). */
  state(id: string): ConnectionState | undefined;
}

export interface ConnectionEvent {
  type: 'created' | 'updated' | 'deleted';
  id: string;
  name: string;
}

export class ConnectionError extends Error {
  constructor(readonly code: 'validation.failed' | 'connection.not_found' | 'connection.name_taken' | 'connection.runtime_unavailable', message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** Until the poller is wired: no state, and test/fingerprint say that nothing can run them. */
export function createUnavailableRuntime(): ConnectionRuntime {
  const unavailable = () => Promise.reject(new ConnectionError('connection.runtime_unavailable', 'This Pulse cannot reach Proxmox connections yet: the Proxmox poller is not running.'));
  return { test: unavailable, fingerprint: unavailable, state: () => undefined };
}
