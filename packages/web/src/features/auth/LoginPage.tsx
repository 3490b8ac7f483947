import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import { ApiRequestError } from '../../lib/api';
import { formatDuration } from '../../lib/format';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { AuthLayout, FormAlert } from './AuthLayout';
import { PasswordReveal } from './PasswordReveal';
import { useSession } from './session';
import { usePageTitle } from '../../lib/title';

/** Seconds to wait from a 429: the retry-after header, else a number in the message. */
function waitSeconds(err: ApiRequestError): number | undefined {
  if (err.retryAfterSeconds) return Math.ceil(err.retryAfterSeconds);
  const m = /(\d+)\s*(?:s\b|sec|second)/i.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  usePageTitle(() => 'Sign in');
  const [params] = useSearchParams<{ next?: string }>();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [reveal, setReveal] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [lockedFor, setLockedFor] = createSignal(0);

  createEffect(() => {
    if (session.status() === 'signed-in') navigate(safeNext(params.next), { replace: true });
    if (session.status() === 'setup') navigate('/setup', { replace: true });
  });

  let tick: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => clearInterval(tick));
  const lockOut = (seconds: number) => {
    setLockedFor(seconds);
    clearInterval(tick);
    tick = setInterval(() => {
      setLockedFor((s) => Math.max(0, s - 1));
      if (lockedFor() === 0) {
        clearInterval(tick);
        setError(undefined);
      }
    }, 1000);
  };

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy() || lockedFor() > 0) return;
    setError(undefined);
    if (!username().trim() || !password()) return setError('Enter your username and password.');
    setBusy(true);
    try {
      await session.signIn({ username: username().trim(), password: password() });
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
      if (err.status === 429) {
        const s = waitSeconds(err);
        if (s) lockOut(s);
        setError(s ? undefined : 'Too many attempts. Wait a moment, then try again.');
      } else if (err.code === 'auth.invalid_credentials' || err.status === 401) {
        setError('Wrong username or password.');
        setPassword('');
      } else {
        setError(err.message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to see your infrastructure live." testId="login-page">
      <Show when={session.notice() && !error() && lockedFor() === 0}>
        <FormAlert tone="info" testId="login-notice">{session.notice()}</FormAlert>
      </Show>
      <Show when={lockedFor() > 0}>
        <FormAlert testId="login-error">
          Too many attempts. Try again in <span class="num font-medium">{lockedFor() < 120 ? `${lockedFor()} s` : formatDuration(lockedFor())}</span>.
        </FormAlert>
      </Show>
      <Show when={error()}>
        <FormAlert testId="login-error">{error()}</FormAlert>
      </Show>
      <form class="space-y-4" onSubmit={submit} novalidate>
        <TextField
          label="Username"
          name="username"
          autocomplete="username"
          autofocus
          value={username()}
          onValue={setUsername}
          testId="login-username"
        />
        <TextField
          label="Password"
          name="password"
          type={reveal() ? 'text' : 'password'}
          autocomplete="current-password"
          value={password()}
          onValue={setPassword}
          testId="login-password"
          trailing={<PasswordReveal shown={reveal()} onToggle={() => setReveal(!reveal())} />}
        />
        <Button type="submit" variant="primary" class="mt-2 w-full" busy={busy()} disabled={lockedFor() > 0} testId="login-submit">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

/** Only same-app paths, so a crafted link cannot send a user elsewhere after signing in. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
