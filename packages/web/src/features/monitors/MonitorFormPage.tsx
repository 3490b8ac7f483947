import { monitorTypes, dnsRecordTypes, type MonitorType } from '@pulse/protocol';
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createSignal, For, Index, Match, on, Show, Switch, type JSX } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import Plus from 'lucide-solid/icons/plus';
import X from 'lucide-solid/icons/x';
import { ApiRequestError } from '../../lib/api';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Checkbox } from '../../ui/Checkbox';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { SelectField } from '../../ui/SelectField';
import { Spinner } from '../../ui/Spinner';
import { TextArea } from '../../ui/TextArea';
import { TextField } from '../../ui/TextField';
import { MonitorTypeIcon } from './cells';
import {
  bodyOf, emptyForm, formOf, HTTP_METHODS, JSON_OPS, MASKED, serverErrors, validate, type FieldErrors, type MonitorForm,
} from './monitor-form';
import { monitorHref, typeLabel, type MonitorView } from './monitor-model';
import { isMissingEndpoint } from './monitors-api';
import { PushInstructions } from './PushInstructions';
import { useMonitorsApi } from './use-monitors-api';

const TYPE_HINTS: Record<MonitorType, string> = {
  http: 'A website or API answers with the right status and content',
  tcp: 'A port accepts connections',
  dns: 'A name resolves, optionally to the right answer',
  ping: 'A host answers ICMP echo',
  push: 'A job or script reports in on time',
};

const graceOf = (m: MonitorView) => (m.type === 'push' ? m.graceS : undefined);

