import { randomUUID } from 'node:crypto';
import { isSecretError, type SecretBox } from '../secrets/index.js';
import type { ConnectionRow, StateStore } from '../store/index.js';
import { DEFAULT_INTERVAL_MS, hostOf, invalid, normalizeCa, normalizeEndpoints, normalizeFingerprint, parseBody } from './normalize.js';
import { type Connection, ConnectionInput, ConnectionPatch, type Product, StoredConnectionTest } from './schema.js';
import { type ConnectionEvent, ConnectionError, type ConnectionUnderTest, type DecryptedConnection, type OpenedConnection, type ProxmoxAuth } from './types.js';

export interface ConnectionServiceDeps {
  store: Pick<StateStore, 'connections' | 'audit'>;
  box: SecretBox;
  now: () => number;
  logger: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  newId?: () => string;
}

/** Stored settings without the secret: what a row holds in plain. */
interface Settings {
  name: string;
  product: Product;
  endpoints: string[];
  authKind: 'token' | 'password';
  authUser: string;
  tls: { fingerprint?: string; ca?: string; insecure: boolean };
  intervalMs: number;
  enabled: boolean;
}

const context = (id: string) => `connection:${id}`;
const notFound = () => new ConnectionError('connection.not_found', 'No connection with that id.');
const nameTaken = (name: string) => new ConnectionError('connection.name_taken', `A connection named "${name}" exists already; pick another name.`);

function fromRow(row: ConnectionRow): Settings {
  return {
    name: row.name, product: row.product, endpoints: JSON.parse(row.endpoints) as string[], authKind: row.auth_kind, authUser: row.auth_user,
    tls: { ...(row.tls_fingerprint ? { fingerprint: row.tls_fingerprint } : {}), ...(row.tls_ca ? { ca: row.tls_ca } : {}), insecure: row.tls_insecure === 1 },
    intervalMs: row.interval_ms, enabled: row.enabled === 1,
  };
}

function toColumns(s: Settings): Omit<ConnectionRow, 'id' | 'secret_ciphertext' | 'created_at' | 'updated_at'> {
  return {
    name: s.name, product: s.product, endpoints: JSON.stringify(s.endpoints), auth_kind: s.authKind, auth_user: s.authUser,
    tls_fingerprint: s.tls.fingerprint ?? null, tls_ca: s.tls.ca ?? null, tls_insecure: s.tls.insecure ? 1 : 0,
    interval_ms: s.intervalMs, enabled: s.enabled ? 1 : 0,
  };
}

