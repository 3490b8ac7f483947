import { StatusPageInput } from '@pulse/protocol';
import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import ExternalLink from 'lucide-solid/icons/external-link';
import PanelTop from 'lucide-solid/icons/panel-top';
import Pencil from 'lucide-solid/icons/pencil';
import Plus from 'lucide-solid/icons/plus';
import Trash from 'lucide-solid/icons/trash';
import X from 'lucide-solid/icons/x';
import { PageHeader } from '../../app/PageHeader';
import { ApiRequestError } from '../../lib/api';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Checkbox } from '../../ui/Checkbox';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CopyableCode } from '../../ui/CopyableCode';
import { EmptyState } from '../../ui/EmptyState';
import { FormActions } from '../../ui/FormActions';
import { ListLoadState } from '../../ui/ListLoadState';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { SelectField } from '../../ui/SelectField';
import { TextArea } from '../../ui/TextArea';
import { TextField } from '../../ui/TextField';
import { MonitorPicker } from './MonitorPicker';
import { isMissingEndpoint, type StatusPage } from './monitors-api';
import { useMonitorRows } from './use-monitor-rows';
import { useMonitorsApi } from './use-monitors-api';

interface Form {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  footer: string;
  groups: { name: string; monitorIds: string[] }[];
  showIncidents: boolean;
  showResponseTimes: boolean;
}

const emptyForm = (): Form => ({ slug: '', title: '', description: '', logoUrl: '', footer: '', groups: [{ name: 'Services', monitorIds: [] }], showIncidents: true, showResponseTimes: true });
const formOf = (p: StatusPage): Form => ({
  slug: p.slug,
  title: p.title,
  description: p.description ?? '',
  logoUrl: p.logoUrl ?? '',
  footer: p.footer ?? '',
  groups: p.groups.map((g) => ({ name: g.name, monitorIds: [...g.monitorIds] })),
  showIncidents: p.showIncidents !== false,
  showResponseTimes: p.showResponseTimes !== false,
});
const opt = (s: string) => (s.trim() ? s.trim() : undefined);
const bodyOf = (f: Form): StatusPageInput => ({
  slug: f.slug.trim(),
  title: f.title.trim(),
  description: opt(f.description),
  logoUrl: opt(f.logoUrl),
  footer: opt(f.footer),
  groups: f.groups.map((g) => ({ name: g.name.trim(), monitorIds: g.monitorIds })),
  showIncidents: f.showIncidents,
  showResponseTimes: f.showResponseTimes,
});

/** Field → message, from the same schema the server checks with. */
function validateForm(f: Form): Record<string, string> {
  const e: Record<string, string> = {};
  const parsed = StatusPageInput.safeParse(bodyOf(f));
  if (!parsed.success)
    for (const i of parsed.error.issues) {
      const key = i.path[0] === 'groups' && typeof i.path[1] === 'number' ? `groups.${i.path[1]}` : String(i.path[0] ?? 'form');
      e[key] ??= i.path[0] === 'slug' ? 'Lowercase letters, digits and -, starting with a letter or digit (it is the address).' : i.path[0] === 'logoUrl' ? 'An http:// or https:// address of an image.' : i.message;
    }
  if (!f.title.trim()) e['title'] = 'Give the page a title.';
  f.groups.forEach((g, k) => {
    if (!g.name.trim()) e[`groups.${k}`] = 'Name the section.';
  });
  return e;
}

/** A slug from a title: "Acme Status" → "acme-status". */
export const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

type BadgeKind = 'status' | 'uptime' | 'response';

function Badges(props: { page: StatusPage; name: (id: string) => string }) {
  const monitors = createMemo(() => props.page.groups.flatMap((g) => g.monitorIds));
  const [index, setIndex] = createSignal(0);
  const [kind, setKind] = createSignal<BadgeKind>('status');
  const url = () => `${location.origin}/api/badge/${props.page.slug}/${index()}/${kind()}.svg${kind() === 'uptime' ? '?range=30d' : ''}`;
  const page = () => `${location.origin}/status/${props.page.slug}`;
  const alt = () => `${props.name(monitors()[index()] ?? '')} ${kind()}`;
  return (
    <Show when={monitors().length} fallback={<p class="text-xs text-muted">Add monitors to the page to get badges for them.</p>}>
      <div class="space-y-3" data-testid="status-page-badges">
        <div class="flex flex-wrap items-end gap-3">
          <SelectField class="w-64" label="Monitor" value={String(index())} options={monitors().map((id, i) => ({ value: String(i), label: props.name(id) }))} onChange={(v) => setIndex(Number(v))} id={`badge-monitor-${props.page.id}`} />
          <SegmentedControl
            label="Badge"
            options={[
              { value: 'status', label: 'Status' },
              { value: 'uptime', label: 'Uptime 30 d' },
              { value: 'response', label: 'Response time' },
            ]}
            value={kind()}
            onChange={(v) => setKind(v as BadgeKind)}
          />
          <img src={url()} alt={alt()} class="h-5" onError={(e) => (e.currentTarget.style.display = 'none')} onLoad={(e) => (e.currentTarget.style.display = '')} />
        </div>
        <div>
          <div class="mb-1 text-xs font-medium text-muted">Markdown</div>
          <CopyableCode text={`[![${alt()}](${url()})](${page()})`} testId="badge-markdown" />
        </div>
        <div>
          <div class="mb-1 text-xs font-medium text-muted">HTML</div>
          <CopyableCode text={`<a href="${page()}"><img src="${url()}" alt="${alt()}"></a>`} testId="badge-html" />
        </div>
      </div>
    </Show>
  );
}

