import { CHANNEL_NAME_PATTERN, ErrorCodes, jsonCodec, msgpackCodec, type ClientInfo, type StreamPosition } from '@pulse/protocol';
import { GapRepair } from './gap-repair.js';
import { mayPublish, maySubscribe, type NamespaceLookup, type ResolvedNamespace } from './namespaces.js';
import { OutboundFrame } from './outbound-frame.js';
import type { Broker, HubLogger, Principal, PresenceStore, Publication } from './types.js';

/** One end of a connection (WebSocket or SSE) that channel frames are delivered to. */
export interface Subscriber {
  readonly id: string;
  readonly principal: Principal;
  readonly info: ClientInfo;
  readonly isClosed: boolean;
  /** queues a frame; `latestValueChannel` marks a publication the queue may coalesce */
  send(frame: OutboundFrame, latestValueChannel?: string): void;
}

export interface SubscribeRequest {
  channel: string;
  id?: number;
  since?: StreamPosition;
  latest?: boolean;
}

export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; code: string; message: string };

interface Member {
  readonly subscriber: Subscriber;
  readonly channel: string;
  isLive: boolean;
  isCancelled: boolean;
  /** publications that arrived while the subscribe was still reading history */
  buffer: OutboundFrame[];
  /**
   * The last position this subscriber was sent. A broker may deliver a publication the subscribe
   * already covered (Redis reads history on one connection and fans out on another), so live
   * delivery skips anything at or before it.
   */
  epoch: string;
  offset: number;
}

interface ChannelState {
  readonly namespace: ResolvedNamespace;
  readonly members: Set<Member>;
  /** settles once the broker delivers this channel's publications to this node */
  readonly interest: Promise<void>;
}

export interface RouterDeps {
  lookup: NamespaceLookup;
  broker: Broker;
  presence: PresenceStore;
  logger: HubLogger;
  maxSubscriptionsPerConnection: number;
  /** settles once the broker has started */
  ready: () => Promise<void>;
}

/**
 * Channels on this node: who is subscribed, the subscribe flow (position, recovery, snapshot),
 * and delivery of what the broker hands back. Everything a subscriber sees for one channel goes
 * through `Subscriber.send` in order: ack, then recovered publications or a snapshot, then live ones.
 */
export class Router {
  readonly #deps: RouterDeps;
  readonly #channels = new Map<string, ChannelState>();
  readonly #bySubscriber = new Map<Subscriber, Map<string, Member>>();
  #subscriptionCount = 0;
  /** presence writes in flight, so a closing hub can remove its clients before the store closes */
  readonly #presenceWrites = new Set<Promise<void>>();

