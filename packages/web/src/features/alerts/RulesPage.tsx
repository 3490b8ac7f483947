import type { AlertRule } from '@pulse/protocol';
import { A, useNavigate } from '@solidjs/router';
import { createMemo, createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import Pencil from 'lucide-solid/icons/pencil';
import Plus from 'lucide-solid/icons/plus';
import ScrollText from 'lucide-solid/icons/scroll-text';
import Trash2 from 'lucide-solid/icons/trash';
import { PageHeader } from '../../app/PageHeader';
import { plural } from '../../lib/format';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { Spinner } from '../../ui/Spinner';
import { Table, type Column } from '../../ui/Table';
import { Toggle } from '../../ui/Toggle';
import { useSession } from '../auth/session';
import { canWriteSettings } from './AlertActions';
import { isMissingEndpoint, type Channel } from './alerts-api';
import { AlertsTabs } from './AlertsTabs';
import { SeverityChip } from './cells';
import { conditionText, durationText } from './rule-form';
import { forText, inputOfRule, targetText } from './rules-data';
import { useAlerts } from './store';

const ruleHref = (id: string) => `/alerts/rules/${encodeURIComponent(id)}`;

/** `/alerts/rules`: the built-in rules (thresholds editable, can be switched off) and the user's own. */
export default function RulesPage() {
  usePageTitle(() => 'Alert rules');
  const store = useAlerts();
  const session = useSession();
  const navigate = useNavigate();
  const canEdit = () => canWriteSettings(session.info()?.scopes);
  const rules = createPoll(async (signal) => {
    try {
      return { rules: await store.api.rules.list(signal) };
    } catch (err) {
      if (isMissingEndpoint(err)) return { missing: true as const, rules: [] as AlertRule[] };
      throw err;
    }
  }, 60_000);
  const channels = createPoll((signal) => store.api.channels.list(signal).catch(() => [] as Channel[]), 60_000);
  // Until the channels arrive, a placeholder rather than a flash of raw ids.
  const channelName = (id: string) => {
    const list = channels.value();
    return list ? (list.find((c) => c.id === id)?.name ?? id) : '…';
  };
  const builtIn = createMemo(() => (rules.value()?.rules ?? []).filter((r) => r.builtIn).sort((a, b) => a.name.localeCompare(b.name)));
  const custom = createMemo(() => (rules.value()?.rules ?? []).filter((r) => !r.builtIn).sort((a, b) => a.name.localeCompare(b.name)));
  const [actionError, setActionError] = createSignal<string>();
  const [toggling, setToggling] = createSignal<string>();
  const [deleting, setDeleting] = createSignal<AlertRule>();
  const openByRule = createMemo(() => {
    const n = new Map<string, number>();
    for (const a of store.state.alerts) n.set(a.ruleId, (n.get(a.ruleId) ?? 0) + 1);
    return n;
  });

  const toggle = async (r: AlertRule, enabled: boolean) => {
    setToggling(r.id);
    setActionError(undefined);
    try {
      await store.api.rules.update(r.id, { ...inputOfRule(r), enabled });
      await rules.refresh();
    } catch (err) {
      setActionError(`${r.name}: ${(err as Error).message}`);
    } finally {
      setToggling(undefined);
    }
  };

  const columns = (): Column<AlertRule>[] => [
    {
      key: 'enabled',
      header: 'On',
      class: 'w-14',
      cell: (r) => <Toggle checked={r.enabled} label={r.enabled ? `Disable ${r.name}` : `Enable ${r.name}`} disabled={!canEdit() || toggling() === r.id} onChange={(v) => void toggle(r, v)} testId="rule-enabled" />,
    },
    {
      key: 'name',
      header: 'Rule',
      class: 'min-w-56',
      cell: (r) => (
        <div class="min-w-0 py-1.5" classList={{ 'opacity-60': !r.enabled }}>
          <div class="flex items-center gap-2">
            <A href={ruleHref(r.id)} class="font-medium text-fg hover:text-accent" data-testid="rule-name">
              {r.name}
            </A>
            <Show when={r.builtIn}>
              <Chip>Built-in</Chip>
            </Show>
            <Show when={openByRule().get(r.id)}>
              {(n) => <Chip tone="crit">{n()} open</Chip>}
            </Show>
          </div>
          <div class="mt-0.5 font-mono text-[11.5px] text-muted">{conditionText(r.condition)}</div>
        </div>
      ),
    },
    { key: 'target', header: 'Applies to', class: 'max-w-64', cell: (r) => <span class="text-muted">{targetText(r.target)}</span> },
    { key: 'severity', header: 'Severity', cell: (r) => <SeverityChip severity={r.severity} /> },
    { key: 'for', header: 'Fires', cell: (r) => <span class="num whitespace-nowrap text-muted">{forText(r)}</span> },
    {
      key: 'channels',
      header: 'Sends to',
      cell: (r) => (
        <span class="text-xs text-muted">
          {r.channels.length ? r.channels.map(channelName).join(', ') : 'default routing'}
          <Show when={r.renotifyS}>
            <span class="block text-faint">reminds every {durationText(r.renotifyS)}</span>
          </Show>
        </span>
      ),
    },
    {
      key: 'actions',
      header: '',
      align: 'right',
      cell: (r) => (
        <Show when={canEdit()}>
          <div class="flex justify-end gap-0.5">
            <IconButton label={`Edit ${r.name}`} onClick={() => navigate(ruleHref(r.id))} testId="rule-edit">
              <Pencil size={15} />
            </IconButton>
            <Show when={!r.builtIn} fallback={<span class="inline-block size-8" title="Built-in rules cannot be deleted; switch them off instead." />}>
              <IconButton label={`Delete ${r.name}`} onClick={() => setDeleting(r)} testId="rule-delete">
                <Trash2 size={15} />
              </IconButton>
            </Show>
          </div>
        </Show>
      ),
    },
  ];

  const newRule = (label: JSX.Element = 'New rule') => (
    <A href="/alerts/rules/new" classList={{ 'pointer-events-none': !canEdit() }}>
      <Button variant="primary" disabled={!canEdit()} testId="rule-new">
        <Plus size={15} />
        {label}
      </Button>
    </A>
  );

  return (
    <div class="space-y-5 pb-8" data-testid="alert-rules-page">
      <PageHeader title="Alerts" description="Rules decide when a resource needs attention; built-in ones cover the usual cases." actions={newRule()} />
      <AlertsTabs />
      <Show when={rules.value()?.missing}>
        <Banner tone="info" title="The alerts API is not on this server yet" testId="alerts-api-missing">
          Rules need a server with the alerts API (GET /api/alert-rules).
        </Banner>
      </Show>
      <Show when={actionError()}>
        <Banner tone="crit" title="That did not work" testId="rule-action-error">
          {actionError()}
        </Banner>
      </Show>
      <Switch>
        <Match when={rules.error() && !rules.value()}>
          <Banner tone="crit" title="Could not load the rules">
            {rules.error()}
          </Banner>
        </Match>
        <Match when={!rules.value()}>
          <div class="flex h-48 items-center justify-center text-faint">
            <Spinner />
          </div>
        </Match>
        <Match when={!rules.value()?.missing}>
          <Card title="Your rules" hint={custom().length || undefined} flush testId="rules-custom">
            <Show
              when={custom().length}
              fallback={
                <EmptyState icon={<ScrollText size={20} />} title="No rules of your own yet" action={newRule('Add a rule')} testId="rules-custom-empty">
                  The built-in rules below watch CPU, memory, disks, temperatures, outages, containers, backups and certificates. Add a rule for anything else a
                  resource reports: a metric crossing a level, a status, a detail, an age or a counter growing.
                </EmptyState>
              }
            >
              <Table columns={columns()} rows={custom()} rowKey={(r) => r.id} testId="rules-custom-table" />
            </Show>
          </Card>
          <Card title="Built-in rules" hint={builtIn().length} flush testId="rules-builtin">
            <Table columns={columns()} rows={builtIn()} rowKey={(r) => r.id} empty="The server sent no built-in rules." testId="rules-builtin-table" />
          </Card>
          <p class="text-xs text-faint">
            {plural(builtIn().filter((r) => r.enabled).length + custom().filter((r) => r.enabled).length, 'rule')} on. Per-resource exceptions (silence a resource, monitor
            only, its own threshold) are set from the resource's page.
          </p>
        </Match>
      </Switch>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete the rule ${deleting()?.name ?? ''}?`}
        confirmLabel="Delete rule"
        danger
        onConfirm={async () => {
          await store.api.rules.remove(deleting()!.id);
          await rules.refresh();
        }}
        onClose={() => setDeleting(undefined)}
        testId="rule-delete-dialog"
      >
        Its open alerts resolve and nothing more is sent about them. Their history stays.
      </ConfirmDialog>
    </div>
  );
}
