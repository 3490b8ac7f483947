import { channelTypes, type ChannelType, type Severity } from '@pulse/protocol';
import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import Send from 'lucide-solid/icons/send';
import X from 'lucide-solid/icons/x';
import { ApiRequestError } from '../../lib/api';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Checkbox } from '../../ui/Checkbox';
import { SelectField } from '../../ui/SelectField';
import { TextArea } from '../../ui/TextArea';
import { TextField } from '../../ui/TextField';
import type { AlertsApi, Channel, TestOutcome } from './alerts-api';
import { ChannelIcon } from './cells';
import {
  CHANNEL_FIELDS, CHANNEL_LABEL, channelBodyOf, channelFormOf, channelServerErrors, emptyChannelForm, MASKED, switchType, validateChannel, type ChannelForm as Form, type ConfigField,
} from './channel-fields';

const SEVERITY_OPTIONS: { value: Severity; label: string }[] = [
  { value: 'info', label: 'Everything (info and up)' },
  { value: 'warning', label: 'Warning and critical' },
  { value: 'critical', label: 'Critical only' },
];

function Section(props: { title: string; hint?: string; children: JSX.Element }) {
  return (
    <div class="grid gap-x-8 gap-y-3 border-t pt-5 first:border-t-0 first:pt-0 lg:grid-cols-[200px_minmax(0,1fr)]">
      <div>
        <h3 class="text-[13px] font-semibold text-fg">{props.title}</h3>
        <Show when={props.hint}>
          <p class="mt-1 text-xs leading-relaxed text-muted">{props.hint}</p>
        </Show>
      </div>
      <div class="min-w-0 space-y-4">{props.children}</div>
    </div>
  );
}

/** The outcome of Send test, in the form and on the list. */
export function TestResultBanner(props: { result: TestOutcome; testId?: string }) {
  return (
    <Show
      when={props.result.ok}
      fallback={
        <Banner tone="crit" title="The test did not go through" testId={props.testId}>
          {props.result.error ?? 'The server gave no reason.'}
        </Banner>
      }
    >
      <Banner tone="ok" title="Test sent" testId={props.testId}>
        The receiving side accepted it. If it does not show up there, look at its filters (or the spam folder, for email).
      </Banner>
    </Show>
  );
}

