import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { CloseCodes, ErrorCodes } from '@pulse/protocol';
import { WebSocketServer } from 'ws';
import { Admission } from './admission.js';
import { MemoryBroker } from './broker/broker-memory.js';
import { SseConnection } from './connection-sse.js';
import { WsConnection } from './connection-ws.js';
import { HubCounters } from './counters.js';
import { createNamespaceLookup } from './namespaces.js';
import { MemoryPresenceStore } from './presence/presence-memory.js';
import { Router } from './router.js';
import { FlushScheduler } from './send-queue.js';
import { TokenBucket } from './token-bucket.js';
import type { Hub, HubLimits, HubLogger, HubOptions } from './types.js';
import { negotiateCodec, offeredSubprotocols, rejectUpgrade, unsupportedSubprotocolMessage } from './upgrade.js';

export const DEFAULT_LIMITS: HubLimits = {
  maxFrameBytes: 65_536,
  maxQueueBytes: 1_048_576,
  maxConnections: 10_000,
  maxConnectionsPerIp: 200,
  connectionsPerSecondPerIp: 20,
  maxSubscriptionsPerConnection: 1000,
  publishesPerSecond: 50,
  framesPerSecond: 200,
};

/**
 * ws enforces maxPayload by closing with 1009 before we ever see the frame, so it gets a little
 * more room than maxFrameBytes: frames in between reach us and earn an explanatory error frame
 * first, while anything larger is still cut off by ws without being buffered whole.
 */
const OVERSIZE_SLACK_BYTES = 65_536;

/**
 * Browsers send Last-Event-ID only on EventSource's own reconnects; a page that opens a new
 * EventSource (say, after refreshing its token) passes the cursor as `?lastEventId=` instead.
 */
function lastEventIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header) return header;
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('lastEventId') ?? undefined;
}

const silentLogger: HubLogger = { debug() {}, info() {}, warn() {} };

export function createHub(options: HubOptions): Hub {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const limits: HubLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const pingIntervalMs = options.pingIntervalMs ?? 25_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
  const sseKeepaliveMs = options.sseKeepaliveMs ?? 15_000;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');

  const broker = options.broker ?? new MemoryBroker({ logger, now });
  const presence = options.presence ?? new MemoryPresenceStore();
  let isStarted = false;
  const started = broker.start({
    onPublication: (publication) => router.onPublication(publication),
    onJoin: (channel, info) => router.onJoinOrLeave('join', channel, info),
    onLeave: (channel, info) => router.onJoinOrLeave('leave', channel, info),
  }).then(() => { isStarted = true; });
  started.catch((err: unknown) => logger.warn({ err }, 'broker failed to start'));
  const whenStarted = async (): Promise<void> => (isStarted ? undefined : started);

  const router = new Router({
    lookup: createNamespaceLookup(options.namespaces), broker, presence, logger, ready: whenStarted,
    maxSubscriptionsPerConnection: limits.maxSubscriptionsPerConnection,
  });
  const counters = new HubCounters();
  const admission = new Admission(limits, now);
  const live = new Set<WsConnection | SseConnection>();
  const scheduler = new FlushScheduler();
  // HTTP publishers have no connection to hang a rate limit on, so they get one per principal.
  const httpPublishers = new Map<string, TokenBucket>();
  let isClosing = false;
  const sweep = setInterval(() => {
    for (const [id, bucket] of httpPublishers) if (bucket.isFull()) httpPublishers.delete(id);
  }, 60_000);
  sweep.unref();

  const onFlushed = (_frames: number, oldestPublishedAt: number | undefined): void => {
    if (oldestPublishedAt !== undefined && options.observeLatency) options.observeLatency(Math.max(0, now() - oldestPublishedAt) / 1000);
  };

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: limits.maxFrameBytes + OVERSIZE_SLACK_BYTES,
    handleProtocols: (offered) => negotiateCodec(offered)?.subprotocol ?? false,
  });

  function track(connection: WsConnection | SseConnection): void {
    live.add(connection);
    void connection.closed.then(() => live.delete(connection));
  }

  const queuedBytes = (): number => {
    let total = 0;
    for (const connection of live) total += connection.queue.queuedBytes;
    return total;
  };

  return {
    // Not async: the server publishes a sample per resource per poll (thousands at once), and each
    // async layer is one more promise for all of them to hold until the loop ends.
    publish(channel, data) {
      return isStarted ? router.publish(channel, data) : whenStarted().then(() => router.publish(channel, data));
    },

    async publishAs(principal, channel, data) {
      let bucket = httpPublishers.get(principal.id);
      if (!bucket) {
        bucket = new TokenBucket(limits.publishesPerSecond, limits.publishesPerSecond * 2, now);
        httpPublishers.set(principal.id, bucket);
      }
      if (!bucket.take()) {
        return { ok: false, code: ErrorCodes.rateLimited, message: `More than ${limits.publishesPerSecond} publications per second; slow down.` };
      }
      const outcome = await router.publishAs(principal, channel, data);
      return outcome.ok ? { ok: true, position: outcome.value } : outcome;
    },

    handleUpgrade(req, socket, head, principal) {
      if (isClosing) {
        rejectUpgrade(socket, 503, 'The server is shutting down; reconnect shortly.');
        return;
      }
      const codec = negotiateCodec(offeredSubprotocols(req));
      if (!codec) {
        rejectUpgrade(socket, 400, unsupportedSubprotocolMessage);
        return;
      }
      const admitted = admission.admit(clientAddress(req));
      wss.handleUpgrade(req, socket, head, (ws) => {
        const connection = new WsConnection(randomUUID(), ws, socket as Socket, codec, principal, {
          router, counters, logger, now, limits, pingIntervalMs, pongTimeoutMs, onFlushed, scheduler,
          release: admitted.ok ? admitted.release : () => undefined,
        });
        track(connection);
        // Refused after the upgrade, so a browser (which cannot read an HTTP refusal) learns why.
        if (!admitted.ok) connection.refuse(admitted.code, admitted.message, CloseCodes.tryAgainLater, 'connection_limit');
      });
    },

    handleSse(req, res, principal, channelNames) {
      if (isClosing) {
        res.writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'server.shutting_down', message: 'The server is shutting down; reconnect shortly.' } }));
        return;
      }
      const admitted = admission.admit(clientAddress(req));
      if (!admitted.ok) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5' })
          .end(JSON.stringify({ error: { code: admitted.code, message: admitted.message } }));
        return;
      }
      const connection = new SseConnection(randomUUID(), req, res, principal, {
        router, counters, logger, now, keepaliveMs: sseKeepaliveMs, maxQueueBytes: limits.maxQueueBytes, onFlushed, scheduler,
        release: admitted.release,
      });
      track(connection);
      void whenStarted().then(() => connection.start(channelNames, lastEventIdOf(req)));
    },

    presence: (channel) => router.presenceList(channel),
    presenceStats: (channel) => router.presenceStats(channel),

    disconnect(match) {
      let ended = 0;
      for (const connection of live) {
        if (!match(connection.principal)) continue;
        connection.revoke();
        ended++;
      }
      return ended;
    },

    stats() {
      return counters.snapshot({ subscriptions: router.subscriptionCount, channels: router.activeChannelCount, queuedBytes: queuedBytes() });
    },

    async close() {
      isClosing = true;
      admission.close();
      clearInterval(sweep);
      await Promise.all([...live].map((connection) => connection.shutdown()));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await router.settle();
      await Promise.allSettled([broker.close(), presence.close()]);
    },
  };
}
