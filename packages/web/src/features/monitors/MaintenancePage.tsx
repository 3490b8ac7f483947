import { MaintenanceWindowInput } from '@pulse/protocol';
import { createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import CalendarClock from 'lucide-solid/icons/calendar-clock';
import Pencil from 'lucide-solid/icons/pencil';
import Plus from 'lucide-solid/icons/plus';
import Trash from 'lucide-solid/icons/trash';
import X from 'lucide-solid/icons/x';
import { PageHeader } from '../../app/PageHeader';
import { ApiRequestError } from '../../lib/api';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { FormActions } from '../../ui/FormActions';
import { ListLoadState } from '../../ui/ListLoadState';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { TextField } from '../../ui/TextField';
import { dateTimeLabel } from '../../ui/time-labels';
import { MonitorPicker } from './MonitorPicker';
import { isMissingEndpoint, type MaintenanceWindow } from './monitors-api';
import { useMonitorRows } from './use-monitor-rows';
import { useMonitorsApi } from './use-monitors-api';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface Form {
  title: string;
  scope: 'all' | 'some';
  monitorIds: string[];
  starts: string;
  ends: string;
  repeat: 'once' | 'daily' | 'weekly';
  weekdays: number[];
  timezone: string;
  until: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** ms → the value of a datetime-local input, in the browser's time. */
const localInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromInput = (v: string) => (v ? new Date(v).getTime() : Number.NaN);
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function emptyForm(): Form {
  const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
  return { title: '', scope: 'all', monitorIds: [], starts: localInput(start), ends: localInput(start + 3_600_000), repeat: 'once', weekdays: [], timezone: browserZone(), until: '' };
}

function formOf(w: MaintenanceWindow): Form {
  return {
    title: w.title,
    scope: w.monitorIds?.length ? 'some' : 'all',
    monitorIds: w.monitorIds ?? [],
    starts: localInput(w.startsAt),
    ends: localInput(w.endsAt),
    repeat: w.recurrence?.freq ?? 'once',
    weekdays: w.recurrence?.weekdays ?? [],
    timezone: w.recurrence?.timezone ?? browserZone(),
    until: w.recurrence?.until ? localInput(w.recurrence.until).slice(0, 10) : '',
  };
}

function bodyOf(f: Form): MaintenanceWindowInput {
  return {
    title: f.title.trim(),
    monitorIds: f.scope === 'all' ? [] : f.monitorIds,
    startsAt: fromInput(f.starts),
    endsAt: fromInput(f.ends),
    recurrence:
      f.repeat === 'once'
        ? undefined
        : { freq: f.repeat, weekdays: f.repeat === 'weekly' ? [...f.weekdays].sort() : [], timezone: f.timezone.trim() || 'UTC', until: f.until ? new Date(`${f.until}T23:59:59`).getTime() : undefined },
  };
}

function validateForm(f: Form): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.title.trim()) e['title'] = 'Give the window a title.';
  if (!f.starts || Number.isNaN(fromInput(f.starts))) e['startsAt'] = 'When it starts.';
  if (!f.ends || Number.isNaN(fromInput(f.ends))) e['endsAt'] = 'When it ends.';
  else if (fromInput(f.ends) <= fromInput(f.starts)) e['endsAt'] = 'Must be after the start.';
  if (f.scope === 'some' && f.monitorIds.length === 0) e['monitorIds'] = 'Pick at least one monitor, or choose all.';
  if (f.repeat === 'weekly' && f.weekdays.length === 0) e['weekdays'] = 'Pick the days it repeats on.';
  const parsed = MaintenanceWindowInput.safeParse(bodyOf(f));
  if (!parsed.success) for (const i of parsed.error.issues) e[String(i.path[0] ?? 'form')] ??= i.message;
  return e;
}

/** "Daily 02:00–03:00 (Europe/Berlin)", "Mon, Thu 22:00–23:00", or the one-off span. */
function describe(w: MaintenanceWindow, now: number): string {
  const t = (ms: number) => new Date(ms).toTimeString().slice(0, 5);
  if (!w.recurrence) return `${dateTimeLabel(w.startsAt, now)} – ${dateTimeLabel(w.endsAt, now)}`;
  const days = w.recurrence.freq === 'daily' ? 'Daily' : (w.recurrence.weekdays ?? []).map((d) => WEEKDAYS[d]).join(', ') || 'Weekly';
  return `${days} ${t(w.startsAt)}–${t(w.endsAt)} (${w.recurrence.timezone ?? 'UTC'})${w.recurrence.until ? ` until ${new Date(w.recurrence.until).toLocaleDateString()}` : ''}`;
}

