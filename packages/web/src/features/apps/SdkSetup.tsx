import { createSignal, Show } from 'solid-js';
import KeyRound from 'lucide-solid/icons/key-round';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { CopyableCode } from '../../ui/CopyableCode';
import { useSession } from '../auth/session';
import type { AppsApi } from './apps-api';
import { MIDDLEWARE_SNIPPET, startSnippet } from './sdk-snippet';

function Step(props: { n: number; title: string; children: import('solid-js').JSX.Element }) {
  return (
    <li class="flex gap-3">
      <span class="num mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent">{props.n}</span>
      <div class="min-w-0 flex-1">
        <div class="mb-2 text-[13px] font-medium text-fg">{props.title}</div>
        {props.children}
      </div>
    </li>
  );
}

/** How to get a Node application into Pulse: install the SDK, start it with a token, add the middleware. */
export function SdkSetup(props: { api: AppsApi }) {
  const session = useSession();
  const [token, setToken] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const mayCreate = () => {
    const scopes = session.info()?.scopes ?? [];
    return scopes.includes('admin') || scopes.includes('tokens:write');
  };
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setToken(await props.api.createReportToken('shop'));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="mx-auto w-full max-w-2xl" data-testid="apps-setup">
      <ol class="flex flex-col gap-5">
        <Step n={1} title="Install the SDK in your Node application">
          <CopyableCode text="npm install @pulse/node" testId="apps-setup-install" />
        </Step>
        <Step n={2} title="Start it first thing, before your server is created">
          <CopyableCode text={startSnippet(location.origin, token())} multiline testId="apps-setup-start" />
          <div class="mt-2 flex flex-wrap items-center gap-2 text-xs text-muted">
            <Show
              when={token()}
              fallback={
                <Show when={mayCreate()} fallback={<span>Ask an admin for an API token with the apm:report scope, or run <code class="font-mono text-fg">pulse token create --name shop --scopes apm:report</code>.</span>}>
                  <Button class="h-7! px-2.5 text-xs!" busy={busy()} onClick={() => void create()} testId="apps-setup-token">
                    <KeyRound size={13} />
                    Create a token with apm:report
                  </Button>
                  <span>or run <code class="font-mono text-fg">pulse token create --name shop --scopes apm:report</code></span>
                </Show>
              }
            >
              <span class="text-ok">Token created and put in the snippet. Copy it now: Pulse will not show it again.</span>
            </Show>
          </div>
          <Show when={error()}>
            <div class="mt-2">
              <Banner tone="crit" title="Could not create the token">
                {error()}
              </Banner>
            </div>
          </Show>
        </Step>
        <Step n={3} title="Add the middleware, so every request counts towards its route">
          <CopyableCode text={MIDDLEWARE_SNIPPET} multiline testId="apps-setup-middleware" />
        </Step>
      </ol>
      <p class="mt-5 text-xs leading-relaxed text-faint">
        The app shows here with its first heartbeat, a few seconds after it starts. Exceptions and slow requests (1 s or longer) arrive on their own; <code class="font-mono">app</code> is the name it gets on this page.
      </p>
    </div>
  );
}
