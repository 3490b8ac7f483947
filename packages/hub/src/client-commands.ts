import { CloseCodes, ErrorCodes, PROTOCOL_VERSIONS, type ClientFrame, type ServerFrame } from '@pulse/protocol';
import type { InboundError } from './frames-in.js';
import type { Router, Subscriber } from './router.js';
import { TokenBucket } from './token-bucket.js';
import type { DisconnectReason, HubLimits } from './types.js';

export interface ClientCommandsDeps {
  router: Router;
  limits: HubLimits;
  now: () => number;
  pingIntervalMs: number;
  reply(frame: ServerFrame): void;
  sendError(error: InboundError & { channel?: string }): void;
  closeWith(code: number, reason: string, why: DisconnectReason): void;
  setAgent(agent: string): void;
}

const supportedVersions: readonly number[] = PROTOCOL_VERSIONS;

/** Answers one WebSocket client's validated frames. */
export class ClientCommands {
  readonly #subscriber: Subscriber;
  readonly #deps: ClientCommandsDeps;
  readonly #publishes: TokenBucket;

  constructor(subscriber: Subscriber, deps: ClientCommandsDeps) {
    this.#subscriber = subscriber;
    this.#deps = deps;
    this.#publishes = new TokenBucket(deps.limits.publishesPerSecond, deps.limits.publishesPerSecond * 2, deps.now);
  }

  handle(frame: ClientFrame): void {
    const { router, reply, sendError } = this.#deps;
    const subscriber = this.#subscriber;
    switch (frame.type) {
      case 'hello':
        if (!supportedVersions.includes(frame.version)) {
          sendError({ code: ErrorCodes.badVersion, id: frame.id, message: `Protocol version ${frame.version} is not supported; this server speaks version ${supportedVersions.join(', ')}.` });
          this.#deps.closeWith(CloseCodes.unsupportedVersion, 'unsupported protocol version', 'unsupported_version');
          return;
        }
        if (frame.client) this.#deps.setAgent(frame.client);
        reply({ type: 'welcome', id: frame.id, version: frame.version, versions: [...supportedVersions], connectionId: subscriber.id, pingIntervalMs: this.#deps.pingIntervalMs });
        return;
      case 'subscribe':
        void router.subscribe(subscriber, frame).then((outcome) => {
          if (!outcome.ok) sendError({ code: outcome.code, message: outcome.message, id: frame.id, channel: frame.channel });
        });
        return;
      case 'unsubscribe':
        if (!router.unsubscribe(subscriber, frame.channel)) {
          sendError({ code: ErrorCodes.notSubscribed, message: `This connection is not subscribed to '${frame.channel}'.`, id: frame.id, channel: frame.channel });
          return;
        }
        reply({ type: 'ack', id: frame.id, channel: frame.channel });
        return;
      case 'publish':
        if (!this.#publishes.take()) {
          sendError({ code: ErrorCodes.rateLimited, id: frame.id, channel: frame.channel, message: `More than ${this.#deps.limits.publishesPerSecond} publications per second; this one was dropped.` });
          return;
        }
        void router.publishAs(subscriber.principal, frame.channel, frame.data).then((outcome) => {
          if (outcome.ok) reply({ type: 'ack', id: frame.id, channel: frame.channel, ...outcome.value });
          else sendError({ code: outcome.code, message: outcome.message, id: frame.id, channel: frame.channel });
        });
        return;
      case 'presence':
      case 'presence_stats':
        void this.#presence(frame.type, frame.channel, frame.id);
        return;
      case 'ping':
        reply({ type: 'pong', id: frame.id });
        return;
    }
  }

  async #presence(type: 'presence' | 'presence_stats', channel: string, id: number | undefined): Promise<void> {
    const { router, reply, sendError } = this.#deps;
    const allowed = await router.presenceFor(this.#subscriber.principal, channel);
    if (!allowed.ok) {
      sendError({ code: allowed.code, message: allowed.message, id, channel });
      return;
    }
    try {
      if (type === 'presence') reply({ type, id, channel, clients: await router.presenceList(channel) });
      else reply({ type, id, channel, ...(await router.presenceStats(channel)) });
    } catch {
      sendError({ code: ErrorCodes.unavailable, message: `Presence of '${channel}' could not be read right now; try again.`, id, channel });
    }
  }
}
