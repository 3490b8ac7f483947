import type { SessionInfo } from '@pulse/protocol';
import { createContext, createSignal, onCleanup, onMount, useContext, type Accessor, type ParentProps } from 'solid-js';
import { ApiRequestError, createApi, type Api } from '../../lib/api';
import { createAuthApi, type Credentials } from './api';

export type SessionStatus = 'loading' | 'unreachable' | 'setup' | 'signed-out' | 'signed-in';

export interface Session {
  status: Accessor<SessionStatus>;
  info: Accessor<SessionInfo | undefined>;
  version: Accessor<string | undefined>;
  /** Why the user was signed out, shown once on the login page. */
  notice: Accessor<string | undefined>;
  /** The API with this session's CSRF token; every feature calls the server through it. */
  api: Api;
  signIn(c: Credentials): Promise<void>;
  setup(c: Credentials): Promise<void>;
  signOut(): Promise<void>;
  /** The session ended on the server (socket closed 4501 unauthorized, a call answered 401). */
  expire(): void;
  /** Asks the server whether the session still holds; signs out if it does not. */
  revalidate(): Promise<void>;
  retry(): void;
}

const SessionContext = createContext<Session>();

export function SessionProvider(props: ParentProps) {
  const [status, setStatus] = createSignal<SessionStatus>('loading');
  const [info, setInfo] = createSignal<SessionInfo>();
  const [version, setVersion] = createSignal<string>();
  const [notice, setNotice] = createSignal<string>();

  const expire = () => {
    if (status() !== 'signed-in') return;
    setInfo(undefined);
    setNotice('Your session has ended. Sign in again to continue.');
    setStatus('signed-out');
  };
  const api = createApi({ csrfToken: () => info()?.csrfToken, onUnauthorized: expire });
  const auth = createAuthApi(api);

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  async function boot() {
    clearTimeout(retryTimer);
    try {
      const health = await auth.health();
      setVersion(health.version);
      if (health.setupRequired) return setStatus('setup');
      try {
        setInfo(await auth.me());
        setStatus('signed-in');
      } catch (err) {
        if (err instanceof ApiRequestError && err.isUnauthorized) return setStatus('signed-out');
        throw err;
      }
    } catch {
      setStatus('unreachable');
      // A server restart is the usual cause; come back by itself when it is up again.
      retryTimer = setTimeout(boot, 3_000);
    }
  }
  onMount(boot);
  onCleanup(() => clearTimeout(retryTimer));

  const signedIn = (s: SessionInfo) => {
    setInfo(s);
    setNotice(undefined);
    setStatus('signed-in');
  };

  const session: Session = {
    status,
    info,
    version,
    notice,
    api,
    async signIn(c) {
      signedIn(await auth.signIn(c));
    },
    async setup(c) {
      signedIn(await auth.setup(c));
    },
    async signOut() {
      try {
        await auth.signOut();
      } finally {
        // Signed out locally even if the call failed: the user asked to leave.
        setInfo(undefined);
        setStatus('signed-out');
      }
    },
    expire,
    async revalidate() {
      try {
        setInfo(await auth.me());
      } catch {
        // 401 already signed us out through onUnauthorized; anything else (server down) is the
        // socket's to retry.
      }
    },
    retry: () => {
      setStatus('loading');
      void boot();
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside <SessionProvider>');
  return ctx;
}
