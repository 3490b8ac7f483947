import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { CheckResult } from '@pulse/protocol';

/** A connection opened through the waterfall phases, with what the result reports about it. */
export interface OpenedConnection {
  socket: net.Socket;
  ip: string;
  tls?: CheckResult['tls'];
}

export type OpenConnection = () => Promise<OpenedConnection>;

/** Request option carrying the per-check connector into `createConnection` (Node passes options through). */
export const OPEN_OPTION = 'pulseOpenConnection';

/**
 * A keep-alive agent whose new connections go through the caller's phases (so DNS/connect/TLS are
 * timed for the check that opened them). What a socket was opened with is remembered so a check
 * that reuses it can still report the IP and certificate.
 */
class PooledAgent extends http.Agent {
  readonly #opened = new WeakMap<Duplex, OpenedConnection>();

  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const open = (options as Record<string, unknown>)[OPEN_OPTION] as OpenConnection | undefined;
    const done = callback ?? (() => undefined);
    if (!open) {
      done(new Error('pooled HTTP requests must carry a connector'), undefined as unknown as Duplex);
      return undefined;
    }
    open().then(
      (opened) => {
        this.#opened.set(opened.socket, opened);
        done(null, opened.socket);
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), undefined as unknown as Duplex),
    );
    return undefined;
  }

  openedWith(socket: Duplex): OpenedConnection | undefined {
    return this.#opened.get(socket);
  }
}

/**
 * Kept-alive connections for monitors with `keepAlive: true`, one agent per origin and TLS policy
 * (a socket accepted without verification must never serve a check that verifies). One pool per
 * process, built by the composition root and passed in `CheckOptions.agentPool`.
 */
export class HttpAgentPool {
  readonly #agents = new Map<string, PooledAgent>();
  readonly #idleMs: number;

  /** `idleMs`: how long an idle socket is kept (servers often close sooner; Node honours their Keep-Alive hint). */
  constructor(options: { idleMs?: number } = {}) {
    this.#idleMs = options.idleMs ?? 120_000;
  }

  agentFor(url: URL, policy: { verifyTls: boolean; ipFamily?: 4 | 6 }): PooledAgent {
    const key = `${url.origin}|v${policy.ipFamily ?? 0}|${policy.verifyTls ? 'verify' : 'noverify'}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new PooledAgent({ keepAlive: true, maxFreeSockets: 4, scheduling: 'lifo', timeout: this.#idleMs });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  get size(): number {
    return this.#agents.size;
  }

  /** Closes every kept connection (at shutdown, and between tests). */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

export type { PooledAgent };