  readonly #gaps: GapRepair;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
    this.#gaps = new GapRepair({
      history: (channel, since) => deps.broker.history(channel, { since }, this.#channels.get(channel)?.namespace.history ?? { size: 0, ttlMs: 0 }),
      deliver: (publication) => this.#deliver(publication),
      logger: deps.logger,
    });
  }

  get subscriptionCount(): number {
    return this.#subscriptionCount;
  }

  get activeChannelCount(): number {
    return this.#channels.size;
  }

  /** Checks a channel name and finds its namespace. */
  resolve(channel: string): Outcome<ResolvedNamespace> {
    if (!CHANNEL_NAME_PATTERN.test(channel)) {
      return fail(ErrorCodes.invalidChannel, 'A channel name is 1-255 characters from A-Z a-z 0-9 _ . : @ = / -.');
    }
    const namespace = this.#deps.lookup(channel);
    if (!namespace) return fail(ErrorCodes.unknownChannel, `There is no channel '${channel}'; check the name.`);
    return { ok: true, value: namespace };
  }

  async subscribe(subscriber: Subscriber, request: SubscribeRequest): Promise<Outcome> {
    const { channel } = request;
    const resolved = this.resolve(channel);
    if (!resolved.ok) return resolved;
    const namespace = resolved.value;
    if (!maySubscribe(namespace, subscriber.principal)) {
      return fail(ErrorCodes.forbidden, `Subscribing to '${channel}' needs the '${namespace.subscribeScope}' scope; ask an admin for a token that has it.`);
    }
    const held = this.#bySubscriber.get(subscriber);
    if (held?.has(channel)) return fail(ErrorCodes.alreadySubscribed, `This connection is already subscribed to '${channel}'.`);
    if ((held?.size ?? 0) >= this.#deps.maxSubscriptionsPerConnection) {
      return fail(ErrorCodes.tooManySubscriptions, `A connection may hold ${this.#deps.maxSubscriptionsPerConnection} subscriptions; unsubscribe from some first.`);
    }

    const member: Member = { subscriber, channel, isLive: false, isCancelled: false, buffer: [], epoch: '', offset: 0 };
    const state = this.#add(member, namespace);
    try {
      await this.#deps.ready();
      await state.interest;
      const history = await this.#deps.broker.history(channel, { since: request.since, latest: request.latest }, namespace.history);
      if (member.isCancelled || subscriber.isClosed) {
        return fail(ErrorCodes.unavailable, `The subscription to '${channel}' ended before it was ready.`);
      }
      const recovered = request.since ? history.recovered : undefined;
      let snapshot: unknown;
      if (!recovered && namespace.snapshot) {
        snapshot = namespace.snapshot(channel);
        if (snapshot === undefined) {
          this.#remove(member);
          return fail(ErrorCodes.unknownChannel, `There is no channel '${channel}'; check the name.`);
        }
      }
      this.#goLive(member, request, history.position, { recovered, snapshot, publications: history.publications });
    } catch (err) {
      this.#remove(member);
      this.#deps.logger.warn({ err, channel }, 'subscribe failed');
      return fail(ErrorCodes.unavailable, `The '${channel}' channel could not be read right now; try subscribing again.`);
    }
    if (namespace.presence) this.#join(channel, namespace, subscriber.info);
    return { ok: true, value: undefined };
  }

  /** Returns false when the subscriber was not subscribed to the channel. */
  unsubscribe(subscriber: Subscriber, channel: string): boolean {
    const member = this.#bySubscriber.get(subscriber)?.get(channel);
    if (!member) return false;
    const namespace = this.#channels.get(channel)?.namespace;
    const wasLive = member.isLive;
    this.#remove(member);
    if (wasLive && namespace?.presence) this.#leave(channel, namespace, subscriber.info);
    return true;
  }

  unsubscribeAll(subscriber: Subscriber): void {
    const held = this.#bySubscriber.get(subscriber);
    if (!held) return;
    for (const channel of [...held.keys()]) this.unsubscribe(subscriber, channel);
  }

  /** Server-side publish: any channel with a namespace, no scope check. */
  async publish(channel: string, data: unknown): Promise<StreamPosition> {
    const resolved = this.resolve(channel);
    if (!resolved.ok) throw new Error(`Cannot publish to '${channel}': ${resolved.message}`);
    return this.#deps.broker.publish(channel, data, resolved.value.history);
  }

  /** Publish on behalf of a principal: the namespace must allow it and the principal hold its scope. */
  async publishAs(principal: Principal, channel: string, data: unknown): Promise<Outcome<StreamPosition>> {
    const resolved = this.resolve(channel);
    if (!resolved.ok) return resolved;
    const namespace = resolved.value;
    if (!mayPublish(namespace, principal)) {
      const why = namespace.publishScope ? `needs the '${namespace.publishScope}' scope` : 'is not open to clients';
      return fail(ErrorCodes.forbidden, `Publishing to '${channel}' ${why}.`);
    }
    if (!isEncodable(data)) {
      return fail(ErrorCodes.badFrame, `The data for '${channel}' cannot be passed on to every subscriber (too deeply nested, circular, or a type JSON lacks); send plain JSON values.`);
    }
    try {
      await this.#deps.ready();
      return { ok: true, value: await this.#deps.broker.publish(channel, data, namespace.history) };
    } catch (err) {
      this.#deps.logger.warn({ err, channel }, 'publish failed');
      return fail(ErrorCodes.unavailable, `The publication to '${channel}' could not be stored; try again.`);
    }
  }

  /** Presence for a principal that may subscribe to the channel. */
  async presenceFor(principal: Principal, channel: string): Promise<Outcome<ResolvedNamespace>> {
    const resolved = this.resolve(channel);
    if (!resolved.ok) return resolved;
    if (!maySubscribe(resolved.value, principal)) {
      return fail(ErrorCodes.forbidden, `Presence of '${channel}' needs the '${resolved.value.subscribeScope}' scope.`);
    }
    if (!resolved.value.presence) return fail(ErrorCodes.presenceDisabled, `Presence is not kept for '${channel}'.`);
    return resolved;
  }

  /** Resolves once every presence join/leave started so far has finished. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#presenceWrites]);
  }

  presenceList(channel: string): Promise<ClientInfo[]> {
    return this.#deps.presence.list(channel);
  }

  presenceStats(channel: string): Promise<{ clients: number; users: number }> {
    return this.#deps.presence.stats(channel);
  }

  onPublication(publication: Publication): void {
    const state = this.#channels.get(publication.channel);
    if (!state) return;
    // A latest-value channel needs only its newest publication, so a missed one is not fetched.
    if (state.namespace.latestValue) this.#deliver(publication);
    else this.#gaps.accept(publication);
  }

  #deliver(publication: Publication): void {
    const state = this.#channels.get(publication.channel);
    if (!state) return;
    const { channel, data, epoch, offset } = publication;
    const frame = new OutboundFrame({ type: 'pub', channel, data, epoch, offset }, publication.publishedAt);
    const coalesceKey = state.namespace.latestValue ? channel : undefined;
    for (const member of state.members) {
      if (!member.isLive) member.buffer.push(frame);
      else if (advance(member, epoch, offset)) {
        // One subscriber's failure (say, a frame its codec cannot encode) must not cost the rest theirs.
        try {
          member.subscriber.send(frame, coalesceKey);
        } catch (err) {
          this.#deps.logger.warn({ err, channel, connectionId: member.subscriber.id }, 'delivery failed');
        }
      }
    }
  }

  onJoinOrLeave(type: 'join' | 'leave', channel: string, info: ClientInfo): void {
    const state = this.#channels.get(channel);
    if (!state?.namespace.joinLeave) return;
    const frame = new OutboundFrame({ type, channel, info });
    for (const member of state.members) if (member.isLive) member.subscriber.send(frame);
  }

  /** Sends the subscribe answer and whatever arrived meanwhile, then lets live publications through. */
  #goLive(member: Member, request: SubscribeRequest, position: StreamPosition,
    found: { recovered: boolean | undefined; snapshot: unknown; publications: Publication[] }): void {
    const { subscriber, channel } = member;
    const { epoch, offset } = position;
    subscriber.send(new OutboundFrame({ type: 'ack', id: request.id, channel, epoch, offset, recovered: found.recovered }));
    if (found.recovered || (found.snapshot === undefined && request.latest)) {
      for (const p of found.publications) {
        subscriber.send(new OutboundFrame({ type: 'pub', channel, data: p.data, epoch: p.epoch, offset: p.offset }));
      }
    } else if (found.snapshot !== undefined) {
      subscriber.send(new OutboundFrame({ type: 'snapshot', channel, data: found.snapshot, epoch, offset }));
    }
    member.epoch = epoch;
    member.offset = offset;
    this.#gaps.seed(channel, position);
    // Publications the position (or snapshot) already covers were buffered in the meantime; skip them.
    for (const frame of member.buffer) {
      const body = frame.frame;
      if (body.type === 'pub' && !advance(member, body.epoch, body.offset)) continue;
      subscriber.send(frame);
    }
    member.buffer = [];
    member.isLive = true;
  }

  #add(member: Member, namespace: ResolvedNamespace): ChannelState {
    let state = this.#channels.get(member.channel);
    if (!state) {
      state = { namespace, members: new Set(), interest: this.#deps.broker.addInterest(member.channel) };
      // A failed interest is reported to the subscribe that awaits it; this only avoids an unhandled rejection.
      state.interest.catch(() => undefined);
      this.#channels.set(member.channel, state);
    }
    state.members.add(member);
    let held = this.#bySubscriber.get(member.subscriber);
    if (!held) {
      held = new Map();
      this.#bySubscriber.set(member.subscriber, held);
    }
    held.set(member.channel, member);
    this.#subscriptionCount += 1;
    return state;
  }

  #remove(member: Member): void {
    const held = this.#bySubscriber.get(member.subscriber);
    if (held?.get(member.channel) !== member) return;
    member.isCancelled = true;
    member.buffer = [];
    held.delete(member.channel);
    if (held.size === 0) this.#bySubscriber.delete(member.subscriber);
    this.#subscriptionCount -= 1;
    const state = this.#channels.get(member.channel);
    if (!state) return;
    state.members.delete(member);
    if (state.members.size > 0) return;
    this.#channels.delete(member.channel);
    this.#gaps.forget(member.channel);
    this.#deps.broker.removeInterest(member.channel).catch((err: unknown) => {
      this.#deps.logger.warn({ err, channel: member.channel }, 'dropping channel interest failed');
    });
  }

  #join(channel: string, namespace: ResolvedNamespace, info: ClientInfo): void {
    const { presence, broker, logger } = this.#deps;
    this.#track(presence.add(channel, info)
      .then(() => (namespace.joinLeave ? broker.publishJoin(channel, info) : undefined))
      .catch((err: unknown) => logger.warn({ err, channel }, 'presence join failed')));
  }

  #leave(channel: string, namespace: ResolvedNamespace, info: ClientInfo): void {
    const { presence, broker, logger } = this.#deps;
    this.#track(presence.remove(channel, info.client)
      .then(() => (namespace.joinLeave ? broker.publishLeave(channel, info) : undefined))
      .catch((err: unknown) => logger.warn({ err, channel }, 'presence leave failed')));
  }

  #track(write: Promise<void>): void {
    this.#presenceWrites.add(write);
    void write.finally(() => this.#presenceWrites.delete(write));
  }
}

/**
 * Client data is checked before it is numbered and kept: it must survive both encoders, or some
 * subscribers would see a gap where it should have been. (Decoders accept nesting the encoders
 * cannot recurse through, and msgpackr decodes a few extension types JSON has no form for.)
 */
function isEncodable(data: unknown): boolean {
  try {
    jsonCodec.encode(data);
    msgpackCodec.encode(data);
    return true;
  } catch {
    return false;
  }
}

/** Moves a member's position to a publication's; false when the member already has it. */
function advance(member: Member, epoch: string, offset: number): boolean {
  if (epoch === member.epoch && offset <= member.offset) return false;
  member.epoch = epoch;
  member.offset = offset;
  return true;
}

function fail(code: string, message: string): { ok: false; code: string; message: string } {
  return { ok: false, code, message };
}