/** `/uptime/status-pages`: public pages showing chosen monitors, with badges for READMEs. */
export default function StatusPagesPage() {
  usePageTitle(() => 'Status pages');
  const api = useMonitorsApi();
  const monitors = useMonitorRows();
  const name = (id: string) => monitors().find((m) => m.id === id)?.name ?? id;
  const [missing, setMissing] = createSignal(false);
  const pages = createPoll(async (signal) => {
    try {
      return await api.statusPages.list(signal);
    } catch (err) {
      if (isMissingEndpoint(err)) {
        setMissing(true);
        return [];
      }
      throw err;
    }
  }, 60_000);
  const [open, setOpen] = createSignal<'new' | StatusPage | null>(null);
  const [form, setForm] = createStore<Form>(emptyForm());
  const [slugEdited, setSlugEdited] = createSignal(false);
  const [submitted, setSubmitted] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [serverField, setServerField] = createSignal<Record<string, string>>({});
  const [deleting, setDeleting] = createSignal<StatusPage>();
  const [expanded, setExpanded] = createSignal<string>();
  const errors = () => ({ ...(submitted() ? validateForm(form) : {}), ...serverField() });

  const start = (p: 'new' | StatusPage) => {
    setForm(reconcile(p === 'new' ? emptyForm() : formOf(p)));
    setSlugEdited(p !== 'new');
    setSubmitted(false);
    setSaveError(undefined);
    setServerField({});
    setOpen(p);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setServerField({});
    if (Object.keys(validateForm(form)).length) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const current = open();
      if (current && current !== 'new') await api.statusPages.update(current.id, bodyOf(form));
      else await api.statusPages.create(bodyOf(form));
      setOpen(null);
      await pages.refresh();
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 409) setServerField({ slug: err.message || 'Another page has this address.' });
      else setSaveError(isMissingEndpoint(err) ? 'This server has no status pages API yet: nothing was saved.' : (err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="space-y-5 pb-8" data-testid="status-pages-page">
      <PageHeader
        title="Status pages"
        description="Public pages that show how chosen monitors are doing, without sign-in; and badges for READMEs."
        actions={
          <Button variant="primary" onClick={() => start('new')} testId="status-page-new">
            <Plus size={15} />
            New status page
          </Button>
        }
      />
      <Show when={missing()}>
        <Banner tone="info" title="The status pages API is not on this server yet">
          Pages can be made here once the server has the monitors API.
        </Banner>
      </Show>
      <Show when={open()}>
        <form class="rounded-xl border bg-surface shadow-card" onSubmit={(e) => void save(e)} novalidate data-testid="status-page-form">
          <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
            <h2 class="text-[13px] font-semibold text-fg">{open() === 'new' ? 'New status page' : `Edit ${form.title}`}</h2>
            <div class="ml-auto">
              <IconButton label="Close" onClick={() => setOpen(null)}>
                <X size={15} />
              </IconButton>
            </div>
          </header>
          <div class="grid gap-6 p-5 lg:grid-cols-2">
            <div class="space-y-4">
              <TextField
                label="Title"
                value={form.title}
                onValue={(v) => {
                  setForm('title', v);
                  if (!slugEdited()) setForm('slug', slugify(v));
                }}
                error={errors()['title']}
                placeholder="Acme status"
                id="sp-title"
                testId="status-page-title"
              />
              <TextField
                label="Address"
                value={form.slug}
                onValue={(v) => {
                  setSlugEdited(true);
                  setForm('slug', v);
                  setServerField({});
                }}
                error={errors()['slug']}
                hint={`${location.origin}/status/${form.slug || '…'}`}
                id="sp-slug"
                testId="status-page-slug"
                spellcheck={false}
              />
              <TextArea label="Description" rows={2} value={form.description} onValue={(v) => setForm('description', v)} error={errors()['description']} hint="Optional: shown under the title." id="sp-description" />
              <TextField label="Logo URL" value={form.logoUrl} onValue={(v) => setForm('logoUrl', v)} error={errors()['logoUrl']} placeholder="https://example.com/logo.svg" hint="Optional." id="sp-logo" testId="status-page-logo" />
              <TextArea label="Footer" rows={2} value={form.footer} onValue={(v) => setForm('footer', v)} error={errors()['footer']} hint="Optional: a contact, a link to support." id="sp-footer" />
              <div class="space-y-2.5">
                <Checkbox label="Show incidents" hint="When monitors went down and why (the reason text, not the target)." checked={form.showIncidents} onChange={(v) => setForm('showIncidents', v)} testId="status-page-incidents" />
                <Checkbox label="Show response times" checked={form.showResponseTimes} onChange={(v) => setForm('showResponseTimes', v)} testId="status-page-rt" />
              </div>
            </div>
            <div class="space-y-4">
              <div class="flex items-center justify-between">
                <span class="text-[13px] font-medium text-fg">Sections</span>
                <Button variant="ghost" class="h-7! px-2 text-xs!" onClick={() => setForm('groups', [...form.groups, { name: '', monitorIds: [] }])} testId="status-page-group-add">
                  <Plus size={13} />
                  Add section
                </Button>
              </div>
              <Index each={form.groups}>
                {(g, k) => (
                  <div class="space-y-2 rounded-lg border bg-surface-2 p-3" data-testid="status-page-group">
                    <div class="flex items-start gap-2">
                      <TextField class="flex-1" label={`Section ${k + 1} name`} value={g().name} onValue={(v) => setForm('groups', k, 'name', v)} error={errors()[`groups.${k}`]} placeholder="Website" id={`sp-group-${k}`} />
                      <div class="pt-7">
                        <IconButton label="Remove section" onClick={() => setForm('groups', form.groups.filter((_, i) => i !== k))}>
                          <X size={14} />
                        </IconButton>
                      </div>
                    </div>
                    <MonitorPicker monitors={monitors()} selected={g().monitorIds} onChange={(ids) => setForm('groups', k, 'monitorIds', ids)} />
                  </div>
                )}
              </Index>
              <Show when={errors()['groups']}>
                <p class="text-xs text-crit">{errors()['groups']}</p>
              </Show>
            </div>
          </div>
          <Show when={saveError()}>
            <div class="px-5 pb-4">
              <Banner tone="crit" title="Not saved">
                {saveError()}
              </Banner>
            </div>
          </Show>
          <FormActions submitLabel={open() === 'new' ? 'Create page' : 'Save changes'} busy={saving()} onCancel={() => setOpen(null)} testId="status-page-save" />
        </form>
      </Show>
      <Card title="Pages" hint={pages.value() ? String(pages.value()!.length) : undefined} flush testId="status-pages-list">
        <ListLoadState items={pages.value()} error={pages.error()} errorTitle="Could not load status pages" empty={
            <EmptyState icon={<PanelTop size={20} />} title="No status pages yet" testId="status-pages-none">
              Make one to tell users how your services are doing, on a page anyone can open.
            </EmptyState>
        }>
          {(items) => (
            <ul class="divide-y">
              <For each={items}>
                {(p) => (
                  <li class="px-4 py-3" data-testid="status-page-row">
                    <div class="flex flex-wrap items-center gap-3">
                      <div class="min-w-0 flex-1">
                        <div class="truncate text-[13px] font-medium text-fg">{p.title}</div>
                        <div class="mt-0.5 text-xs text-muted">
                          <span class="font-mono">/status/{p.slug}</span> · {p.groups.length} {p.groups.length === 1 ? 'section' : 'sections'} · {p.groups.reduce((n, g) => n + g.monitorIds.length, 0)} monitors
                        </div>
                      </div>
                      <a href={`/status/${p.slug}`} target="_blank" rel="noopener" class="inline-flex h-8 items-center gap-1.5 rounded-lg px-2.5 text-xs font-medium text-accent hover:bg-accent-soft" data-testid="status-page-open">
                        Open <ExternalLink size={13} />
                      </a>
                      <Button variant="ghost" class="h-8! px-2.5 text-xs!" onClick={() => setExpanded(expanded() === p.id ? undefined : p.id)}>
                        Badges
                      </Button>
                      <IconButton label="Edit" onClick={() => start(p)}>
                        <Pencil size={14} />
                      </IconButton>
                      <IconButton label="Delete" onClick={() => setDeleting(p)}>
                        <Trash size={14} />
                      </IconButton>
                    </div>
                    <Show when={expanded() === p.id}>
                      <div class="mt-3 rounded-lg border bg-surface-2 p-3">
                        <Badges page={p} name={name} />
                      </div>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          )}
        </ListLoadState>
      </Card>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete “${deleting()?.title ?? ''}”?`}
        confirmLabel="Delete page"
        danger
        onConfirm={async () => {
          await api.statusPages.remove(deleting()!.id);
          await pages.refresh();
        }}
        onClose={() => setDeleting(undefined)}
      >
        Its address stops working and its badges stop showing. The monitors stay.
      </ConfirmDialog>
    </div>
  );
}