function windowState(w: MaintenanceWindow, now: number): { label: string; tone: 'accent' | 'ok' | 'unknown' } {
  if (w.active) return { label: 'Active now', tone: 'accent' };
  if (!w.recurrence) return now < w.startsAt ? { label: 'Scheduled', tone: 'ok' } : now > w.endsAt ? { label: 'Over', tone: 'unknown' } : { label: 'Active now', tone: 'accent' };
  if (w.recurrence.until && now > w.recurrence.until) return { label: 'Over', tone: 'unknown' };
  return { label: 'Recurring', tone: 'ok' };
}

/** `/uptime/maintenance`: planned work, during which monitors' failures count neither as downtime nor for alerts. */
export default function MaintenancePage() {
  usePageTitle(() => 'Maintenance');
  const api = useMonitorsApi();
  const monitors = useMonitorRows();
  const now = createNow(30_000);
  const [missing, setMissing] = createSignal(false);
  const windows = createPoll(async (signal) => {
    try {
      return await api.maintenance.list(signal);
    } catch (err) {
      if (isMissingEndpoint(err)) {
        setMissing(true);
        return [];
      }
      throw err;
    }
  }, 60_000);
  const [open, setOpen] = createSignal<'new' | MaintenanceWindow | null>(null);
  const [form, setForm] = createStore<Form>(emptyForm());
  const [submitted, setSubmitted] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [deleting, setDeleting] = createSignal<MaintenanceWindow>();
  const errors = () => (submitted() ? validateForm(form) : {});
  const monitorName = (id: string) => monitors().find((m) => m.id === id)?.name ?? id;

  const start = (w: 'new' | MaintenanceWindow) => {
    setForm(reconcile(w === 'new' ? emptyForm() : formOf(w)));
    setSubmitted(false);
    setSaveError(undefined);
    setOpen(w);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(validateForm(form)).length) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const current = open();
      if (current && current !== 'new') await api.maintenance.update(current.id, bodyOf(form));
      else await api.maintenance.create(bodyOf(form));
      setOpen(null);
      await windows.refresh();
    } catch (err) {
      setSaveError(isMissingEndpoint(err) ? 'This server has no maintenance API yet: nothing was saved.' : err instanceof ApiRequestError ? err.message : (err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="space-y-5 pb-8" data-testid="maintenance-page">
      <PageHeader
        title="Maintenance"
        description="Planned work: while a window is open its monitors keep being checked, but failures count neither as downtime nor for alerts."
        actions={
          <Button variant="primary" onClick={() => start('new')} testId="maintenance-new">
            <Plus size={15} />
            New window
          </Button>
        }
      />
      <Show when={missing()}>
        <Banner tone="info" title="The maintenance API is not on this server yet">
          Windows can be planned here once the server has the monitors API.
        </Banner>
      </Show>
      <Show when={open()}>
        <form class="rounded-xl border bg-surface shadow-card" onSubmit={(e) => void save(e)} novalidate data-testid="maintenance-form">
          <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
            <h2 class="text-[13px] font-semibold text-fg">{open() === 'new' ? 'New maintenance window' : 'Edit maintenance window'}</h2>
            <div class="ml-auto">
              <IconButton label="Close" onClick={() => setOpen(null)}>
                <X size={15} />
              </IconButton>
            </div>
          </header>
          <div class="space-y-5 p-5">
            <TextField label="Title" value={form.title} onValue={(v) => setForm('title', v)} error={errors()['title']} placeholder="Database upgrade" id="mw-title" testId="maintenance-title" />
            <div class="grid gap-4 sm:grid-cols-2">
              <TextField label={form.repeat === 'once' ? 'Starts' : 'First starts'} type="datetime-local" value={form.starts} onValue={(v) => setForm('starts', v)} error={errors()['startsAt']} id="mw-starts" testId="maintenance-starts" />
              <TextField label="Ends" type="datetime-local" value={form.ends} onValue={(v) => setForm('ends', v)} error={errors()['endsAt']} id="mw-ends" testId="maintenance-ends" />
            </div>
            <div class="space-y-3">
              <span class="block text-[13px] font-medium text-fg">Repeats</span>
              <SegmentedControl
                label="Repeats"
                options={[
                  { value: 'once', label: 'Once' },
                  { value: 'daily', label: 'Daily' },
                  { value: 'weekly', label: 'Weekly' },
                ]}
                value={form.repeat}
                onChange={(v) => setForm('repeat', v as Form['repeat'])}
                testId="maintenance-repeat"
              />
              <Show when={form.repeat === 'weekly'}>
                <div class="flex flex-wrap gap-1.5" data-testid="maintenance-weekdays">
                  <For each={WEEKDAYS}>
                    {(d, i) => (
                      <button
                        type="button"
                        class="h-8 w-11 rounded-lg border text-xs font-medium transition-colors"
                        classList={{ 'border-accent bg-accent-soft text-accent': form.weekdays.includes(i()), 'text-muted hover:bg-surface-2': !form.weekdays.includes(i()) }}
                        aria-pressed={form.weekdays.includes(i())}
                        onClick={() => setForm('weekdays', form.weekdays.includes(i()) ? form.weekdays.filter((x) => x !== i()) : [...form.weekdays, i()])}
                      >
                        {d}
                      </button>
                    )}
                  </For>
                </div>
                <Show when={errors()['weekdays']}>
                  <p class="text-xs text-crit">{errors()['weekdays']}</p>
                </Show>
              </Show>
              <Show when={form.repeat !== 'once'}>
                <div class="grid gap-4 sm:grid-cols-2">
                  <TextField label="Time zone" value={form.timezone} onValue={(v) => setForm('timezone', v)} error={errors()['recurrence']} hint="The times above repeat in this zone, e.g. Europe/Berlin." id="mw-tz" />
                  <TextField label="Until" type="date" value={form.until} onValue={(v) => setForm('until', v)} hint="Optional: the last day it repeats." id="mw-until" />
                </div>
              </Show>
            </div>
            <div class="space-y-3">
              <span class="block text-[13px] font-medium text-fg">Monitors</span>
              <SegmentedControl
                label="Monitors"
                options={[
                  { value: 'all', label: 'All monitors' },
                  { value: 'some', label: 'Some monitors' },
                ]}
                value={form.scope}
                onChange={(v) => setForm('scope', v as Form['scope'])}
                testId="maintenance-scope"
              />
              <Show when={form.scope === 'some'}>
                <MonitorPicker monitors={monitors()} selected={form.monitorIds} onChange={(ids) => setForm('monitorIds', ids)} testId="maintenance-monitors" />
                <Show when={errors()['monitorIds']}>
                  <p class="text-xs text-crit">{errors()['monitorIds']}</p>
                </Show>
              </Show>
            </div>
            <Show when={saveError()}>
              <Banner tone="crit" title="Not saved">
                {saveError()}
              </Banner>
            </Show>
          </div>
          <FormActions submitLabel={open() === 'new' ? 'Create window' : 'Save changes'} busy={saving()} onCancel={() => setOpen(null)} testId="maintenance-save" />
        </form>
      </Show>
      <Card title="Windows" hint={windows.value() ? String(windows.value()!.length) : undefined} flush testId="maintenance-list">
        <ListLoadState items={windows.value()} error={windows.error()} errorTitle="Could not load maintenance windows" empty={
            <EmptyState icon={<CalendarClock size={20} />} title="No maintenance planned" testId="maintenance-none">
              Plan one before an upgrade or a reboot, so the work does not count against uptime or wake anyone.
            </EmptyState>
        }>
          {(items) => (
            <ul class="divide-y">
              <For each={items}>
                {(w) => {
                  const st = () => windowState(w, now());
                  return (
                    <li class="flex flex-wrap items-center gap-3 px-4 py-3" data-testid="maintenance-row">
                      <div class="min-w-0 flex-1">
                        <div class="flex items-center gap-2">
                          <span class="truncate text-[13px] font-medium text-fg">{w.title}</span>
                          <Chip tone={st().tone}>{st().label}</Chip>
                        </div>
                        <div class="num mt-0.5 text-xs text-muted">{describe(w, now())}</div>
                      </div>
                      <div class="max-w-[40%] truncate text-xs text-muted" title={w.monitorIds?.map(monitorName).join(', ')}>
                        {w.monitorIds?.length ? `${w.monitorIds.length === 1 ? monitorName(w.monitorIds[0]!) : `${w.monitorIds.length} monitors`}` : 'All monitors'}
                      </div>
                      <IconButton label="Edit" onClick={() => start(w)}>
                        <Pencil size={14} />
                      </IconButton>
                      <IconButton label="Delete" onClick={() => setDeleting(w)}>
                        <Trash size={14} />
                      </IconButton>
                    </li>
                  );
                }}
              </For>
            </ul>
          )}
        </ListLoadState>
      </Card>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete “${deleting()?.title ?? ''}”?`}
        confirmLabel="Delete window"
        danger
        onConfirm={async () => {
          await api.maintenance.remove(deleting()!.id);
          await windows.refresh();
        }}
        onClose={() => setDeleting(undefined)}
      >
        Past uptime keeps the time it excluded; future occurrences no longer happen.
      </ConfirmDialog>
    </div>
  );
}
