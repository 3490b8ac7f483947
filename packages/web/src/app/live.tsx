import { createClient, type ConnectionState, type PulseClient, type StateInfo } from '@pulse/client';
import { createContext, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { CloseCodes, type CodecName } from '@pulse/protocol';
import type { Api } from '../lib/api';
import type { LinkState } from '../ui/ConnectionIndicator';
import { createConnectionTokens } from './connection-token';

/** What the app's features get from the one live connection: its state, subscriptions and presence. */
export interface Live {
  link: Accessor<LinkState>;
  subscribe: PulseClient['subscribe'];
  presenceStats: PulseClient['presenceStats'];
}

const LiveContext = createContext<Live>();

const toLink: Record<ConnectionState, LinkState> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'offline',
};

/** `?codec=msgpack` (or `json`) on any page picks the wire format for the rest of the tab's life. */
function debugCodec(): CodecName {
  const asked = new URLSearchParams(location.search).get('codec');
  try {
    if (asked === 'msgpack' || asked === 'json') sessionStorage.setItem('pulse.codec', asked);
    return sessionStorage.getItem('pulse.codec') === 'msgpack' ? 'msgpack' : 'json';
  } catch {
    return asked === 'msgpack' ? 'msgpack' : 'json';
  }
}

/**
 * Opens the one socket for the signed-in app; every feature store subscribes through it, no
 * component opens its own. It connects with a short-lived connection token (reused across
 * reconnects until shortly before it expires) rather than the session cookie.
 * `?codec=msgpack` in the page URL switches the wire format for debugging.
 */
export function LiveProvider(props: ParentProps<{ api: Api; onSessionGone: () => void; onReconnecting?: () => void }>) {
  const [link, setLink] = createSignal<LinkState>('connecting');
  const codec = debugCodec();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  const getToken = createConnectionTokens({
    request: () => props.api.post('/api/realtime/token'),
    onSessionGone: () => props.onSessionGone(),
  });
  const client = createClient({
    url,
    codec,
    getToken,
    onStateChange(state: ConnectionState, info?: StateInfo) {
      setLink(toLink[state] ?? 'offline');
      if (info?.code === CloseCodes.unauthorized) props.onSessionGone();
      if (state === 'reconnecting') props.onReconnecting?.();
    },
  });
  onCleanup(() => client.close());

  const live: Live = {
    link,
    subscribe: (channel, handlers) => client.subscribe(channel, handlers),
    presenceStats: (channel) => client.presenceStats(channel),
  };
  return <LiveContext.Provider value={live}>{props.children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside <LiveProvider>');
  return ctx;
}