function Section(props: { title: string; hint?: string; children: JSX.Element; testId?: string }) {
  return (
    <div class="grid gap-x-8 gap-y-3 border-t px-5 py-5 first:border-t-0 lg:grid-cols-[220px_minmax(0,1fr)]" data-testid={props.testId}>
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

/** `/uptime/new` and `/uptime/:id/edit`. */
export default function MonitorFormPage() {
  const params = useParams<{ id?: string }>();
  const editingId = () => (params.id ? decodeURIComponent(params.id) : undefined);
  const api = useMonitorsApi();
  const navigate = useNavigate();
  const [form, setForm] = createStore<MonitorForm>(emptyForm());
  const [editing, setEditing] = createSignal<MonitorView>();
  const [loadError, setLoadError] = createSignal<string>();
  const [loading, setLoading] = createSignal(false);
  const [touched, setTouched] = createStore<Record<string, boolean>>({});
  const [submitted, setSubmitted] = createSignal(false);
  const [fromServer, setFromServer] = createStore<FieldErrors>({});
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [saved, setSaved] = createSignal<MonitorView>();
  usePageTitle(() => (editingId() ? `Edit ${editing()?.name ?? 'monitor'}` : 'New monitor'));

  createEffect(
    on(editingId, async (id) => {
      if (!id) return;
      setLoading(true);
      try {
        const m = await api.get(id);
        setEditing(m);
        setForm(reconcile(formOf(m)));
      } catch (err) {
        setLoadError(isMissingEndpoint(err) ? 'This server has no monitors API yet, so monitors cannot be edited here.' : (err as Error).message);
      } finally {
        setLoading(false);
      }
    }),
  );

  const errors = () => validate(form);
  /** The message beside a field: the server's until the field changes, else the form's own once it was left or a save was tried. */
  const err = (key: string) => fromServer[key] ?? (submitted() || touched[key] ? errors()[key] : undefined);
  const touch = (key: string) => () => setTouched(key, true);
  const clearServer = (key: string) => fromServer[key] && setFromServer(produce((e) => delete e[key]));
  const set = <K extends keyof MonitorForm>(key: K, value: MonitorForm[K]) => {
    setForm(key, value);
    clearServer(key);
    clearServer('form');
  };
  const text = (key: keyof MonitorForm & string, label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={label}
      value={String(form[key])}
      onValue={(v) => set(key, v as never)}
      onBlur={touch(key)}
      error={err(key)}
      id={`monitor-${key}`}
      testId={`monitor-${key}`}
      {...extra}
    />
  );

  const save = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setSaveError(undefined);
    setFromServer(reconcile({}));
    if (Object.keys(errors()).length > 0) {
      // Bring the first problem into view.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setSaving(true);
    try {
      const body = bodyOf(form);
      const result = editingId() ? await api.update(editingId()!, body) : await api.create(body);
      if (result.type === 'push' && !editingId()) setSaved(result);
      else navigate(monitorHref(result.id));
    } catch (err) {
      if (err instanceof ApiRequestError && (err.code === 'validation.failed' || err.code === 'monitor.name_taken')) {
        const mapped = serverErrors(err.code, err.message, form);
        setFromServer(reconcile(mapped));
        if (mapped['form']) setSaveError(mapped['form']);
      } else if (isMissingEndpoint(err)) setSaveError('This server has no monitors API yet: nothing was saved.');
      else setSaveError((err as Error).message || 'The server did not answer.');
    } finally {
      setSaving(false);
    }
  };

  const httpBody = () => form.method !== 'GET' && form.method !== 'HEAD';
  const fieldCount = () => Object.keys(errors()).length;

  return (
    <div class="mx-auto max-w-[1040px] space-y-5 pb-10" data-testid="monitor-form-page">
      <header>
        <nav class="mb-3 flex items-center gap-1.5 text-xs text-muted" aria-label="Breadcrumb">
          <A href="/uptime" class="hover:text-fg">
            Monitors
          </A>
          <ChevronRight size={12} class="text-faint" />
          <Show when={editingId()}>
            <A href={monitorHref(editingId()!)} class="truncate hover:text-fg">
              {editing()?.name ?? editingId()}
            </A>
            <ChevronRight size={12} class="text-faint" />
          </Show>
          <span class="text-fg">{editingId() ? 'Edit' : 'New monitor'}</span>
        </nav>
        <h1 class="text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg">{editingId() ? `Edit ${editing()?.name ?? ''}` : 'New monitor'}</h1>
      </header>

      <Switch>
        <Match when={saved()}>
          {(m) => (
            <section class="space-y-4 rounded-xl border bg-surface p-5 shadow-card" data-testid="monitor-push-saved">
              <Banner tone="ok" title={`${m().name} is saved`}>
                It is pending until the first push arrives, and down if none comes within {m().intervalS ?? 60} s{graceOf(m()) ? ` (+${graceOf(m())} s grace)` : ''}.
              </Banner>
              <Show when={m().pushUrl} fallback={<p class="text-[13px] text-muted">The server did not send a push URL; it is on the monitor's page.</p>}>
                <PushInstructions url={m().pushUrl!} />
              </Show>
              <div class="flex gap-2">
                <Button variant="primary" onClick={() => navigate(monitorHref(m().id))} testId="monitor-push-open">
                  Open the monitor
                </Button>
                <Button onClick={() => navigate('/uptime')}>Back to Monitors</Button>
              </div>
            </section>
          )}
        </Match>
        <Match when={loading()}>
          <div class="flex h-64 items-center justify-center text-faint">
            <Spinner />
          </div>
        </Match>
        <Match when={loadError()}>
          <Banner tone="crit" title="Could not load the monitor">
            {loadError()}
          </Banner>
        </Match>
        <Match when={true}>
          <form class="rounded-xl border bg-surface shadow-card" onSubmit={(e) => void save(e)} novalidate data-testid="monitor-form" data-type={form.type}>
            <Section title="Type" hint={editingId() ? 'Changing the type keeps the name, schedule and history.' : 'What to check.'}>
              <div class="grid grid-cols-2 gap-2 sm:grid-cols-5" role="radiogroup" aria-label="Monitor type" data-testid="monitor-type">
                <For each={monitorTypes}>
                  {(t) => (
                    <button
                      type="button"
                      role="radio"
                      aria-checked={form.type === t}
                      data-value={t}
                      class="flex flex-col items-start gap-1.5 rounded-lg border p-3 text-left transition-colors"
                      classList={{ 'border-accent bg-accent-soft ring-1 ring-accent': form.type === t, 'hover:bg-surface-2': form.type !== t }}
                      onClick={() => set('type', t)}
                    >
                      <span class="flex items-center gap-2 text-[13px] font-semibold text-fg">
                        <span classList={{ 'text-accent': form.type === t, 'text-muted': form.type !== t }}>
                          <MonitorTypeIcon type={t} size={15} />
                        </span>
                        {typeLabel[t]}
                      </span>
                      <span class="text-[11.5px] leading-snug text-muted">{TYPE_HINTS[t]}</span>
                    </button>
                  )}
                </For>
              </div>
            </Section>

            <Section title="Name and group" hint="The group sorts monitors on the list and on status pages.">
              {text('name', 'Name', { placeholder: 'Shop checkout API' })}
              <div class="grid gap-4 sm:grid-cols-2">
                {text('group', 'Group', { placeholder: 'Production', hint: 'Optional' })}
                {text('tags', 'Tags', { placeholder: 'shop, eu', hint: 'Optional, separated by commas' })}
              </div>
              <TextArea label="Description" rows={2} value={form.description} onValue={(v) => set('description', v)} error={err('description')} id="monitor-description" testId="monitor-description" hint="Optional: what it is and who to call." />
            </Section>

            <Switch>
              <Match when={form.type === 'http'}>
                <Section title="Request" hint="The address and how to ask for it.">
                  <div class="grid gap-4 sm:grid-cols-[130px_minmax(0,1fr)]">
                    <SelectField label="Method" value={form.method} options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} onChange={(v) => set('method', v)} id="monitor-method" testId="monitor-method" />
                    {text('url', 'URL', { placeholder: 'https://example.com/health', inputMode: 'url', autocomplete: 'off', spellcheck: false })}
                  </div>
                  <div>
                    <div class="mb-1.5 flex items-center justify-between">
                      <span class="text-[13px] font-medium text-fg">Headers</span>
                      <Button variant="ghost" class="h-7! px-2 text-xs!" onClick={() => set('headers', [...form.headers, { name: '', value: '' }])} testId="monitor-header-add">
                        <Plus size={13} />
                        Add header
                      </Button>
                    </div>
                    <Show when={form.headers.length} fallback={<p class="text-xs text-faint">No extra headers.</p>}>
                      <div class="space-y-2" data-testid="monitor-headers">
                        <Index each={form.headers}>
                          {(h, i) => (
                            <div class="grid grid-cols-[minmax(0,0.8fr)_minmax(0,1.2fr)_32px] items-start gap-2" data-testid="monitor-header-row">
                              <TextField label="Header name" class="[&>label]:sr-only" placeholder="X-Api-Key" value={h().name} onValue={(v) => { setForm('headers', i, 'name', v); clearServer(`headers.${i}.name`); }} onBlur={touch(`headers.${i}.name`)} error={err(`headers.${i}.name`)} id={`monitor-header-${i}-name`} testId={`monitor-header-${i}-name`} />
                              <TextField label="Header value" class="[&>label]:sr-only" placeholder="value" value={h().value} onValue={(v) => { setForm('headers', i, 'value', v); clearServer(`headers.${i}.value`); }} error={err(`headers.${i}.value`)} id={`monitor-header-${i}-value`} testId={`monitor-header-${i}-value`} />
                              <div class="pt-1">
                                <IconButton label="Remove header" onClick={() => set('headers', form.headers.filter((_, k) => k !== i))}>
                                  <X size={14} />
                                </IconButton>
                              </div>
                            </div>
                          )}
                        </Index>
                      </div>
                    </Show>
                    <Show when={err('headers')}>
                      <p class="mt-1.5 text-xs text-crit">{err('headers')}</p>
                    </Show>
                  </div>
                  <Show when={httpBody()}>
                    <TextArea label="Body" rows={4} value={form.body} onValue={(v) => set('body', v)} error={err('body')} id="monitor-body" testId="monitor-body" placeholder='{"ping": true}' hint="Sent as is; set Content-Type above." />
                  </Show>
                  <div>
                    <span class="mb-1.5 block text-[13px] font-medium text-fg">Authentication</span>
                    <SegmentedControl
                      label="Authentication"
                      options={[
                        { value: 'none', label: 'None' },
                        { value: 'basic', label: 'Basic' },
                        { value: 'bearer', label: 'Bearer token' },
                      ]}
                      value={form.authKind}
                      onChange={(v) => set('authKind', v as MonitorForm['authKind'])}
                      testId="monitor-auth"
                    />
                    <Show when={form.authKind === 'basic'}>
                      <div class="mt-3 grid gap-4 sm:grid-cols-2">
                        <TextField label="Username" value={form.username} onValue={(v) => set('username', v)} error={err('auth.username')} id="monitor-username" testId="monitor-username" autocomplete="off" />
                        <TextField label="Password" type="password" value={form.password} onValue={(v) => set('password', v)} error={err('auth.password')} id="monitor-password" testId="monitor-password" autocomplete="new-password" hint={form.password === MASKED ? 'Stored; type a new one to replace it.' : undefined} />
                      </div>
                    </Show>
                    <Show when={form.authKind === 'bearer'}>
                      <TextField class="mt-3" label="Token" type="password" value={form.token} onValue={(v) => set('token', v)} onBlur={touch('auth.token')} error={err('auth.token')} id="monitor-token" testId="monitor-token" autocomplete="off" hint={form.token === MASKED ? 'Stored; type a new one to replace it.' : 'Sent as Authorization: Bearer …'} />
                    </Show>
                  </div>
                </Section>

                <Section title="What counts as up" hint="Every condition must hold; the first that fails is the reason shown.">
                  {text('acceptedStatus', 'Accepted status codes', { placeholder: '200-299, 301', hint: 'Codes, ranges like 200-299, or 2xx; separated by commas.' })}
                  <div class="grid gap-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-end">
                    {text('keyword', 'Keyword', { placeholder: 'Welcome', hint: 'Optional: text the body must contain.' })}
                    <div class="flex flex-col gap-2 pb-6">
                      <Checkbox label="Must be absent" checked={form.keywordInvert} onChange={(v) => set('keywordInvert', v)} disabled={!form.keyword} testId="monitor-keyword-invert" />
                      <Checkbox label="Match case" checked={form.keywordCaseSensitive} onChange={(v) => set('keywordCaseSensitive', v)} disabled={!form.keyword} testId="monitor-keyword-case" />
                    </div>
                  </div>
                  <div>
                    <div class="mb-1.5 flex items-center justify-between">
                      <span class="text-[13px] font-medium text-fg">JSON assertions</span>
                      <Button variant="ghost" class="h-7! px-2 text-xs!" onClick={() => set('jsonPath', [...form.jsonPath, { path: '', op: '==', value: '' }])} testId="monitor-json-add">
                        <Plus size={13} />
                        Add assertion
                      </Button>
                    </div>
                    <Show when={form.jsonPath.length} fallback={<p class="text-xs text-faint">None: e.g. status == "ok", checks[0].latency &lt; 200.</p>}>
                      <div class="space-y-2" data-testid="monitor-json">
                        <Index each={form.jsonPath}>
                          {(a, i) => (
                            <div class="grid grid-cols-[minmax(0,1.2fr)_112px_minmax(0,1fr)_32px] items-start gap-2" data-testid="monitor-json-row">
                              <TextField label="Path" class="[&>label]:sr-only" placeholder="data.status" value={a().path} onValue={(v) => { setForm('jsonPath', i, 'path', v); clearServer(`jsonPath.${i}.path`); }} onBlur={touch(`jsonPath.${i}.path`)} error={err(`jsonPath.${i}.path`)} id={`monitor-json-${i}-path`} testId={`monitor-json-${i}-path`} />
                              <SelectField label="Operator" class="[&>label]:sr-only" value={a().op} options={JSON_OPS.map((o) => ({ value: o, label: o }))} onChange={(v) => setForm('jsonPath', i, 'op', v as MonitorForm['jsonPath'][number]['op'])} id={`monitor-json-${i}-op`} />
                              <TextField label="Value" class="[&>label]:sr-only" placeholder={a().op === 'exists' ? '(no value)' : 'ok'} disabled={a().op === 'exists'} value={a().value} onValue={(v) => { setForm('jsonPath', i, 'value', v); clearServer(`jsonPath.${i}.value`); }} onBlur={touch(`jsonPath.${i}.value`)} error={err(`jsonPath.${i}.value`)} id={`monitor-json-${i}-value`} testId={`monitor-json-${i}-value`} />
                              <div class="pt-1">
                                <IconButton label="Remove assertion" onClick={() => set('jsonPath', form.jsonPath.filter((_, k) => k !== i))}>
                                  <X size={14} />
                                </IconButton>
                              </div>
                            </div>
                          )}
                        </Index>
                      </div>
                    </Show>
                    <Show when={err('jsonPath')}>
                      <p class="mt-1.5 text-xs text-crit">{err('jsonPath')}</p>
                    </Show>
                  </div>
                  <div class="grid gap-4 sm:grid-cols-3">
                    <div class="pt-7">
                      <Checkbox label="Follow redirects" checked={form.followRedirects} onChange={(v) => set('followRedirects', v)} testId="monitor-follow" />
                    </div>
                    {text('maxRedirects', 'Max redirects', { type: 'number', min: '0', max: '20', disabled: !form.followRedirects })}
                    {text('maxBodyKiB', 'Read at most (KiB)', { type: 'number', min: '0', hint: 'The check stops reading there.' })}
                  </div>
                </Section>

                <Section title="TLS and connection">
                  <div class="grid gap-4 sm:grid-cols-2">
                    <Checkbox label="Verify the certificate" hint="Off accepts self-signed and expired certificates." checked={form.verifyTls} onChange={(v) => set('verifyTls', v)} testId="monitor-verify-tls" />
                    <Checkbox label="Keep the connection alive" hint="Reuses it between checks: DNS, connect and TLS then take no time." checked={form.keepAlive} onChange={(v) => set('keepAlive', v)} testId="monitor-keepalive" />
                  </div>
                  <div class="grid gap-4 sm:grid-cols-2">
                    {text('certExpiryDays', 'Warn when the certificate expires within (days)', { type: 'number', min: '0', max: '365', hint: '0 never warns.' })}
                    <SelectField
                      label="IP version"
                      value={form.ipFamily}
                      options={[
                        { value: 'any', label: 'Any (system default)' },
                        { value: '4', label: 'IPv4 only' },
                        { value: '6', label: 'IPv6 only' },
                      ]}
                      onChange={(v) => set('ipFamily', v as MonitorForm['ipFamily'])}
                      id="monitor-ip-family"
                    />
                  </div>
                </Section>
              </Match>

              <Match when={form.type === 'tcp'}>
                <Section title="Target" hint="Up when the port accepts a connection.">
                  <div class="grid gap-4 sm:grid-cols-[minmax(0,1fr)_140px]">
                    {text('host', 'Host', { placeholder: 'db.internal or 10.0.0.5', spellcheck: false })}
                    {text('port', 'Port', { type: 'number', min: '1', max: '65535', placeholder: '5432' })}
                  </div>
                </Section>
              </Match>

              <Match when={form.type === 'ping'}>
                <Section title="Target" hint="Up when the host answers; down when every packet is lost.">
                  <div class="grid gap-4 sm:grid-cols-[minmax(0,1fr)_140px]">
                    {text('host', 'Host', { placeholder: 'router.lan or 192.168.1.1', spellcheck: false })}
                    {text('count', 'Packets', { type: 'number', min: '1', max: '10' })}
                  </div>
                </Section>
              </Match>

              <Match when={form.type === 'dns'}>
                <Section title="Query" hint="Up when the name resolves and the answer holds every expected value.">
                  <div class="grid gap-4 sm:grid-cols-[minmax(0,1fr)_140px]">
                    {text('hostname', 'Name', { placeholder: 'example.com', spellcheck: false })}
                    <SelectField label="Record type" value={form.recordType} options={dnsRecordTypes.map((t) => ({ value: t, label: t }))} onChange={(v) => set('recordType', v)} id="monitor-record-type" testId="monitor-recordType" />
                  </div>
                  {text('resolver', 'Resolver', { placeholder: '1.1.1.1 or 10.0.0.53:5353', hint: 'Optional: the system resolver when empty.' })}
                  <TextArea label="Expected answers" rows={3} value={form.expected} onValue={(v) => set('expected', v)} onBlur={touch('expected')} error={err('expected')} id="monitor-expected" testId="monitor-expected" placeholder="93.184.215.14" hint="Optional, one per line; compared as text, ignoring case." />
                </Section>
              </Match>

              <Match when={form.type === 'push'}>
                <Section title="Push" hint="Pulse does not call anything: your job calls Pulse.">
                  {text('graceS', 'Grace period (seconds)', { type: 'number', min: '0', max: '86400', hint: 'Extra time after the interval before a missing push counts as down.' })}
                  <Show
                    when={editing()?.type === 'push' && editing()?.pushUrl}
                    fallback={
                      <Banner tone="info" title="The push URL comes with saving">
                        After saving, this page shows the URL to call and a curl line to copy into a cron job.
                      </Banner>
                    }
                  >
                    <PushInstructions url={editing()!.pushUrl!} />
                  </Show>
                </Section>
              </Match>
            </Switch>

            <Section title="Schedule" hint="A failed check is retried before the monitor counts as down (pending meanwhile).">
              <div class="grid gap-4 sm:grid-cols-4">
                {text('intervalS', form.type === 'push' ? 'Expect a push every (s)' : 'Check every (s)', { type: 'number', min: '1', max: '86400', inputMode: 'numeric' })}
                {text('timeoutS', 'Timeout (s)', { type: 'number', min: '0.1', max: '120', step: '0.1', inputMode: 'decimal', hint: err('timeoutS') ? undefined : 'Shorter than the interval' })}
                {text('retries', 'Retries', { type: 'number', min: '0', max: '10', inputMode: 'numeric' })}
                {text('retryIntervalS', 'Retry after (s)', { type: 'number', min: '1', max: '3600', inputMode: 'numeric', disabled: form.retries === '0' })}
              </div>
              <Checkbox label="Enabled" hint="A disabled monitor is saved but paused." checked={form.enabled} onChange={(v) => set('enabled', v)} testId="monitor-enabled" />
            </Section>

            <div class="flex flex-wrap items-center gap-2 border-t bg-surface-2 px-5 py-3.5">
              <Button variant="primary" type="submit" busy={saving()} testId="monitor-save">
                {editingId() ? 'Save changes' : 'Create monitor'}
              </Button>
              <Button variant="ghost" onClick={() => (editingId() ? navigate(monitorHref(editingId()!)) : navigate('/uptime'))}>
                Cancel
              </Button>
              <Show when={submitted() && fieldCount() > 0}>
                <span class="text-xs text-crit" data-testid="monitor-form-problems">
                  {fieldCount() === 1 ? '1 field needs a look' : `${fieldCount()} fields need a look`}
                </span>
              </Show>
            </div>
            <Show when={saveError()}>
              <div class="px-5 pb-4">
                <Banner tone="crit" title="Not saved" testId="monitor-save-error">
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