function toConnection(row: ConnectionRow): Connection {
  const s = fromRow(row);
  return {
    id: row.id, name: s.name, product: s.product, endpoints: s.endpoints,
    auth: { kind: s.authKind, ...(s.authKind === 'token' ? { tokenId: s.authUser } : { username: s.authUser }), hasSecret: true },
    tls: { ...(s.tls.fingerprint ? { fingerprint: s.tls.fingerprint } : {}), ca: s.tls.ca !== undefined, insecure: s.tls.insecure },
    intervalMs: s.intervalMs, enabled: s.enabled, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

const toAuth = (kind: Settings['authKind'], user: string, secret: string): ProxmoxAuth =>
  kind === 'token' ? { kind, tokenId: user, secret } : { kind, username: user, password: secret };

function decrypted(id: string, s: Settings, secret: string): DecryptedConnection {
  return { id, name: s.name, product: s.product, endpoints: s.endpoints, auth: toAuth(s.authKind, s.authUser, secret), tls: s.tls, intervalMs: s.intervalMs, enabled: s.enabled };
}

/** What the audit log keeps of a connection: everything but the secret and the CA's text. */
const auditDetail = (s: Settings) => ({
  name: s.name, product: s.product, endpoints: s.endpoints, auth: { kind: s.authKind, user: s.authUser },
  tls: { fingerprint: s.tls.fingerprint, ca: s.tls.ca !== undefined, insecure: s.tls.insecure }, intervalMs: s.intervalMs, enabled: s.enabled,
});

function fromInput(input: ConnectionInput): { settings: Settings; secret: string } {
  const { auth, tls = {} } = input;
  return {
    settings: {
      name: input.name, product: input.product, endpoints: normalizeEndpoints(input.endpoints, input.product),
      authKind: auth.kind, authUser: auth.kind === 'token' ? auth.tokenId : auth.username,
      tls: { ...(tls.fingerprint ? { fingerprint: normalizeFingerprint(tls.fingerprint) } : {}), ...(tls.ca ? { ca: normalizeCa(tls.ca) } : {}), insecure: tls.insecure ?? false },
      intervalMs: input.intervalMs ?? DEFAULT_INTERVAL_MS[input.product], enabled: input.enabled ?? true,
    },
    secret: auth.kind === 'token' ? auth.secret : auth.password,
  };
}

/**
 * Applies a patch to stored settings. The stored secret is kept only for the same user and the same
 * hosts: a changed endpoint could otherwise send a secret to a host it was never entered for.
 */
function applyPatch(old: Settings, patch: ConnectionPatch): { settings: Settings; secret?: string } {
  const product = patch.product ?? old.product;
  const endpoints = patch.endpoints ? normalizeEndpoints(patch.endpoints, product) : old.endpoints;
  const authKind = patch.auth?.kind ?? old.authKind;
  const authUser = patch.auth ? (patch.auth.kind === 'token' ? patch.auth.tokenId : patch.auth.username) : old.authUser;
  const secret = patch.auth ? (patch.auth.kind === 'token' ? patch.auth.secret : patch.auth.password) : undefined;
  if (secret === undefined) {
    const field = authKind === 'token' ? 'auth.secret' : 'auth.password';
    if (authKind !== old.authKind || authUser !== old.authUser) throw invalid(field, 'enter the secret for the new user or token');
    const known = new Set(old.endpoints.map(hostOf));
    const added = endpoints.map(hostOf).find((h) => !known.has(h));
    if (added) throw invalid(field, `enter the secret again to send it to the new host ${added}`);
  }
  const tls = { ...old.tls };
  if (patch.tls?.fingerprint !== undefined) {
    if (patch.tls.fingerprint === null) delete tls.fingerprint;
    else tls.fingerprint = normalizeFingerprint(patch.tls.fingerprint);
  }
  if (patch.tls?.ca !== undefined) {
    if (patch.tls.ca === null) delete tls.ca;
    else tls.ca = normalizeCa(patch.tls.ca);
  }
  if (patch.tls?.insecure !== undefined) tls.insecure = patch.tls.insecure;
  return {
    settings: { name: patch.name ?? old.name, product, endpoints, authKind, authUser, tls, intervalMs: patch.intervalMs ?? old.intervalMs, enabled: patch.enabled ?? old.enabled },
    ...(secret !== undefined ? { secret } : {}),
  };
}

/**
 * Stored Proxmox connections: validation, encryption of secrets, the audit log and change events.
 * Every mutation takes the acting principal's id for the audit log.
 */
export function createConnectionService(deps: ConnectionServiceDeps) {
  const { store, box, now, logger } = deps;
  const newId = deps.newId ?? randomUUID;
  const listeners = new Set<(event: ConnectionEvent) => void>();

  const emit = (event: ConnectionEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        logger.error({ err, connection: event.id, change: event.type }, 'a connection change listener failed');
      }
    }
  };
  const rowOf = async (id: string) => (await store.connections.byId(id)) ?? Promise.reject(notFound());
  const open = (row: ConnectionRow): OpenedConnection => {
    try {
      return { ok: true, connection: decrypted(row.id, fromRow(row), box.open(row.secret_ciphertext, context(row.id))) };
    } catch (err) {
      if (!isSecretError(err)) throw err;
      return { ok: false, connection: toConnection(row), error: { code: err.code, message: err.message } };
    }
  };

  return {
    list: async (): Promise<Connection[]> => (await store.connections.list()).map(toConnection),
    get: async (id: string): Promise<Connection> => toConnection(await rowOf(id)),

    async create(body: unknown, actor: string): Promise<Connection> {
      const { settings, secret } = fromInput(parseBody(ConnectionInput, body));
      const id = newId();
      const at = now();
      const row: ConnectionRow = { id, ...toColumns(settings), secret_ciphertext: box.seal(secret, context(id)), created_at: at, updated_at: at };
      if (!(await store.connections.insert(row))) throw nameTaken(settings.name);
      await store.audit.record({ at, actor, action: 'connection.create', target: id, detail: auditDetail(settings) });
      emit({ type: 'created', id, name: settings.name });
      return toConnection(row);
    },

    async update(id: string, body: unknown, actor: string): Promise<Connection> {
      const patch = parseBody(ConnectionPatch, body);
      const row = await rowOf(id);
      const before = fromRow(row);
      const { settings, secret } = applyPatch(before, patch);
      const columns = toColumns(settings);
      const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((k) => columns[k] !== row[k]);
      if (!changed.length && secret === undefined) return toConnection(row);
      const change = { ...columns, ...(secret !== undefined ? { secret_ciphertext: box.seal(secret, context(id)) } : {}), updated_at: now() };
      const result = await store.connections.update(id, change);
      if (result === 'not_found') throw notFound();
      if (result === 'name_taken') throw nameTaken(settings.name);
      await store.audit.record({ at: change.updated_at, actor, action: 'connection.update', target: id, detail: { changed, secretChanged: secret !== undefined, ...auditDetail(settings) } });
      emit({ type: 'updated', id, name: settings.name });
      return toConnection({ ...row, ...change });
    },

    async remove(id: string, actor: string): Promise<void> {
      const row = await rowOf(id);
      if (!(await store.connections.remove(id))) throw notFound();
      await store.audit.record({ at: now(), actor, action: 'connection.delete', target: id, detail: { name: row.name, product: row.product } });
      emit({ type: 'deleted', id, name: row.name });
    },

    /** The settings `POST /test` runs with; rejects with SecretError when a stored secret cannot be opened. */
    async resolveTest(body: unknown): Promise<ConnectionUnderTest> {
      // Picked by the id's presence so errors name the fields of the shape meant, not "no union member matched".
      if (typeof body !== 'object' || body === null || !('id' in body)) {
        const { settings, secret } = fromInput(parseBody(ConnectionInput, body));
        const { id: _none, ...rest } = decrypted('', settings, secret);
        return rest;
      }
      const { id, ...patch } = parseBody(StoredConnectionTest, body);
      const row = await rowOf(id);
      const { settings, secret } = applyPatch(fromRow(row), patch);
      return decrypted(id, settings, secret ?? box.open(row.secret_ciphertext, context(id)));
    },

    /** For the poller only: every stored connection with its secret opened, or why it could not be. */
    listDecrypted: async (): Promise<OpenedConnection[]> => (await store.connections.list()).map(open),
    getDecrypted: async (id: string): Promise<OpenedConnection | undefined> => {
      const row = await store.connections.byId(id);
      return row ? open(row) : undefined;
    },

    /** Calls `listener` after each create, update and delete; returns the unsubscribe. */
    onChange(listener: (event: ConnectionEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Seals again with the current key what a previous key sealed, so that key can be dropped. */
    async reseal(): Promise<number> {
      let count = 0;
      for (const row of await store.connections.list()) {
        if (!box.isStale(row.secret_ciphertext)) continue;
        const opened = open(row);
        if (!opened.ok) continue;
        const secret = opened.connection.auth.kind === 'token' ? opened.connection.auth.secret : opened.connection.auth.password;
        await store.connections.update(row.id, { secret_ciphertext: box.seal(secret, context(row.id)), updated_at: row.updated_at });
        await store.audit.record({ at: now(), actor: 'system', action: 'connection.reseal', target: row.id, detail: { keyId: box.keyId } });
        count++;
      }
      if (count) logger.info({ count, keyId: box.keyId }, 'sealed stored secrets again with the current key');
      return count;
    },
  };
}
export type ConnectionService = ReturnType<typeof createConnectionService>;
