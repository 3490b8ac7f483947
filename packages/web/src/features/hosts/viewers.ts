import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { ClientErrorCodes, RequestError } from '@pulse/client';
import type { Live } from '../../app/live';

/** The part of the live connection viewer counting needs. */
export type PresenceLive = Pick<Live, 'subscribe' | 'presenceStats'>;

/**
 * Follows how many distinct people have a channel open: asks the hub for presence stats once the
 * subscription is in place and again after every join, leave and resubscribe, instead of counting
 * join/leave frames, which are not replayed after a reconnect (PROTOCOL.md §10). One question is
 * in flight at a time and a burst of joins (every viewer reconnecting after a server restart)
 * costs one more, not one each. Returns the function that stops following.
 */
export function watchViewers(channel: string, live: PresenceLive, onCount: (users: number | undefined) => void): () => void {
  let isStopped = false;
  let isAsking = false;
  let askAgain = false;

  const ask = () => {
    if (isStopped) return;
    if (isAsking) {
      askAgain = true;
      return;
    }
    isAsking = true;
    live
      .presenceStats(channel)
      .then(
        (stats) => {
          if (!isStopped) onCount(stats.users);
        },
        (err: unknown) => {
          if (isStopped) return;
          onCount(undefined);
          // Asked while the link dropped: the resubscribe after reconnecting asks again.
          if (!isDisconnect(err)) console.warn(`${channel}: viewer count unavailable`, err);
        },
      )
      .finally(() => {
        isAsking = false;
        if (askAgain) {
          askAgain = false;
          ask();
        }
      });
  };

  // The hub sends a subscriber its own join too, once its presence is stored, so the count
  // settles with us in it even if the first answer raced our subscription.
  const subscription = live.subscribe(channel, { onSnapshot: ask, onRecover: ask, onJoin: ask, onLeave: ask });
  return () => {
    isStopped = true;
    subscription.unsubscribe();
  };
}

function isDisconnect(err: unknown): boolean {
  return err instanceof RequestError && (err.code === ClientErrorCodes.notOpen || err.code === ClientErrorCodes.connectionLost);
}

/**
 * People viewing a resource right now, you included; undefined until known and while the live
 * link is down (a count from before a disconnect may be stale).
 */
export function createViewers(resourceId: string, live: Live): Accessor<number | undefined> {
  const [users, setUsers] = createSignal<number>();
  onCleanup(watchViewers(`resource:${resourceId}`, live, setUsers));
  createEffect(
    on(live.link, (link) => {
      if (link !== 'live') setUsers(undefined);
    }, { defer: true }),
  );
  return users;
}
