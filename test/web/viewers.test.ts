import type { ClientInfo } from '@pulse/protocol';
import { ClientErrorCodes, RequestError, type PresenceStats, type SubscriptionHandlers } from '@pulse/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchViewers, type PresenceLive } from '../../packages/web/src/features/hosts/viewers.ts';

const bob: ClientInfo = { client: 'c-bob', user: 'user:bob', name: 'bob', transport: 'websocket' };

/** A live connection whose presence answers the test hands out one by one. */
function fakeLive() {
  let handlers: SubscriptionHandlers | undefined;
  const asked: { channel: string; answer: (stats: PresenceStats) => void; fail: (err: Error) => void }[] = [];
  let unsubscribed = 0;
  const live: PresenceLive = {
    subscribe: (_channel, h) => {
      handlers = h;
      return { position: undefined, latest: undefined, unsubscribe: () => void (unsubscribed += 1) };
    },
    presenceStats: (channel) => new Promise((answer, fail) => asked.push({ channel, answer, fail })),
  };
  return { live, asked, handlers: () => handlers!, unsubscribed: () => unsubscribed };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('viewer count', () => {
  it('asks once subscribed and again on each join and leave, reporting distinct users', async () => {
    const fake = fakeLive();
    const counts: (number | undefined)[] = [];
    watchViewers('resource:host:a', fake.live, (n) => counts.push(n));

    fake.handlers().onSnapshot?.({}, {} as never);
    expect(fake.asked.map((a) => a.channel)).toEqual(['resource:host:a']);
    fake.asked[0]!.answer({ clients: 1, users: 1 });
    await settle();

    fake.handlers().onJoin?.(bob);
    fake.asked[1]!.answer({ clients: 3, users: 2 });
    await settle();
    fake.handlers().onLeave?.(bob);
    fake.asked[2]!.answer({ clients: 2, users: 1 });
    await settle();

    expect(counts).toEqual([1, 2, 1]);
  });

  it('asks again after a resubscribe, since joins and leaves missed while away are not replayed', async () => {
    const fake = fakeLive();
    const counts: (number | undefined)[] = [];
    watchViewers('resource:host:a', fake.live, (n) => counts.push(n));

    fake.handlers().onRecover?.({ recovered: true });
    fake.asked[0]!.answer({ clients: 4, users: 3 });
    await settle();
    expect(counts).toEqual([3]);
  });

  it('folds a burst of joins into one question in flight and one after it', async () => {
    const fake = fakeLive();
    const counts: (number | undefined)[] = [];
    watchViewers('resource:host:a', fake.live, (n) => counts.push(n));

    for (let i = 0; i < 50; i++) fake.handlers().onJoin?.({ ...bob, client: `c${i}` });
    expect(fake.asked).toHaveLength(1);
    fake.asked[0]!.answer({ clients: 20, users: 20 });
    await settle();
    expect(fake.asked).toHaveLength(2);
    fake.asked[1]!.answer({ clients: 51, users: 51 });
    await settle();
    expect(fake.asked).toHaveLength(2);
    expect(counts).toEqual([20, 51]);
  });

  it('hides the count when it cannot be known, quietly when the link just dropped', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = fakeLive();
    const counts: (number | undefined)[] = [];
    watchViewers('resource:host:a', fake.live, (n) => counts.push(n));

    fake.handlers().onJoin?.(bob);
    fake.asked[0]!.fail(new RequestError(ClientErrorCodes.connectionLost, 'The connection closed.'));
    await settle();
    expect(warn).not.toHaveBeenCalled();

    fake.handlers().onJoin?.(bob);
    fake.asked[1]!.fail(new RequestError(ClientErrorCodes.timeout, 'No answer within 10 s.'));
    await settle();
    expect(counts).toEqual([undefined, undefined]);
    expect(warn).toHaveBeenCalledWith('resource:host:a: viewer count unavailable', expect.objectContaining({ code: 'request.timeout' }));
  });

  it('stops listening and ignores a late answer once stopped', async () => {
    const fake = fakeLive();
    const counts: (number | undefined)[] = [];
    const stop = watchViewers('resource:host:a', fake.live, (n) => counts.push(n));

    fake.handlers().onJoin?.(bob);
    stop();
    fake.asked[0]!.answer({ clients: 2, users: 2 });
    await settle();
    fake.handlers().onJoin?.(bob);
    expect(counts).toEqual([]);
    expect(fake.asked).toHaveLength(1);
    expect(fake.unsubscribed()).toBe(1);
  });
});