/** The add / edit form of a notification channel: its type's settings, its routing, a test before saving. */
export function ChannelForm(props: { api: AlertsApi; editing?: Channel; initialType?: ChannelType; onClose: () => void; onSaved: () => void }) {
  const initial = props.editing ? channelFormOf(props.editing) : emptyChannelForm(props.initialType);
  const [form, setForm] = createStore<Form>(structuredClone(initial));
  const editing = () => props.editing !== undefined;
  const [showErrors, setShowErrors] = createSignal(false);
  const [fromServer, setFromServer] = createSignal<Record<string, string>>({});
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [testing, setTesting] = createSignal(false);
  const [tested, setTested] = createSignal<TestOutcome>();
  const errors = createMemo(() => validateChannel(form));
  const shown = (key: string) => fromServer()[key] ?? (showErrors() ? errors()[key] : undefined);
  const dirty = () => JSON.stringify(channelBodyOf(form)) !== JSON.stringify(channelBodyOf(initial));
  const change = (fn: () => void, key: string) => {
    fn();
    setTested(undefined);
    if (fromServer()[key]) setFromServer(({ [key]: _, ...rest }) => rest);
  };
  const setConfig = (key: string, v: string) => change(() => setForm('config', key, v), `config.${key}`);

  const test = async () => {
    setShowErrors(true);
    setTested(undefined);
    // An unchanged stored channel is tested as stored; edited settings go as they are, with the
    // channel's id so the server fills in the secrets the form holds masked.
    const stored = editing() && !dirty();
    if (!stored && Object.keys(errors()).length) return;
    setTesting(true);
    try {
      setTested(await props.api.channels.test(stored ? { id: props.editing!.id } : { ...channelBodyOf(form), ...(editing() ? { id: props.editing!.id } : {}) }));
    } catch (err) {
      setTested({ ok: false, error: (err as Error).message });
    } finally {
      setTesting(false);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    setSaveError(undefined);
    setFromServer({});
    if (Object.keys(errors()).length) return;
    setSaving(true);
    try {
      const body = channelBodyOf(form);
      if (editing()) await props.api.channels.update(props.editing!.id, body);
      else await props.api.channels.create(body);
      props.onSaved();
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'validation.failed') {
        const mapped = channelServerErrors(err.message);
        setFromServer(mapped);
        if (mapped['form']) setSaveError(mapped['form']);
      } else setSaveError((err as Error).message || 'The server did not answer.');
    } finally {
      setSaving(false);
    }
  };

  const field = (f: ConfigField) => {
    const id = `channel-${f.key}`;
    const value = () => form.config[f.key] ?? '';
    const hint = () => (f.secret && value() === MASKED ? 'Stored encrypted; leave as is to keep it.' : f.hint);
    return (
      <Switch>
        <Match when={f.kind === 'select'}>
          <SelectField label={f.label} value={value()} options={f.options ?? []} onChange={(v) => setConfig(f.key, v)} error={shown(`config.${f.key}`)} hint={hint()} id={id} testId={id} />
        </Match>
        <Match when={f.kind === 'checkbox'}>
          <div class="sm:pt-7">
            <Checkbox label={f.label} hint={f.hint} checked={value() === 'true'} onChange={(v) => setConfig(f.key, v ? 'true' : '')} testId={id} />
          </div>
        </Match>
        <Match when={f.kind === 'textarea' || f.kind === 'headers'}>
          <TextArea label={f.label} rows={f.kind === 'headers' ? 2 : 4} value={value()} placeholder={f.placeholder} onValue={(v) => setConfig(f.key, v)} error={shown(`config.${f.key}`)} hint={hint()} id={id} testId={id} spellcheck={false} />
        </Match>
        <Match when={true}>
          <TextField
            label={f.required ? f.label : `${f.label}`}
            type={f.secret ? 'password' : f.kind === 'number' ? 'number' : f.kind === 'url' ? 'url' : 'text'}
            autocomplete={f.secret ? 'new-password' : 'off'}
            spellcheck={false}
            value={value()}
            placeholder={f.placeholder}
            onValue={(v) => setConfig(f.key, v)}
            onFocus={(e) => f.secret && value() === MASKED && e.currentTarget.select()}
            error={shown(`config.${f.key}`)}
            hint={hint()}
            id={id}
            testId={id}
          />
        </Match>
      </Switch>
    );
  };

  return (
    <section class="rounded-xl border bg-surface shadow-card" data-testid="channel-form" data-type={form.type}>
      <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
        <h2 class="text-[13px] font-semibold text-fg">{editing() ? `Edit ${props.editing!.name}` : 'Add a channel'}</h2>
        <span class="text-xs text-faint">Where Pulse sends alerts</span>
        <div class="ml-auto">
          <IconButton label="Close" onClick={props.onClose} testId="channel-form-close">
            <X size={15} />
          </IconButton>
        </div>
      </header>
      <form onSubmit={(e) => void save(e)} novalidate>
        <div class="space-y-5 p-5">
          <Section title="Channel" hint={editing() ? `A ${CHANNEL_LABEL[form.type]} channel.` : 'The service to send to, and a name to pick it by in rules.'}>
            <Show when={!editing()}>
              <div class="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-4" role="radiogroup" aria-label="Channel type" data-testid="channel-type">
                <For each={channelTypes}>
                  {(t) => (
                    <button
                      type="button"
                      role="radio"
                      aria-checked={form.type === t}
                      data-value={t}
                      class="flex h-10 items-center gap-2 rounded-lg border px-3 text-left text-[13px] font-medium transition-colors"
                      classList={{ 'border-accent bg-accent-soft text-fg ring-1 ring-accent': form.type === t, 'text-muted hover:bg-surface-2 hover:text-fg': form.type !== t }}
                      onClick={() => change(() => setForm(produce((f) => Object.assign(f, switchType(f, t)))), 'type')}
                    >
                      <span classList={{ 'text-accent': form.type === t }}>
                        <ChannelIcon type={t} size={15} />
                      </span>
                      <span class="truncate">{CHANNEL_LABEL[t]}</span>
                    </button>
                  )}
                </For>
              </div>
            </Show>
            <TextField
              label="Name"
              value={form.name}
              placeholder={`${CHANNEL_LABEL[form.type]} for the on-call team`}
              onValue={(v) => change(() => setForm('name', v), 'name')}
              error={shown('name')}
              id="channel-name"
              testId="channel-name"
            />
          </Section>
          <Section title={`${CHANNEL_LABEL[form.type]} settings`} hint="Secrets are stored encrypted and never shown again; leave a masked one as it is to keep it.">
            <div class="grid gap-4 sm:grid-cols-2">
              <For each={CHANNEL_FIELDS[form.type]}>{(f) => <div classList={{ 'sm:col-span-2': !f.half }}>{field(f)}</div>}</For>
            </div>
          </Section>
          <Section title="Default routing" hint="For rules that name no channels: alerts of at least this severity and, if tags are given, about resources with one of them.">
            <div class="grid gap-4 sm:grid-cols-2">
              <SelectField label="Minimum severity" value={form.minSeverity} options={SEVERITY_OPTIONS} onChange={(v) => change(() => setForm('minSeverity', v as Severity), 'minSeverity')} id="channel-min-severity" testId="channel-min-severity" />
              <TextField label="Tags" value={form.tags} placeholder="production, ha" hint="Optional, separated by commas." onValue={(v) => change(() => setForm('tags', v), 'tags')} error={shown('tags')} id="channel-tags" testId="channel-tags" />
              <Checkbox label="Send resolved" hint="Also say when an alert clears." checked={form.sendResolved} onChange={(v) => change(() => setForm('sendResolved', v), 'sendResolved')} testId="channel-send-resolved" />
              <Checkbox label="Enabled" hint="A disabled channel keeps its settings but sends nothing." checked={form.enabled} onChange={(v) => change(() => setForm('enabled', v), 'enabled')} testId="channel-enabled" />
            </div>
          </Section>
          <Show when={tested()}>
            {(t) => (
              <TestResultBanner result={t()} testId="channel-test-result" />
            )}
          </Show>
          <Show when={saveError()}>
            <Banner tone="crit" title="Not saved" testId="channel-save-error">
              {saveError()}
            </Banner>
          </Show>
        </div>
        <div class="flex flex-wrap items-center gap-2 border-t bg-surface-2 px-5 py-3.5">
          <Button variant="primary" type="submit" busy={saving()} testId="channel-save">
            {editing() ? 'Save changes' : 'Add channel'}
          </Button>
          <Button onClick={() => void test()} busy={testing()} testId="channel-test">
            <Send size={14} />
            Send test
          </Button>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Show when={showErrors() && Object.keys(errors()).length}>
            <span class="text-xs text-crit" data-testid="channel-form-problems">
              {Object.keys(errors()).length === 1 ? '1 field needs a look' : `${Object.keys(errors()).length} fields need a look`}
            </span>
          </Show>
        </div>
      </form>
    </section>
  );
}
