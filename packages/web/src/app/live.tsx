import { createClient, type ConnectionState, type PulseClient, type StateInfo } from '@pulse/client';
import { createContext, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import type { CodecName } from '@pulse/protocol';
import type { LinkState } from '../ui/ConnectionIndicator';

/** What the app's features get from the one live connection: its state and subscriptions. */
export interface Live {
  link: Accessor<LinkState>;
  subscribe: PulseClient['subscribe'];
}

const LiveContext = createContext<Live>();

// The hub closes with 4001 when the session behind the socket is gone (logged out, expired).
const SESSION_GONE = 4001;

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
 * component opens its own. `?codec=msgpack` in the page URL switches the wire format for debugging.
 */
export function LiveProvider(props: ParentProps<{ onSessionGone: () => void; onReconnecting?: () => void }>) {
  const [link, setLink] = createSignal<LinkState>('connecting');
  const codec = debugCodec();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  const client = createClient({
    url,
    codec,
    onStateChange(state: ConnectionState, info?: StateInfo) {
      setLink(toLink[state] ?? 'offline');
      if (info?.code === SESSION_GONE) props.onSessionGone();
      if (state === 'reconnecting') props.onReconnecting?.();
    },
  });
  onCleanup(() => client.close());

  const live: Live = { link, subscribe: (channel, handlers) => client.subscribe(channel, handlers) };
  return <LiveContext.Provider value={live}>{props.children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside <LiveProvider>');
  return ctx;
}
