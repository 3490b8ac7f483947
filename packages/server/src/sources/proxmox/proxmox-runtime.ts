import type { ConnectionRuntime, ConnectionService, ConnectionState, DecryptedConnection, FingerprintResult } from '../../connections/index.js';
import type { ObservationSink } from '../../resources/observation.js';
import { createProxmoxClient, readFingerprint } from './client/index.js';
import type { ProxmoxClient, ProxmoxClientOptions } from './client/index.js';
import { testConnection } from './connection-test.js';
import { sourceId } from './normalize/index.js';
import { createPbsPoller } from './poll/pbs-poller.js';
import { createPmgPoller } from './poll/pmg-poller.js';
import type { ProductPoller } from './poll/poll-context.js';
import { createPvePoller } from './poll/pve-poller.js';
import { createProxmoxSource, type ProxmoxSource } from './proxmox-source.js';

/*
 * Runs one source per enabled stored connection and follows the connections service: a change
 * restarts that connection's source, a deletion removes what it reported. Also answers the
 * API's "test connection" and "fetch fingerprint".
 */

type Logger = { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };

export interface ProxmoxRuntimeOptions {
  connections: Pick<ConnectionService, 'listDecrypted' | 'getDecrypted' | 'onChange'>;
  sink: ObservationSink;
  logger: Logger;
  now?: () => number;
  /** request timeout per attempt (default 10 s) */
  timeoutMs?: number;
}

export type ProxmoxRuntime = ConnectionRuntime & {
  start(): Promise<void>;
  stop(): void;
  /** polls every running connection once; resolves when their observations are out (tests, demo) */
  pollAll(): Promise<void>;
};

function pollerFor(connection: DecryptedConnection, client: ProxmoxClient): ProductPoller {
  if (connection.product === 'pbs') return createPbsPoller();
  if (connection.product === 'pmg') return createPmgPoller();
  const configured = connection.endpoints;
  const port = new URL(configured[0] ?? 'https://localhost:8006').port || '8006';
  // Other members' own certificates differ from a pinned one, so only a CA or insecure mode
  // lets the poll fail over to members it discovered; pinned connections use the listed endpoints.
  const discover = Boolean(connection.tls.ca) || connection.tls.insecure === true;
  return createPvePoller({
    onMembers: discover ? (members) => {
      const found = members.filter((m) => m.type === 'node' && m.ip && m.online !== false).map((m) => `https://${m.ip?.includes(':') ? `[${m.ip}]` : m.ip}:${port}`);
      client.setEndpoints([...new Set([...configured, ...found])]);
    } : undefined,
  });
}

export function createProxmoxRuntime(options: ProxmoxRuntimeOptions): ProxmoxRuntime {
  const now = options.now ?? Date.now;
  const sources = new Map<string, { source: ProxmoxSource; sourceId: string }>();
  const broken = new Map<string, ConnectionState>();
  let unsubscribe: (() => void) | undefined;

  const clientOptions = (c: Omit<DecryptedConnection, 'id'>): ProxmoxClientOptions => ({
    product: c.product, endpoints: c.endpoints, auth: c.auth, tls: c.tls, now,
    timeoutMs: options.timeoutMs ?? 10_000, logger: options.logger,
  });

  function stopOne(id: string, removeResources: boolean): void {
    const running = sources.get(id);
    if (!running) return;
    running.source.stop();
    sources.delete(id);
    if (removeResources) options.sink({ source: running.sourceId, at: now(), resources: [], complete: true });
  }

  async function startOne(id: string): Promise<void> {
    const opened = await options.connections.getDecrypted(id);
    broken.delete(id);
    if (!opened) return;
    if (!opened.ok) {
      broken.set(id, { status: 'error', error: opened.error });
      return;
    }
    const c = opened.connection;
    if (!c.enabled) return;
    const client = createProxmoxClient(clientOptions(c));
    const source = createProxmoxSource({
      product: c.product, connection: c.name, client, poller: pollerFor(c, client), intervalMs: c.intervalMs, now,
      logger: options.logger,
    });
    sources.set(id, { source, sourceId: sourceId(c.product, c.name) });
    source.start(options.sink);
  }

  async function restart(id: string, removeResources: boolean): Promise<void> {
    stopOne(id, removeResources);
    try {
      await startOne(id);
    } catch (err) {
      options.logger.warn({ err, connection: id }, 'proxmox: could not start polling a connection');
    }
  }

  return {
    async start() {
      unsubscribe = options.connections.onChange((event) => {
        // A rename or product change moves the resource ids: what the old name reported goes.
        void restart(event.id, true);
        if (event.type === 'deleted') broken.delete(event.id);
      });
      for (const opened of await options.connections.listDecrypted()) {
        const id = opened.connection.id;
        await restart(id, false);
      }
    },
    stop() {
      unsubscribe?.();
      for (const id of [...sources.keys()]) stopOne(id, false);
    },
    async pollAll() {
      await Promise.all([...sources.values()].map(({ source }) => source.pollNow()));
    },
    test(input) {
      return testConnection(createProxmoxClient(clientOptions(input)), input);
    },
    async fingerprint(url): Promise<FingerprintResult> {
      return readFingerprint(url, 10_000);
    },
    state(id) {
      const running = sources.get(id);
      if (running) return running.source.state();
      return broken.get(id);
    },
  };
}
