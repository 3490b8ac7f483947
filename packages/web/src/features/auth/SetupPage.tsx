import { A, useNavigate } from '@solidjs/router';
import { createEffect, createSignal, Show } from 'solid-js';
import { ApiRequestError } from '../../lib/api';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { AuthLayout, FormAlert } from './AuthLayout';
import { PasswordReveal } from './PasswordReveal';
import { useSession } from './session';
import { usePageTitle } from '../../lib/title';
import { fieldErrors, type Errors } from './validation';

const MIN_PASSWORD = 10;

export function SetupPage() {
  const session = useSession();
  const navigate = useNavigate();
  usePageTitle(() => 'Set up');
  const [username, setUsername] = createSignal('admin');
  const [password, setPassword] = createSignal('');
  const [reveal, setReveal] = createSignal(false);
  const [touched, setTouched] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<Errors>({});

  createEffect(() => {
    if (session.status() === 'signed-in') navigate('/', { replace: true });
    if (session.status() === 'signed-out') navigate('/login', { replace: true });
  });

  const localPasswordError = () =>
    touched() && password().length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters (${password().length} so far).` : undefined;

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setTouched(true);
    setErrors({});
    if (!username().trim()) return setErrors({ username: 'Choose a username.' });
    if (localPasswordError()) return;
    setBusy(true);
    try {
      await session.setup({ username: username().trim(), password: password() });
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Set up Pulse"
      subtitle="Create the administrator account. Nothing but this page is reachable until it exists."
      testId="setup-page"
    >
      <Show when={errors().form}>
        <FormAlert testId="setup-error">
          {errors().form}{' '}
          <Show when={errors().form?.startsWith('Pulse is already')}>
            <A href="/login" class="font-medium underline" onClick={() => session.retry()}>
              Go to sign in
            </A>
          </Show>
        </FormAlert>
      </Show>
      <form class="space-y-4" onSubmit={submit} novalidate>
        <TextField
          label="Username"
          name="username"
          autocomplete="username"
          value={username()}
          onValue={(v) => {
            setUsername(v);
            setErrors((e) => ({ ...e, username: undefined }));
          }}
          error={errors().username}
          hint="Letters, digits and _ . @ -"
          testId="setup-username"
        />
        <TextField
          label="Password"
          name="new-password"
          type={reveal() ? 'text' : 'password'}
          autocomplete="new-password"
          autofocus
          value={password()}
          onValue={(v) => {
            setPassword(v);
            setErrors((e) => ({ ...e, password: undefined }));
          }}
          onBlur={() => password() && setTouched(true)}
          error={errors().password ?? localPasswordError()}
          hint={`At least ${MIN_PASSWORD} characters. A passphrase is easiest to remember.`}
          testId="setup-password"
          trailing={<PasswordReveal shown={reveal()} onToggle={() => setReveal(!reveal())} />}
        />
        <Button type="submit" variant="primary" class="mt-2 w-full" busy={busy()} testId="setup-submit">
          Create account and continue
        </Button>
      </form>
    </AuthLayout>
  );
}
