import type { AckFrame, ClientFrame, PublicationFrame, ServerFrame, StreamPosition } from '@pulse/protocol';
import type { ClientLogger, SubscriptionHandlers } from './types.js';

type SubscribeFrame = Extract<ClientFrame, { type: 'subscribe' }>;

/** What the client must send after a subscriber was added. */
export type AddOutcome = 'subscribe' | 'refresh' | 'none';

/** One channel the client holds a server subscription for, shared by all its local subscribers. */
export interface ChannelView {
  readonly position: StreamPosition | undefined;
  readonly latest: unknown;
}

class Channel implements ChannelView {
  readonly handlers = new Set<SubscriptionHandlers>();
  position: StreamPosition | undefined;
  latest: unknown;
  /** the last publication, replayed to a later subscriber that asks for the latest value */
  lastPublication: PublicationFrame | undefined;
  /** the server has sent this channel a snapshot, so a later subscriber needs one too */
  hasSnapshot = false;
  wantsLatest = false;
  /** a subscriber arrived while disconnected and needs a snapshot or the latest value, not a resume */
  startFresh = false;
  /** 'idle': no subscribe on the current socket (not sent yet, refused, or the socket is gone) */
  status: 'idle' | 'pending' | 'live' = 'idle';
  pending: { id: number; since: StreamPosition | undefined; latest: boolean } | undefined;
  /**
   * Set by the ack of a subscribe that asked for `latest`: the latest publication follows at the
   * acked offset, which the duplicate check would otherwise drop as already seen.
   */
  latestOffset: number | undefined;
}

/**
 * Which handlers listen to which channel and where each channel's stream stands, so that after a
 * reconnect the client resumes from there and never delivers a publication twice.
 */
export class ChannelSubscriptions {
  readonly #channels = new Map<string, Channel>();
  /** subscribe request id → channel, so an ack or error reaches the channel that asked */
  readonly #subscribeIds = new Map<number, string>();
  readonly #logger: ClientLogger;

