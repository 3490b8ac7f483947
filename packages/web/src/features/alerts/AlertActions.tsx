import { Alert } from '@pulse/protocol';
import { createSignal, For, Show } from 'solid-js';
import AlarmClock from 'lucide-solid/icons/alarm-clock';
import Check from 'lucide-solid/icons/check';
import ChevronDown from 'lucide-solid/icons/chevron-down';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Menu, MenuItem } from '../../ui/Menu';
import { TextField } from '../../ui/TextField';
import { useSession } from '../auth/session';
import { clock, customSnoozeUntil, SNOOZE_PRESETS, toLocalInput } from './alert-model';
import { useAlerts } from './store';

export const canWriteSettings = (scopes: readonly string[] | undefined) => !!scopes && (scopes.includes('settings:write') || scopes.includes('admin'));

/** Acknowledge and Snooze (1 h, 8 h, 24 h or until a time) for one open alert. */
export function AlertActions(props: { alert: Alert; compact?: boolean }) {
  const store = useAlerts();
  const session = useSession();
  const allowed = () => canWriteSettings(session.info()?.scopes);
  const [busy, setBusy] = createSignal<'ack' | 'snooze'>();
  const [error, setError] = createSignal<string>();
  const [custom, setCustom] = createSignal(false);
  const [until, setUntil] = createSignal('');
  const [customError, setCustomError] = createSignal<string>();

  const run = async (kind: 'ack' | 'snooze', call: () => Promise<Alert>) => {
    setBusy(kind);
    setError(undefined);
    try {
      const parsed = Alert.safeParse(await call());
      // The hub's upsert follows; the answer shows the change at once.
      if (parsed.success) store.apply(parsed.data);
      return true;
    } catch (err) {
      setError((err as Error).message || 'That did not work.');
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const ack = () => void run('ack', () => store.api.alerts.ack(props.alert.id));
  const snooze = (untilMs: number) => run('snooze', () => store.api.alerts.snooze(props.alert.id, untilMs));
  const openCustom = () => {
    setUntil(toLocalInput(Date.now() + 2 * 3_600_000));
    setCustomError(undefined);
    setCustom(true);
  };
  const snoozeCustom = async () => {
    const ms = customSnoozeUntil(until(), Date.now());
    if (ms === undefined) return setCustomError('Pick a time in the future.');
    if (await snooze(ms)) setCustom(false);
  };

  return (
    <Show when={allowed()}>
      <div class="flex shrink-0 items-center gap-1.5">
        <Show when={error()}>
          <span class="max-w-56 truncate text-xs text-crit" title={error()} data-testid="alert-action-error">
            {error()}
          </span>
        </Show>
        <Show when={props.alert.state === 'firing' || props.alert.state === 'pending'}>
          <Button class="h-8! px-2.5 text-xs!" busy={busy() === 'ack'} onClick={ack} testId="alert-ack">
            <Check size={13} />
            Acknowledge
          </Button>
        </Show>
        <Menu
          label="Snooze"
          align="right"
          testId="alert-snooze"
          trigger={
            <span class="inline-flex h-8 items-center gap-1.5 rounded-lg border bg-surface px-2.5 text-xs font-medium text-fg shadow-card">
              <AlarmClock size={13} />
              {props.alert.snoozedUntil && props.alert.snoozedUntil > Date.now() ? `Until ${clock(props.alert.snoozedUntil, Date.now())}` : 'Snooze'}
              <ChevronDown size={12} class="text-faint" />
            </span>
          }
        >
          <For each={SNOOZE_PRESETS}>{(p) => <MenuItem onSelect={() => void snooze(Date.now() + p.ms)} testId={`alert-snooze-${p.ms / 3_600_000}h`}>For {p.label}</MenuItem>}</For>
          <MenuItem onSelect={openCustom} testId="alert-snooze-custom">
            Until…
          </MenuItem>
        </Menu>
      </div>
      {/* Mounted only while open: a list of alerts should not carry a dialog per row. */}
      <Show when={custom()}>
      <Dialog
        open={custom()}
        title={`Snooze ${props.alert.ruleName} on ${props.alert.resourceName}`}
        onClose={() => setCustom(false)}
        testId="snooze-dialog"
        footer={
          <>
            <Button onClick={() => setCustom(false)}>Cancel</Button>
            <Button variant="primary" busy={busy() === 'snooze'} onClick={() => void snoozeCustom()} testId="snooze-confirm">
              Snooze
            </Button>
          </>
        }
      >
        <p class="mb-3">No notifications about this alert until then; it still shows here. It wakes early if it resolves and fires again.</p>
        <TextField label="Snooze until" type="datetime-local" value={until()} onValue={setUntil} error={customError()} id="snooze-until" testId="snooze-until" />
      </Dialog>
      </Show>
    </Show>
  );
}
