import { describe, expect, it } from 'vitest';
import type { Live } from '../../packages/web/src/app/live.tsx';
import { createAppsStore } from '../../packages/web/src/features/apps/apps-store.ts';
import type { AppsApi } from '../../packages/web/src/features/apps/apps-api.ts';

type Handlers = Parameters<Live['subscribe']>[1];

/** The one live connection, recorded: which channels are held and by how many subscriptions. */
function fakeLive() {
  const subs: { channel: string; handlers: Handlers; active: boolean }[] = [];
  const live = {
    link: () => 'live',
    presenceStats: () => undefined,
    subscribe(channel: string, handlers: Handlers) {
      const sub = { channel, handlers, active: true };
      subs.push(sub);
      return { position: undefined, latest: undefined, unsubscribe: () => void (sub.active = false) };
    },
  } as unknown as Live;
  return { live, subs, active: () => subs.filter((s) => s.active).map((s) => s.channel) };
}

const api = {} as AppsApi;
const view = (over: Record<string, unknown> = {}) => ({
  app: 'shop', environment: 'production', period: '1h', bucketMs: 60_000, requestsPerMin: 10, slowPerMin: 0, exceptionsPerMin: 0, health: 100, lastSeen: 1,
  instanceCounts: { online: 0, lost: 0 }, instances: [], buckets: [], slowRoutes: [], routes: [], exceptions: [], dropped: { slow: 0, exceptions: 0, rejected: 0 }, ...over,
});

describe('apps store', () => {
  it('holds one app:<name> subscription however many views watch, and drops it after the last', () => {
    const f = fakeLive();
    const store = createAppsStore(f.live, api, () => 5);
    const a = store.watch('shop');
    const b = store.watch('shop');
    expect(f.active()).toEqual(['app:shop']);
    a();
    a();
    expect(f.active()).toEqual(['app:shop']);
    b();
    expect(f.active()).toEqual([]);
    expect(store.live('shop')).toBeUndefined();
  });

  it('applies the snapshot and each update of the hour', () => {
    const f = fakeLive();
    const store = createAppsStore(f.live, api, () => 5);
    store.watch('shop');
    f.subs[0]!.handlers.onSnapshot?.(view(), {} as never);
    expect(store.live('shop')).toMatchObject({ ready: true, updatedAt: 5, view: { requestsPerMin: 10 } });
    f.subs[0]!.handlers.onPublication?.(view({ requestsPerMin: 12, exceptions: [{ fingerprint: 'f', type: 'E', message: 'm', count: 1, firstSeen: 1, lastSeen: 1, frames: [] }] }), {} as never);
    expect(store.live('shop')?.view?.requestsPerMin).toBe(12);
    expect(store.live('shop')?.view?.exceptions[0]?.id).toBe('f');
  });

  it('keeps the last figures and says so when an update cannot be read', () => {
    const f = fakeLive();
    const store = createAppsStore(f.live, api);
    store.watch('shop');
    f.subs[0]!.handlers.onSnapshot?.(view(), {} as never);
    f.subs[0]!.handlers.onPublication?.({ nope: true }, {} as never);
    expect(store.live('shop')?.view?.requestsPerMin).toBe(10);
    expect(store.live('shop')?.error).toMatch(/cannot read/);
  });

  it('marks an app the hub does not know, and subscribes again on retry once the API has it', () => {
    const f = fakeLive();
    const store = createAppsStore(f.live, api);
    const release = store.watch('shop');
    f.subs[0]!.handlers.onError?.({ code: 'channel.unknown', message: 'no' } as never);
    expect(store.live('shop')?.unknown).toBe(true);
    store.retry('shop');
    expect(f.subs.map((s) => [s.channel, s.active])).toEqual([['app:shop', false], ['app:shop', true]]);
    expect(store.live('shop')?.unknown).toBeUndefined();
    f.subs[1]!.handlers.onSnapshot?.(view(), {} as never);
    expect(store.live('shop')?.ready).toBe(true);
    release();
    expect(f.active()).toEqual([]);
  });

  it('falls back to the API when the account may not see the channel', () => {
    const f = fakeLive();
    const store = createAppsStore(f.live, api);
    store.watch('shop');
    f.subs[0]!.handlers.onError?.({ code: 'channel.forbidden', message: 'no' } as never);
    expect(store.live('shop')?.unavailable).toMatch(/may not see/);
  });
});
