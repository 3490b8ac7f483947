import { createMemo, createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { PageHeader } from '../../app/PageHeader';
import { ApiRequestError } from '../../lib/api';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Checkbox } from '../../ui/Checkbox';
import { SelectField } from '../../ui/SelectField';
import { Spinner } from '../../ui/Spinner';
import { TextField } from '../../ui/TextField';
import { useSession } from '../auth/session';
import { canWriteSettings } from './AlertActions';
import { isMissingEndpoint } from './alerts-api';
import { AlertsTabs } from './AlertsTabs';
import { FormSection } from './FormSection';
import { DurationField } from './pickers';
import type { FieldErrors } from './rule-form';
import {
  defaultSettingsForm, limitsOf, secondsText, SETTINGS_UNITS, settingsBodyOf, settingsFormOf, settingsServerErrors, timeZones, validateSettings, zoneLabel,
  type SettingsField, type SettingsForm,
} from './settings-form';
import { useAlerts } from './store';

/** "14:32" on the wall clock of `zone` now, or undefined for a zone Intl refuses. */
function clockIn(zone: string, at: number): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  } catch {
    return undefined;
  }
}

/** `/alerts/settings`: the global limits that keep a noisy system from paging all night. */
export default function SettingsPage() {
  usePageTitle(() => 'Alert noise settings');
  const store = useAlerts();
  const session = useSession();
  const canEdit = () => canWriteSettings(session.info()?.scopes);
  const [form, setForm] = createStore<SettingsForm>(defaultSettingsForm());
  const [loading, setLoading] = createSignal(true);
  const [loadError, setLoadError] = createSignal<string>();
  const [submitted, setSubmitted] = createSignal(false);
  const [touched, setTouched] = createStore<Partial<Record<SettingsField, boolean>>>({});
  const [fromServer, setFromServer] = createStore<FieldErrors>({});
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [savedAt, setSavedAt] = createSignal<number>();
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));

  onMount(async () => {
    try {
      setForm(reconcile(settingsFormOf(await store.api.settings.get())));
    } catch (err) {
      setLoadError(isMissingEndpoint(err) ? 'This server has no alerts API yet, so there are no settings to change.' : (err as Error).message);
    } finally {
      setLoading(false);
    }
  });

  const errors = createMemo(() => validateSettings(form));
  const err = (key: SettingsField) => fromServer[key] ?? (submitted() || touched[key] ? errors()[key] : undefined);
  const set = <K extends SettingsField>(key: K, value: SettingsForm[K]) => {
    setForm(key, value);
    setTouched(key, true);
    setSavedAt(undefined);
    if (fromServer[key] || fromServer['form']) setFromServer(produce((e) => (delete e[key], delete e['form'])));
  };
  const zones = createMemo(() => timeZones(form.timezone).map((z) => ({ value: z, label: zoneLabel(z) })));
  const range = (key: Parameters<typeof limitsOf>[0], zero?: string) => {
    const [min, max] = limitsOf(key);
    return `${zero && min === 0 ? zero : `At least ${secondsText(min)}`}; at most ${secondsText(max)}.`;
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setSaveError(undefined);
    setSavedAt(undefined);
    setFromServer(reconcile({}));
    if (Object.keys(errors()).length) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="alert-settings-form"] [aria-invalid="true"]')?.focus());
      return;
    }
    setSaving(true);
    try {
      const saved = await store.api.settings.update(settingsBodyOf(form));
      setForm(reconcile(settingsFormOf(saved)));
      setSubmitted(false);
      setTouched(reconcile({}));
      setSavedAt(Date.now());
    } catch (error) {
      if (error instanceof ApiRequestError && error.code === 'validation.failed') {
        const mapped = settingsServerErrors(error.message);
        setFromServer(reconcile(mapped));
        setSaveError(mapped['form'] ?? 'The server refused some values; they are marked above.');
      } else if (isMissingEndpoint(error)) setSaveError('This server has no alerts API yet: nothing was saved.');
      else setSaveError((error as Error).message || 'The server did not answer.');
    } finally {
      setSaving(false);
    }
  };

  const problems = () => Object.keys(errors()).length;
  const quietNow = () => clockIn(form.timezone, now());

  return (
    <div class="space-y-5 pb-10" data-testid="alert-settings-page">
      <PageHeader title="Alerts" description="Limits for every rule that keep a noisy system from paging all night. Each rule still has its own delay, reminders and escalation." />
      <AlertsTabs />
      <Switch>
        <Match when={loading()}>
          <div class="flex h-64 items-center justify-center text-faint">
            <Spinner />
          </div>
        </Match>
        <Match when={loadError()}>
          <Banner tone="crit" title="Could not load the settings" testId="alert-settings-load-error">
            {loadError()}
          </Banner>
        </Match>
        <Match when={true}>
          <div class="max-w-[1040px] space-y-4">
            <Show when={!canEdit()}>
              <Banner tone="info" title="Read only" testId="alert-settings-read-only">
                Only admins can change these settings.
              </Banner>
            </Show>
            <form class="rounded-xl border bg-surface shadow-card" onSubmit={(e) => void save(e)} novalidate data-testid="alert-settings-form">
              <fieldset disabled={!canEdit()} class="min-w-0">
                <FormSection title="Cooldown" hint="After a message about an alert, nothing more about the same rule and resource for this long. A value bouncing around its threshold then pages once, not every time it crosses." testId="alert-settings-cooldown">
                  <div class="max-w-[320px]">
                    <DurationField label="Wait at least" value={form.cooldown} units={SETTINGS_UNITS.cooldown} onChange={(v) => set('cooldown', v)} error={err('cooldown')} hint={range('cooldownS', '0 turns it off')} id="settings-cooldown" testId="settings-cooldown" />
                  </div>
                </FormSection>

                <FormSection title="Hourly cap" hint="The most messages about one resource in any hour. Past it, messages are held and counted, and the next one that goes out says how many were held — one broken host cannot flood a channel." testId="alert-settings-cap">
                  <div class="max-w-[320px]">
                    <TextField
                      label="Messages per resource per hour"
                      type="number"
                      inputMode="numeric"
                      min={limitsOf('perResourceHourlyCap')[0]}
                      max={limitsOf('perResourceHourlyCap')[1]}
                      value={form.cap}
                      onValue={(v) => set('cap', v)}
                      error={err('cap')}
                      hint={`${limitsOf('perResourceHourlyCap')[0]} to ${limitsOf('perResourceHourlyCap')[1]}.`}
                      id="settings-cap"
                      testId="settings-cap"
                    />
                  </div>
                </FormSection>

                <FormSection title="Grouping" hint="Alerts of one rule that fire within this window go out as one message (“CPU high on 12 hosts”). The wait also lets a host that went down claim its guests, so you hear about the cause once instead of every guest on it." testId="alert-settings-group">
                  <div class="max-w-[320px]">
                    <DurationField label="Group window" value={form.groupWindow} units={SETTINGS_UNITS.groupWindow} onChange={(v) => set('groupWindow', v)} error={err('groupWindow')} hint={range('groupWindowS', '0 sends each alert at once')} id="settings-group-window" testId="settings-group-window" />
                  </div>
                </FormSection>

                <FormSection title="Flapping" hint="An alert that fires and clears this often within the window is flapping: its messages are held until it has stayed one way for a whole window, then its final state goes out once." testId="alert-settings-flap">
                  <div class="grid max-w-[660px] gap-4 sm:grid-cols-2">
                    <TextField
                      label="Changes of state"
                      type="number"
                      inputMode="numeric"
                      min={limitsOf('flapChanges')[0]}
                      max={limitsOf('flapChanges')[1]}
                      value={form.flapChanges}
                      onValue={(v) => set('flapChanges', v)}
                      error={err('flapChanges')}
                      hint={`Firing or clearing counts as one; ${limitsOf('flapChanges')[0]} to ${limitsOf('flapChanges')[1]}.`}
                      id="settings-flap-changes"
                      testId="settings-flap-changes"
                    />
                    <DurationField label="Within" value={form.flapWindow} units={SETTINGS_UNITS.flapWindow} onChange={(v) => set('flapWindow', v)} error={err('flapWindow')} hint={range('flapWindowS')} id="settings-flap-window" testId="settings-flap-window" />
                  </div>
                </FormSection>

                <FormSection title="Quiet hours" hint="During these hours only critical alerts are sent. Everything else waits and goes out as one summary when they end; what fired and cleared meanwhile is only counted in it." testId="alert-settings-quiet">
                  <Checkbox label="Turn on quiet hours" hint="Warning and info messages wait; critical ones still go out at once." checked={form.quietEnabled} onChange={(v) => set('quietEnabled', v)} testId="settings-quiet-enabled" />
                  <div class="grid max-w-[660px] gap-4 sm:grid-cols-2" classList={{ 'opacity-60': !form.quietEnabled }}>
                    <TextField label="From" type="time" value={form.quietStart} onValue={(v) => set('quietStart', v)} error={err('quietStart')} id="settings-quiet-start" testId="settings-quiet-start" />
                    <TextField label="Until" type="time" value={form.quietEnd} onValue={(v) => set('quietEnd', v)} error={err('quietEnd')} hint="An end before the start runs past midnight." id="settings-quiet-end" testId="settings-quiet-end" />
                    <SelectField
                      class="sm:col-span-2"
                      label="Time zone"
                      value={form.timezone}
                      options={zones()}
                      onChange={(v) => set('timezone', v)}
                      error={err('timezone')}
                      hint={quietNow() ? `It is ${quietNow()} there now. The hours follow its clock, summer time included.` : undefined}
                      id="settings-timezone"
                      testId="settings-timezone"
                    />
                  </div>
                </FormSection>
              </fieldset>

              <div class="flex flex-wrap items-center gap-2 rounded-b-xl border-t bg-surface-2 px-5 py-3.5">
                <Button variant="primary" type="submit" busy={saving()} disabled={!canEdit()} testId="settings-save">
                  Save settings
                </Button>
                <Button variant="ghost" disabled={!canEdit()} onClick={() => (setForm(reconcile(defaultSettingsForm())), setSavedAt(undefined), setFromServer(reconcile({})))} testId="settings-defaults">
                  Use the defaults
                </Button>
                <Show when={submitted() && problems() > 0}>
                  <span class="text-xs text-crit" data-testid="settings-problems">
                    {problems() === 1 ? '1 field needs a look' : `${problems()} fields need a look`}
                  </span>
                </Show>
                <Show when={savedAt()}>
                  <span class="text-xs text-ok" role="status" data-testid="settings-saved">
                    Saved. The next notifications follow these settings.
                  </span>
                </Show>
              </div>
              <Show when={saveError()}>
                <div class="px-5 pb-4">
                  <Banner tone="crit" title="Not saved" testId="settings-save-error">
                    {saveError()}
                  </Banner>
                </div>
              </Show>
            </form>
          </div>
        </Match>
      </Switch>
    </div>
  );
}