  constructor(logger: ClientLogger) {
    this.#logger = logger;
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  add(name: string, handlers: SubscriptionHandlers, wantsLatest: boolean): { view: ChannelView; outcome: AddOutcome } {
    const existing = this.#channels.get(name);
    const channel = existing ?? new Channel();
    channel.handlers.add(handlers);
    if (!existing) {
      this.#channels.set(name, channel);
      channel.wantsLatest = wantsLatest;
      return { view: channel, outcome: 'subscribe' };
    }
    channel.wantsLatest ||= wantsLatest;
    return { view: channel, outcome: this.#welcomeLateSubscriber(name, channel, handlers, wantsLatest) };
  }

  /** Returns true when these were the channel's last handlers and the server holds a subscription to end. */
  remove(name: string, handlers: SubscriptionHandlers): boolean {
    const channel = this.#channels.get(name);
    if (!channel?.handlers.delete(handlers)) return false;
    if (channel.handlers.size > 0) return false;
    this.#channels.delete(name);
    // Idle: refused, or no socket; an unsubscribe would only earn a channel.not_subscribed error.
    return channel.status !== 'idle';
  }

  /**
   * The subscribe frame to send for a channel. After a reconnect it resumes from the last known
   * position; `fresh` starts over (no `since`) so the server sends a new snapshot.
   */
  subscribeFrame(name: string, id: number, fresh = false): SubscribeFrame | undefined {
    const channel = this.#channels.get(name);
    if (!channel) return undefined;
    const since = fresh || channel.startFresh ? undefined : channel.position;
    channel.startFresh = false;
    // With `since` the server replays what was missed; asking for `latest` as well would repeat one.
    const latest = since === undefined && channel.wantsLatest;
    channel.status = 'pending';
    channel.pending = { id, since, latest };
    this.#subscribeIds.set(id, name);
    const frame: SubscribeFrame = { type: 'subscribe', id, channel: name };
    if (since) frame.since = { epoch: since.epoch, offset: since.offset };
    if (latest) frame.latest = true;
    return frame;
  }

  /** Nothing subscribed on a socket that is gone: every channel must be subscribed again. */
  onSocketGone(): void {
    this.#subscribeIds.clear();
    for (const channel of this.#channels.values()) {
      channel.status = 'idle';
      channel.pending = undefined;
      channel.latestOffset = undefined;
    }
  }

  /** Returns false for frames that belong to no channel this client holds (the caller logs errors). */
  route(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'ack':
        return this.#onAck(frame);
      case 'snapshot': {
        const channel = this.#channels.get(frame.channel);
        if (!channel) return false;
        channel.hasSnapshot = true;
        channel.position = { epoch: frame.epoch, offset: frame.offset };
        channel.latest = frame.data;
        channel.latestOffset = undefined;
        this.#each(frame.channel, channel, (h) => h.onSnapshot?.(frame.data, frame));
        return true;
      }
      case 'pub': {
        const channel = this.#channels.get(frame.channel);
        if (!channel) return false;
        if (!isNew(channel, frame)) return true;
        channel.position = { epoch: frame.epoch, offset: frame.offset };
        channel.latest = frame.data;
        channel.lastPublication = frame;
        this.#each(frame.channel, channel, (h) => h.onPublication?.(frame.data, frame));
        return true;
      }
      case 'join':
      case 'leave': {
        const channel = this.#channels.get(frame.channel);
        if (!channel) return false;
        this.#each(frame.channel, channel, (h) => (frame.type === 'join' ? h.onJoin?.(frame.info) : h.onLeave?.(frame.info)));
        return true;
      }
      case 'error': {
        const byId = frame.id === undefined ? undefined : this.#subscribeIds.get(frame.id);
        const name = byId ?? frame.channel;
        const channel = name === undefined ? undefined : this.#channels.get(name);
        if (frame.id !== undefined) this.#subscribeIds.delete(frame.id);
        if (name === undefined || !channel) return false;
        if (channel.pending && channel.pending.id === frame.id) {
          channel.status = 'idle';
          channel.pending = undefined;
        }
        const error = { code: frame.code, message: frame.message };
        this.#each(name, channel, (h) => h.onError?.(error));
        return true;
      }
      default:
        return false;
    }
  }

  #onAck(frame: AckFrame): boolean {
    const name = frame.id === undefined ? undefined : this.#subscribeIds.get(frame.id);
    if (frame.id === undefined || name === undefined) return false;
    this.#subscribeIds.delete(frame.id);
    const channel = this.#channels.get(name);
    // A stale ack: the channel was unsubscribed, or subscribed again, since this request left.
    if (!channel?.pending || channel.pending.id !== frame.id) return true;
    const { since, latest } = channel.pending;
    channel.status = 'live';
    channel.pending = undefined;
    const acked = frame.epoch !== undefined && frame.offset !== undefined ? { epoch: frame.epoch, offset: frame.offset } : undefined;
    if (since === undefined) {
      channel.position = acked ?? channel.position;
      channel.latestOffset = latest ? acked?.offset : undefined;
      return true;
    }
    const recovered = frame.recovered === true;
    // Recovered: the missed publications follow and are counted from `since`, so the position
    // stays there. Not recovered: `since` means nothing any more; the ack names where we are now.
    if (!recovered) channel.position = acked;
    this.#each(name, channel, (h) => h.onRecover?.({ recovered }));
    return true;
  }

  #welcomeLateSubscriber(name: string, channel: Channel, handlers: SubscriptionHandlers, wantsLatest: boolean): AddOutcome {
    const { pending, lastPublication: last } = channel;
    // A fresh subscribe is on its way: its snapshot reaches this subscriber too, and its latest
    // publication if it asked for one.
    if (pending && pending.since === undefined) return wantsLatest && !pending.latest ? 'refresh' : 'none';
    // A snapshot is the state a newcomer cannot build from later publications; only a new one will do.
    const needsFresh = channel.hasSnapshot || (wantsLatest && !last);
    if (!needsFresh && wantsLatest && last) {
      // What this client last received is the channel's latest publication: no need to ask the server.
      queueMicrotask(() => {
        if (channel.handlers.has(handlers)) this.#call(name, () => handlers.onPublication?.(last.data, last));
      });
    }
    if (channel.status === 'idle') {
      // Not subscribed on this socket (or no socket): the next subscribe must not resume with `since`.
      channel.startFresh ||= needsFresh;
      return 'subscribe';
    }
    return needsFresh ? 'refresh' : 'none';
  }

  #each(name: string, channel: Channel, call: (handlers: SubscriptionHandlers) => void): void {
    // Copy: a handler may unsubscribe (itself or another) while we iterate.
    for (const handlers of [...channel.handlers]) this.#call(name, () => call(handlers));
  }

  #call(channel: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      // One broken view must not starve the others of updates.
      this.#logger.warn({ err, channel }, 'subscription handler threw');
    }
  }
}

/** False for a publication this client already delivered (a replay overlapping what it had). */
function isNew(channel: Channel, frame: PublicationFrame): boolean {
  const isLatest = channel.latestOffset !== undefined && frame.offset === channel.latestOffset;
  channel.latestOffset = undefined;
  const { position } = channel;
  if (isLatest || !position || position.epoch !== frame.epoch) return true;
  return frame.offset > position.offset;
}
