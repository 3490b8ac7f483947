import { resourceTypes, type AlertRule, type ResourceType, type Severity } from '@pulse/protocol';
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import { ApiRequestError } from '../../lib/api';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Checkbox } from '../../ui/Checkbox';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Spinner } from '../../ui/Spinner';
import { TextField } from '../../ui/TextField';
import { ToggleChips } from '../../ui/ToggleChips';
import { useResources } from '../infrastructure/store';
import { isMissingEndpoint, type Channel } from './alerts-api';
import { FormSection as Section } from './FormSection';
import { ChannelPicker, DurationField, ResourcePicker } from './pickers';
import {
  CONDITION_KINDS, emptyRuleForm, hysteresisHint, metricsSeen, ruleBodyOf, ruleFormOf, ruleServerErrors, secondsOf, STATUS_VALUES, suggestMetrics, validateRule, type FieldErrors, type RuleForm,
} from './rule-form';
import { TYPE_LABEL } from './rules-data';
import { useAlerts } from './store';

const SEVERITIES: { value: Severity; label: string }[] = [
  { value: 'info', label: 'Info' },
  { value: 'warning', label: 'Warning' },
  { value: 'critical', label: 'Critical' },
];

/** `/alerts/rules/new` and `/alerts/rules/:id`. */
export default function RuleFormPage() {
  const params = useParams<{ id?: string }>();
  const editingId = () => (params.id ? decodeURIComponent(params.id) : undefined);
  const store = useAlerts();
  const resources = useResources();
  const navigate = useNavigate();
  const [form, setForm] = createStore<RuleForm>(emptyRuleForm());
  const [editing, setEditing] = createSignal<AlertRule>();
  const [loading, setLoading] = createSignal(false);
  const [loadError, setLoadError] = createSignal<string>();
  const [submitted, setSubmitted] = createSignal(false);
  const [touched, setTouched] = createStore<Record<string, boolean>>({});
  const [fromServer, setFromServer] = createStore<FieldErrors>({});
  const [suggested, setSuggested] = createSignal<string[]>([]);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const builtIn = () => editing()?.builtIn === true;
  usePageTitle(() => (editingId() ? `Edit ${editing()?.name ?? 'rule'}` : 'New alert rule'));
  const channels = createPoll((signal) => store.api.channels.list(signal).catch(() => [] as Channel[]), 60_000);

  createEffect(
    on(editingId, async (id) => {
      if (!id) return;
      setLoading(true);
      try {
        const r = await store.api.rules.get(id);
        setEditing(r);
        setForm(reconcile(ruleFormOf(r)));
      } catch (err) {
        setLoadError(isMissingEndpoint(err) ? 'This server has no alerts API yet, so rules cannot be edited here.' : (err as Error).message);
      } finally {
        setLoading(false);
      }
    }),
  );

  const known = createMemo(() => {
    resources.revision();
    return metricsSeen(resources.raw(), form.types);
  });
  const errors = () => validateRule(form);
  const err = (key: string) => fromServer[key] ?? (submitted() || touched[key] ? errors()[key] : undefined);
  const clearServer = (key: string) => fromServer[key] && setFromServer(produce((e) => delete e[key]));
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => {
    setForm(key, value);
    clearServer(key);
    clearServer('form');
    if (key === 'metric') setSuggested([]);
  };
  const text = (key: keyof RuleForm & string, label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={label}
      value={String(form[key])}
      onValue={(v) => set(key, v as never)}
      onBlur={() => setTouched(key, true)}
      error={err(key)}
      id={`rule-${key}`}
      testId={`rule-${key}`}
      {...extra}
    />
  );
  const metricHint = () => {
    const m = form.metric.trim();
    if (m && known().length && !known().includes(m)) return 'No resource of these types reports this metric yet; the server accepts only metrics it has seen.';
    const who = form.types.length ? form.types.map((t) => TYPE_LABEL[t]).join(', ') : 'resources';
    if (!known().length) return `No ${who} report metrics yet; the server accepts only metrics some resource has reported.`;
    return `${known().length} metrics reported by ${who}; type to pick one.`;
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setSaveError(undefined);
    setFromServer(reconcile({}));
    if (Object.keys(errors()).length) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setSaving(true);
    try {
      const body = ruleBodyOf(form);
      if (editingId()) await store.api.rules.update(editingId()!, body);
      else await store.api.rules.create(body);
      navigate('/alerts/rules');
    } catch (error) {
      if (error instanceof ApiRequestError && (error.code === 'validation.failed' || error.code === 'alert.unknown_metric' || error.code === 'rule.name_taken')) {
        const mapped = ruleServerErrors(error.code, error.message, form);
        setFromServer(reconcile(mapped));
        if (error.code === 'alert.unknown_metric') setSuggested(suggestMetrics(error.message, form.metric, metricsSeen(resources.raw(), [])));
        if (mapped['form']) setSaveError(mapped['form']);
      } else if (isMissingEndpoint(error)) setSaveError('This server has no alerts API yet: nothing was saved.');
      else setSaveError((error as Error).message || 'The server did not answer.');
    } finally {
      setSaving(false);
    }
  };

  const fieldCount = () => Object.keys(errors()).length;
  const t = () => Number(form.trigger);
  const c = () => Number(form.clear);
  const hasNum = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

  return (
    <div class="mx-auto max-w-[1040px] space-y-5 pb-10" data-testid="rule-form-page">
      <header>
        <nav class="mb-3 flex items-center gap-1.5 text-xs text-muted" aria-label="Breadcrumb">
          <A href="/alerts" class="hover:text-fg">
            Alerts
          </A>
          <ChevronRight size={12} class="text-faint" />
          <A href="/alerts/rules" class="hover:text-fg">
            Rules
          </A>
          <ChevronRight size={12} class="text-faint" />
          <span class="text-fg">{editingId() ? editing()?.name ?? 'Edit' : 'New rule'}</span>
        </nav>
        <h1 class="text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg">{editingId() ? `Edit ${editing()?.name ?? ''}` : 'New alert rule'}</h1>
      </header>
      <Switch>
        <Match when={loading()}>
          <div class="flex h-64 items-center justify-center text-faint">
            <Spinner />
          </div>
        </Match>
        <Match when={loadError()}>
          <Banner tone="crit" title="Could not load the rule">
            {loadError()}
          </Banner>
        </Match>
        <Match when={true}>
          <Show when={builtIn()}>
            <Banner tone="info" title="A built-in rule" testId="rule-builtin-note">
              Its thresholds, timing, targets and channels can be changed and it can be switched off; its name and kind stay, and it cannot be deleted.
            </Banner>
          </Show>
          <form class="rounded-xl border bg-surface shadow-card" onSubmit={(e) => void save(e)} novalidate data-testid="rule-form" data-kind={form.kind}>
            <Section title="Rule" hint="The name shows on every alert and notification it makes.">
              <Show
                when={builtIn()}
                fallback={text('name', 'Name', { placeholder: 'Disk filling up on databases' })}
              >
                <div>
                  <div class="mb-1.5 text-[13px] font-medium text-fg">Name</div>
                  <div class="flex h-10 items-center rounded-lg border border-dashed bg-surface-2 px-3 text-sm text-muted" data-testid="rule-name-fixed">
                    {form.name}
                  </div>
                </div>
              </Show>
              <div class="flex flex-wrap items-end gap-6">
                <div>
                  <div class="mb-1.5 text-[13px] font-medium text-fg">Severity</div>
                  <SegmentedControl label="Severity" options={SEVERITIES} value={form.severity} onChange={(v) => set('severity', v as Severity)} testId="rule-severity" />
                </div>
                <div class="pb-1.5">
                  <Checkbox label="Enabled" checked={form.enabled} onChange={(v) => set('enabled', v)} testId="rule-enabled-input" />
                </div>
              </div>
            </Section>

            <Section title="Applies to" hint="Resources that match every part given. Leave all empty for everything.">
              <div>
                <div class="mb-1.5 text-[13px] font-medium text-fg">Types</div>
                <ToggleChips
                  label="Resource types"
                  options={resourceTypes.map((x) => ({ value: x, label: TYPE_LABEL[x] }))}
                  value={form.types}
                  onChange={(v) => set('types', v as ResourceType[])}
                  testId="rule-types"
                />
                <Show when={err('types')}>
                  <p class="mt-1.5 text-xs text-crit">{err('types')}</p>
                </Show>
              </div>
              {text('tags', 'Tags', { placeholder: 'production, ha', hint: 'Optional, separated by commas: only resources with all of these tags.' })}
              <div>
                <div class="mb-1.5 text-[13px] font-medium text-fg">Resources</div>
                <ResourcePicker value={form.resourceIds} onChange={(v) => set('resourceIds', v)} types={form.types} testId="rule-resources" />
                <p class="mt-1.5 text-xs text-muted">Optional: only these resources.</p>
              </div>
            </Section>

            <Section title="Condition" hint="When a matching resource is in trouble.">
              <div class="grid grid-cols-2 gap-2 sm:grid-cols-5" role="radiogroup" aria-label="Condition kind" data-testid="rule-kind">
                <For each={CONDITION_KINDS}>
                  {(k) => (
                    <button
                      type="button"
                      role="radio"
                      aria-checked={form.kind === k.value}
                      data-value={k.value}
                      disabled={builtIn() && form.kind !== k.value}
                      class="flex flex-col items-start gap-1 rounded-lg border p-3 text-left transition-colors disabled:cursor-not-allowed disabled:opacity-45"
                      classList={{ 'border-accent bg-accent-soft ring-1 ring-accent': form.kind === k.value, 'hover:bg-surface-2': form.kind !== k.value }}
                      onClick={() => set('kind', k.value)}
                    >
                      <span class="text-[13px] font-semibold text-fg">{k.label}</span>
                      <span class="text-[11.5px] leading-snug text-muted">{k.hint}</span>
                    </button>
                  )}
                </For>
              </div>
              <datalist id="rule-metrics">
                <For each={known()}>{(m) => <option value={m} />}</For>
              </datalist>
              <Switch>
                <Match when={form.kind === 'threshold'}>
                  <div class="grid gap-4 sm:grid-cols-[minmax(0,1.4fr)_auto]">
                    {text('metric', 'Metric', { list: 'rule-metrics', placeholder: 'cpu, mem.percent, disk.percent…', spellcheck: false, autocomplete: 'off', hint: metricHint() })}
                    <div>
                      <div class="mb-1.5 text-[13px] font-medium text-fg">Fires when it is</div>
                      <SegmentedControl
                        label="Direction"
                        options={[
                          { value: '>', label: 'Above' },
                          { value: '<', label: 'Below' },
                        ]}
                        value={form.op}
                        onChange={(v) => set('op', v as '>' | '<')}
                        testId="rule-op"
                      />
                    </div>
                  </div>
                  <Show when={suggested().length}>
                    <div class="flex flex-wrap items-center gap-1.5 text-xs text-muted" data-testid="rule-metric-suggestions">
                      Did you mean
                      <For each={suggested()}>
                        {(m) => (
                          <button type="button" class="rounded-md border bg-surface-2 px-2 py-0.5 font-mono text-[11.5px] text-fg hover:border-accent" onClick={() => set('metric', m)}>
                            {m}
                          </button>
                        )}
                      </For>
                    </div>
                  </Show>
                  <div class="grid gap-4 sm:grid-cols-2">
                    {text('trigger', 'Trigger', { type: 'number', step: 'any', placeholder: '90', inputMode: 'decimal' })}
                    {text('clear', 'Clear', { type: 'number', step: 'any', placeholder: '80', inputMode: 'decimal' })}
                  </div>
                  <div class="rounded-lg border bg-surface-2 px-3.5 py-3 text-xs leading-relaxed text-muted" data-testid="rule-hysteresis">
                    <span class="font-medium text-fg">Hysteresis. </span>
                    {hysteresisHint(form.op, hasNum(form.trigger) ? t() : Number.NaN, hasNum(form.clear) ? c() : Number.NaN)} Two levels keep a value that hovers near the
                    trigger from firing and clearing over and over.
                  </div>
                </Match>
                <Match when={form.kind === 'status'}>
                  <div>
                    <div class="mb-1.5 text-[13px] font-medium text-fg">Status is any of</div>
                    <ToggleChips label="Statuses" options={STATUS_VALUES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) }))} value={form.statuses} onChange={(v) => set('statuses', v)} testId="rule-statuses" />
                    <Show when={err('statuses')}>
                      <p class="mt-1.5 text-xs text-crit">{err('statuses')}</p>
                    </Show>
                  </div>
                </Match>
                <Match when={form.kind === 'detail'}>
                  <div class="grid gap-4 sm:grid-cols-2">
                    {text('path', 'Detail', { placeholder: 'health or lastBackup.status', spellcheck: false, hint: 'A path into what the resource reports.' })}
                    {text('values', 'Equals any of', { placeholder: 'unhealthy, failed', hint: 'Separated by commas; true, false and numbers match as such.' })}
                  </div>
                </Match>
                <Match when={form.kind === 'age'}>
                  <div class="grid gap-4 sm:grid-cols-2">
                    {text('path', 'Timestamp', { placeholder: 'lastBackup.time', spellcheck: false, hint: 'A metric or detail holding a time (ms).' })}
                    <DurationField label="Older than" value={form.maxAge} onChange={(v) => set('maxAge', v)} error={err('maxAge')} id="rule-maxAge" testId="rule-maxAge" />
                  </div>
                  <Checkbox label="Fire when it is missing" hint="E.g. a guest that was never backed up." checked={form.missingFires} onChange={(v) => set('missingFires', v)} testId="rule-missing-fires" />
                </Match>
                <Match when={form.kind === 'increase'}>
                  <div class="grid gap-4 sm:grid-cols-3">
                    {text('metric', 'Counter', { list: 'rule-metrics', placeholder: 'restarts', spellcheck: false, autocomplete: 'off', hint: metricHint() })}
                    {text('increase', 'Grows by at least', { type: 'number', step: 'any', min: '0' })}
                    <DurationField label="Within" value={form.window} onChange={(v) => set('window', v)} error={err('window')} id="rule-window" testId="rule-window" />
                  </div>
                  <Show when={suggested().length}>
                    <div class="flex flex-wrap items-center gap-1.5 text-xs text-muted" data-testid="rule-metric-suggestions">
                      Did you mean
                      <For each={suggested()}>
                        {(m) => (
                          <button type="button" class="rounded-md border bg-surface-2 px-2 py-0.5 font-mono text-[11.5px] text-fg hover:border-accent" onClick={() => set('metric', m)}>
                            {m}
                          </button>
                        )}
                      </For>
                    </div>
                  </Show>
                </Match>
              </Switch>
            </Section>

            <Section title="Timing" hint="Pending first, firing once the condition has held this long; reminders while nobody acknowledges.">
              <div class="grid gap-4 sm:grid-cols-2">
                <DurationField label="Fire after it holds for" value={form.forDuration} onChange={(v) => set('forDuration', v)} error={err('forDuration')} hint="0 fires at once." id="rule-for" testId="rule-for" />
                <DurationField label="Remind every" value={form.renotify} onChange={(v) => set('renotify', v)} error={err('renotify')} hint="While firing and unacknowledged; 0 never reminds." id="rule-renotify" testId="rule-renotify" />
              </div>
            </Section>

            <Section title="Notifications" hint="Leave channels unticked to use the default routing: every channel whose minimum severity and tags fit.">
              <div>
                <div class="mb-1.5 text-[13px] font-medium text-fg">Send to</div>
                <ChannelPicker channels={channels.value() ?? []} value={form.channels} onChange={(v) => set('channels', v)} empty="No channels yet: add one under Channels; until then alerts only show in the dashboard." testId="rule-channels" />
              </div>
              <div class="grid gap-4 sm:grid-cols-[minmax(0,260px)_minmax(0,1fr)]">
                <DurationField label="Escalate after" value={form.escalateAfter} onChange={(v) => set('escalateAfter', v)} error={err('escalateAfter')} hint="Unacknowledged this long; 0 never escalates." id="rule-escalate" testId="rule-escalate" />
                <Show when={secondsOf(form.escalateAfter) > 0}>
                  <div>
                    <div class="mb-1.5 text-[13px] font-medium text-fg">Escalate to</div>
                    <ChannelPicker channels={channels.value() ?? []} value={form.escalateTo} onChange={(v) => set('escalateTo', v)} empty="No channels to escalate to yet." testId="rule-escalate-to" />
                    <Show when={err('escalateTo')}>
                      <p class="mt-1.5 text-xs text-crit">{err('escalateTo')}</p>
                    </Show>
                  </div>
                </Show>
              </div>
            </Section>

            <div class="flex flex-wrap items-center gap-2 border-t bg-surface-2 px-5 py-3.5">
              <Button variant="primary" type="submit" busy={saving()} testId="rule-save">
                {editingId() ? 'Save changes' : 'Create rule'}
              </Button>
              <Button variant="ghost" onClick={() => navigate('/alerts/rules')}>
                Cancel
              </Button>
              <Show when={submitted() && fieldCount() > 0}>
                <span class="text-xs text-crit" data-testid="rule-form-problems">
                  {fieldCount() === 1 ? '1 field needs a look' : `${fieldCount()} fields need a look`}
                </span>
              </Show>
            </div>
            <Show when={saveError()}>
              <div class="px-5 pb-4">
                <Banner tone="crit" title="Not saved" testId="rule-save-error">
                  {saveError()}
                </Banner>
              </div>
            </Show>
          </form>
        </Match>
      </Switch>
    </div>
  );
}
