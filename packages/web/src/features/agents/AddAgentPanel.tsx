import type { CreatedInstallToken } from '@pulse/protocol';
import { createSignal, Match, Show, Switch } from 'solid-js';
import X from 'lucide-solid/icons/x';
import { formatIn, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { CopyableCode } from '../../ui/CopyableCode';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { TextField } from '../../ui/TextField';
import { dateTimeLabel } from '../../ui/time-labels';
import { DEFAULT_EXPIRY_HOURS, EXPIRY_CHOICES, parseMaxUses } from './agent-model';
import type { AgentsApi } from './agents-api';

function Requirements() {
  return (
    <ul class="grid gap-x-6 gap-y-1.5 text-[13px] text-muted sm:grid-cols-2" data-testid="agent-requirements">
      <li>
        <span class="font-medium text-fg">Linux</span> with <span class="font-medium text-fg">systemd</span> (x64 or arm64)
      </li>
      <li>
        <span class="font-medium text-fg">Node.js 20</span> or newer on the machine
      </li>
      <li>
        <span class="font-medium text-fg">Root</span> to install: the command runs the installer with sudo
      </li>
      <li>The machine can reach this Pulse server's address</li>
    </ul>
  );
}

/**
 * Creates an install token and shows the one-line command that installs an agent with it. The
 * token is shown once (the server keeps only its hash), so the result stays until dismissed.
 */
export function AddAgentPanel(props: { api: AgentsApi; onClose: () => void; onCreated: () => void }) {
  const now = createNow(1_000);
  const [hours, setHours] = createSignal<number>(DEFAULT_EXPIRY_HOURS);
  const [machines, setMachines] = createSignal('1');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [created, setCreated] = createSignal<CreatedInstallToken>();
  const maxUses = () => parseMaxUses(machines());
  const fieldError = () => {
    const m = maxUses();
    return 'error' in m ? m.error : undefined;
  };

  const create = async (e: Event) => {
    e.preventDefault();
    const m = maxUses();
    if ('error' in m) return;
    setBusy(true);
    setError(undefined);
    try {
      setCreated(await props.api.createInstallToken({ expiresInHours: hours(), maxUses: m.value }));
      props.onCreated();
    } catch (err) {
      setError((err as Error).message || 'The server did not answer.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="rounded-xl border bg-surface shadow-card" data-testid="add-agent">
      <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
        <h2 class="text-[13px] font-semibold text-fg">Add an agent</h2>
        <span class="text-xs text-faint">reports a machine and its containers to Pulse</span>
        <div class="ml-auto">
          <IconButton label="Close" onClick={props.onClose} testId="add-agent-close">
            <X size={15} />
          </IconButton>
        </div>
      </header>
      <div class="space-y-5 p-4">
        <Requirements />
        <Switch>
          <Match when={created()}>
            {(c) => (
              <div class="space-y-3" data-testid="add-agent-result">
                <div class="text-[13px] font-medium text-fg">Run this on the machine:</div>
                <CopyableCode text={c().command} label="Copy the install command" testId="install-command" />
                <div class="num text-xs text-muted" data-testid="install-token-expiry">
                  Works on {plural(c().maxUses, 'machine')} until {dateTimeLabel(c().expiresAt, now())} ({formatIn(c().expiresAt, now())}). This is
                  the only time Pulse shows it: copy it now.
                </div>
                <Show when={c().note}>
                  <Banner tone="warn" testId="install-note">
                    {c().note}
                  </Banner>
                </Show>
                <p class="text-xs text-muted">The machine shows up below and in Infrastructure a few seconds after the installer finishes.</p>
                <div class="flex gap-2 pt-1">
                  <Button variant="primary" onClick={props.onClose} testId="add-agent-done">
                    Done
                  </Button>
                  <Button variant="ghost" onClick={() => setCreated(undefined)} testId="add-agent-another">
                    Create another
                  </Button>
                </div>
              </div>
            )}
          </Match>
          <Match when={true}>
            <form class="flex flex-wrap items-start gap-x-6 gap-y-4" onSubmit={(e) => void create(e)} data-testid="add-agent-form">
              <div>
                <div class="mb-1.5 text-[13px] font-medium text-fg">Valid for</div>
                <SegmentedControl
                  label="Valid for"
                  options={EXPIRY_CHOICES.map((c) => ({ value: String(c.hours), label: c.label }))}
                  value={String(hours())}
                  onChange={(v) => setHours(Number(v))}
                  testId="install-token-expiry-choice"
                />
              </div>
              <TextField
                class="w-44"
                label="Machines"
                type="number"
                min="1"
                max="1000"
                inputMode="numeric"
                value={machines()}
                onValue={setMachines}
                error={fieldError()}
                hint="How many may install with it"
                testId="install-token-uses"
              />
              <div class="self-end pb-px">
                <Button variant="primary" type="submit" busy={busy()} disabled={!!fieldError()} testId="add-agent-create">
                  Create install command
                </Button>
              </div>
            </form>
            <Show when={error()}>
              <Banner tone="crit" testId="add-agent-error">
                Could not create an install token: {error()}
              </Banner>
            </Show>
          </Match>
        </Switch>
      </div>
    </section>
  );
}
