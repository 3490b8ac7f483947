import { randomBytes, randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { ChannelDirectory } from './channels.js';
import { SseConnection } from './connection-sse.js';
import { WsConnection, type WsConnectionDeps } from './connection-ws.js';
import { HubCounters } from './counters.js';
import type { Hub, HubLogger, HubOptions } from './types.js';
import { negotiateCodec, offeredSubprotocols, rejectUpgrade, unsupportedSubprotocolMessage } from './upgrade.js';

const DEFAULTS = {
  maxFrameBytes: 65_536,
  pingIntervalMs: 25_000,
  pongTimeoutMs: 10_000,
  sseKeepaliveMs: 15_000,
  maxQueueBytes: 1_048_576,
} as const;

/**
 * ws enforces maxPayload by closing with 1009 before we ever see the frame, so it gets a little
 * more room than maxFrameBytes: frames in between reach us and earn an explanatory error frame
 * first, while anything larger is still cut off by ws without being buffered whole.
 */
const OVERSIZE_SLACK_BYTES = 65_536;

const silentLogger: HubLogger = { debug() {}, info() {}, warn() {} };

export function createHub(options: HubOptions): Hub {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const limits = {
    maxFrameBytes: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
    pongTimeoutMs: options.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
  };
  const sseKeepaliveMs = options.sseKeepaliveMs ?? DEFAULTS.sseKeepaliveMs;

  const channels = new ChannelDirectory({
    rules: options.channels,
    newEpoch: () => randomBytes(9).toString('base64url'),
    logger,
  });
  const counters = new HubCounters();
  const wsDeps: WsConnectionDeps = { channels, counters, logger, now, limits };
  const live = new Set<WsConnection | SseConnection>();
  let isClosing = false;

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

  return {
    publish(channel, data) {
      channels.publish(channel, data);
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
      wss.handleUpgrade(req, socket, head, (ws) => {
        track(new WsConnection(randomUUID(), ws, codec, principal, wsDeps));
      });
    },

    handleSse(req, res, principal, channelNames) {
      if (isClosing) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The server is shutting down; reconnect shortly.\n');
        return;
      }
      const connection = new SseConnection(randomUUID(), req, res, principal, {
        channels, counters, logger, now, keepaliveMs: sseKeepaliveMs, maxQueueBytes: limits.maxQueueBytes,
      });
      track(connection);
      connection.start(channelNames);
    },

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
      return counters.snapshot(channels.subscriptionCount, channels.activeChannelCount);
    },

    async close() {
      isClosing = true;
      await Promise.all([...live].map((connection) => connection.shutdown()));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
