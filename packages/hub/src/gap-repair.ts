import type { StreamPosition } from '@pulse/protocol';
import type { HistoryResult, HubLogger, Publication } from './types.js';

interface Known {
  epoch: string;
  offset: number;
  /** publications that arrived while a gap before them was being fetched */
  waiting?: Publication[];
}

export interface GapRepairDeps {
  /** the channel's kept publications after `since` */
  history(channel: string, since: StreamPosition): Promise<HistoryResult>;
  deliver(publication: Publication): void;
  logger: HubLogger;
}

/**
 * Keeps a channel's publications gapless on this node. Redis pub/sub drops what is published while
 * a subscriber connection is down; when the next publication arrives with a jump in offset, the
 * missed ones are fetched from history and delivered first, and whatever arrives meanwhile waits.
 * When history no longer holds them, what follows is delivered anyway: subscribers see the gap,
 * as the protocol allows, and can resubscribe with `since`.
 */
export class GapRepair {
  readonly #deps: GapRepairDeps;
  readonly #known = new Map<string, Known>();

  constructor(deps: GapRepairDeps) {
    this.#deps = deps;
  }

  accept(publication: Publication): void {
    const { channel, epoch, offset } = publication;
    const known = this.#known.get(channel);
    if (!known) {
      this.#known.set(channel, { epoch, offset });
      this.#deps.deliver(publication);
      return;
    }
    if (known.waiting) {
      known.waiting.push(publication);
      return;
    }
    if (epoch === known.epoch && offset > known.offset + 1) {
      this.#repair(channel, known, publication);
      return;
    }
    this.#pass(known, publication);
  }

  /** A subscribe read the channel's position: gaps after it count even before a publication arrives. */
  seed(channel: string, position: StreamPosition): void {
    if (!this.#known.has(channel)) this.#known.set(channel, { ...position });
  }

  /** The node no longer holds the channel: its position is no longer tracked. */
  forget(channel: string): void {
    this.#known.delete(channel);
  }

  #repair(channel: string, known: Known, next: Publication): void {
    known.waiting = [next];
    const since = { epoch: known.epoch, offset: known.offset };
    this.#deps.logger.info({ channel, since, next: next.offset }, 'publications missed; fetching them from history');
    this.#deps.history(channel, since).then((found) => {
      for (const missed of found.publications) if (missed.epoch === known.epoch && missed.offset < next.offset) this.#pass(known, missed);
    }, (err: unknown) => {
      this.#deps.logger.warn({ err, channel }, 'could not fetch missed publications; subscribers will see a gap');
    }).finally(() => {
      const waiting = known.waiting ?? [];
      known.waiting = undefined;
      for (const publication of waiting) this.#pass(known, publication);
    });
  }

  #pass(known: Known, publication: Publication): void {
    if (publication.epoch === known.epoch && publication.offset <= known.offset) return;
    known.epoch = publication.epoch;
    known.offset = publication.offset;
    this.#deps.deliver(publication);
  }
}
