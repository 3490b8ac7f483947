import { ErrorCodes } from '@pulse/protocol';
import { createRuleLookup, isAllowed, type RuleLookup } from './channel-rules.js';
import { OutboundFrame } from './outbound-frame.js';
import type { ChannelRule, HubLogger, Principal } from './types.js';

/** One end of a connection (WebSocket or SSE) that channel publications are delivered to. */
export interface Subscriber {
  readonly id: string;
  deliver(frame: OutboundFrame): void;
}

export type SubscribeOutcome =
  | { ok: true; snapshot: OutboundFrame | undefined }
  | { ok: false; code: string; message: string };

interface ChannelState {
  /**
   * Names this run of offsets. A client that remembers (epoch, offset) can tell whether offsets it
   * holds are still comparable; a new epoch means "start again from a snapshot".
   */
  readonly epoch: string;
  offset: number;
  readonly subscribers: Set<Subscriber>;
}

export interface ChannelDirectoryOptions {
  rules: readonly ChannelRule[];
  newEpoch: () => string;
  logger: HubLogger;
}

/** Channel rules, per-channel epoch/offset and who is subscribed to what. */
export class ChannelDirectory {
  readonly #lookup: RuleLookup;
  readonly #newEpoch: () => string;
  readonly #logger: HubLogger;
  readonly #states = new Map<string, ChannelState>();
  readonly #channelsOf = new Map<Subscriber, Set<string>>();
  #subscriptionCount = 0;
  #activeChannelCount = 0;

  constructor(options: ChannelDirectoryOptions) {
    this.#lookup = createRuleLookup(options.rules);
    this.#newEpoch = options.newEpoch;
    this.#logger = options.logger;
  }

  get subscriptionCount(): number {
    return this.#subscriptionCount;
  }

  get activeChannelCount(): number {
    return this.#activeChannelCount;
  }

  /**
   * Checks the rule and scope, takes the snapshot and registers the subscriber in one synchronous
   * step, so no publication can fall between the snapshot and the first `pub`.
   */
  subscribe(subscriber: Subscriber, principal: Principal, channel: string): SubscribeOutcome {
    const rule = this.#lookup(channel);
    if (!rule) return unknownChannel(channel);
    if (!isAllowed(rule, principal)) {
      return { ok: false, code: ErrorCodes.forbidden, message: `Subscribing to '${channel}' needs the '${rule.scope}' scope; ask an admin for a token that has it.` };
    }
    let data: unknown;
    if (rule.snapshot) {
      try {
        data = rule.snapshot(channel);
      } catch (err) {
        this.#logger.warn({ err, channel }, 'channel snapshot failed');
        return { ok: false, code: ErrorCodes.unavailable, message: `The '${channel}' snapshot could not be produced; try subscribing again.` };
      }
      if (data === undefined) return unknownChannel(channel);
    }
    const state = this.#stateFor(channel);
    this.#add(subscriber, channel, state);
    if (!rule.snapshot) return { ok: true, snapshot: undefined };
    const snapshot = new OutboundFrame({ type: 'snapshot', channel, data, epoch: state.epoch, offset: state.offset });
    return { ok: true, snapshot };
  }

  /** Returns false when the subscriber was not subscribed to the channel. */
  unsubscribe(subscriber: Subscriber, channel: string): boolean {
    const state = this.#states.get(channel);
    if (!state?.subscribers.delete(subscriber)) return false;
    this.#subscriptionCount -= 1;
    if (state.subscribers.size === 0) this.#activeChannelCount -= 1;
    const channels = this.#channelsOf.get(subscriber);
    channels?.delete(channel);
    if (channels?.size === 0) this.#channelsOf.delete(subscriber);
    return true;
  }

  unsubscribeAll(subscriber: Subscriber): void {
    const channels = this.#channelsOf.get(subscriber);
    if (!channels) return;
    for (const channel of [...channels]) this.unsubscribe(subscriber, channel);
  }

  publish(channel: string, data: unknown): void {
    const state = this.#stateFor(channel);
    state.offset += 1;
    if (state.subscribers.size === 0) return;
    const frame = new OutboundFrame({ type: 'pub', channel, data, epoch: state.epoch, offset: state.offset });
    for (const subscriber of state.subscribers) {
      // A failing subscriber must not cost the others their publication.
      try {
        subscriber.deliver(frame);
      } catch (err) {
        this.#logger.warn({ err, channel, connectionId: subscriber.id }, 'delivery failed');
      }
    }
  }

  #stateFor(channel: string): ChannelState {
    let state = this.#states.get(channel);
    if (!state) {
      state = { epoch: this.#newEpoch(), offset: 0, subscribers: new Set() };
      this.#states.set(channel, state);
    }
    return state;
  }

  #add(subscriber: Subscriber, channel: string, state: ChannelState): void {
    if (state.subscribers.has(subscriber)) return;
    if (state.subscribers.size === 0) this.#activeChannelCount += 1;
    state.subscribers.add(subscriber);
    this.#subscriptionCount += 1;
    let channels = this.#channelsOf.get(subscriber);
    if (!channels) {
      channels = new Set();
      this.#channelsOf.set(subscriber, channels);
    }
    channels.add(channel);
  }
}

function unknownChannel(channel: string): SubscribeOutcome {
  return { ok: false, code: ErrorCodes.unknownChannel, message: `There is no channel '${channel}'; check the name.` };
}
