import type { Alert } from '@pulse/protocol';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, Match, Show, Switch } from 'solid-js';
import History from 'lucide-solid/icons/clock';
import SearchX from 'lucide-solid/icons/search-x';
import { PageHeader } from '../../app/PageHeader';
import { formatCount, formatDuration, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SearchInput } from '../../ui/SearchInput';
import { Select } from '../../ui/Select';
import { Spinner } from '../../ui/Spinner';
import { VirtualTable, type GridColumn } from '../../ui/VirtualTable';
import { clock, compareAlerts, durationOf, matchesHistory, optionsOf, resourceHref, severityLabel, sinceOf, stateLabel, type HistoryQuery } from './alert-model';
import { isMissingEndpoint } from './alerts-api';
import { AlertsTabs } from './AlertsTabs';
import { AlertStateBadge, SeverityChip } from './cells';
import { useAlerts } from './store';

const ROW_HEIGHT = 52;

const columns = (now: () => number): GridColumn<Alert>[] => [
  { key: 'state', header: 'State', width: '128px', cell: (a) => <AlertStateBadge alert={a} /> },
  { key: 'severity', header: 'Severity', width: '84px', cell: (a) => <SeverityChip severity={a.severity} /> },
  {
    key: 'alert',
    header: 'Alert',
    width: 'minmax(260px, 3fr)',
    cell: (a) => (
      <div class="min-w-0">
        <div class="truncate text-[13px] font-medium text-fg" title={a.message}>
          {a.message}
        </div>
        <div class="truncate text-xs text-muted">{a.ruleName}</div>
      </div>
    ),
  },
  {
    key: 'resource',
    header: 'Resource',
    width: 'minmax(160px, 1.4fr)',
    cell: (a) => (
      <A href={resourceHref(a.resourceId)} class="truncate text-[13px] text-fg hover:text-accent" onClick={(e) => e.stopPropagation()}>
        {a.resourceName || a.resourceId}
      </A>
    ),
  },
  { key: 'since', header: 'Started', width: '130px', cell: (a) => <span class="num text-[13px] text-muted" title={new Date(sinceOf(a)).toLocaleString()}>{clock(sinceOf(a), now())}</span> },
  { key: 'duration', header: 'Lasted', width: '96px', align: 'right', cell: (a) => <span class="num text-[13px]">{formatDuration(durationOf(a, now()) / 1000)}</span> },
  {
    key: 'resolved',
    header: 'Resolved',
    width: '130px',
    cell: (a) => <span class="num text-[13px] text-muted">{a.resolvedAt ? clock(a.resolvedAt, now()) : <span class="text-warn">open</span>}</span>,
  },
];

/** `/alerts/history`: every alert kept (resolved ones for `alerts.history_days`), filterable. */
export default function HistoryPage() {
  usePageTitle(() => 'Alert history');
  const store = useAlerts();
  const now = createNow(30_000);
  const [params, setParams] = useSearchParams<{ resource?: string; rule?: string; severity?: string; state?: string; q?: string }>();
  const poll = createPoll(async (signal) => {
    try {
      return { alerts: await store.api.alerts.list({ state: 'all' }, signal) };
    } catch (err) {
      if (isMissingEndpoint(err)) return { missing: true as const, alerts: [] as Alert[] };
      throw err;
    }
  }, 30_000);
  const all = createMemo(() => [...(poll.value()?.alerts ?? [])].sort((a, b) => sinceOf(b) - sinceOf(a) || compareAlerts(a, b)));
  const query = (): HistoryQuery => ({ resource: params.resource ?? 'all', rule: params.rule ?? 'all', severity: params.severity ?? 'all', state: params.state ?? 'all', text: params.q ?? '' });
  const rows = createMemo(() => all().filter((a) => matchesHistory(a, query())));
  const resources = createMemo(() => optionsOf(all(), (a) => a.resourceId, (a) => a.resourceName || a.resourceId));
  const rules = createMemo(() => optionsOf(all(), (a) => a.ruleId, (a) => a.ruleName));
  const isFiltered = () => Object.values(query()).some((v) => v !== '' && v !== 'all');
  const clear = () => setParams({ resource: undefined, rule: undefined, severity: undefined, state: undefined, q: undefined });
  const set = (key: keyof typeof params) => (v: string) => setParams({ [key]: v === 'all' || v === '' ? undefined : v }, { replace: true });

  return (
    <div class="flex h-full min-h-0 flex-col gap-5" data-testid="alert-history-page">
      <PageHeader title="Alerts" description="Every alert Pulse raised, open and resolved." />
      <AlertsTabs />
      <Show when={poll.value()?.missing}>
        <Banner tone="info" title="The alerts API is not on this server yet" testId="alerts-api-missing">
          History needs a server with the alerts API (GET /api/alerts?state=all).
        </Banner>
      </Show>
      <Show when={poll.error()}>
        <Banner tone="warn" title="Could not load the history" testId="alert-history-error">
          {poll.error()}
        </Banner>
      </Show>
      <section class="flex min-h-0 shrink flex-col overflow-hidden rounded-xl border bg-surface shadow-card">
        <div class="flex flex-wrap items-center gap-2.5 border-b px-4 py-3">
          <div class="w-full sm:w-64">
            <SearchInput value={params.q ?? ''} onValue={set('q')} placeholder="Message, rule, resource…" testId="alert-history-search" />
          </div>
          <Select label="Resource" value={query().resource} options={[{ value: 'all', label: 'All' }, ...resources()]} onChange={set('resource')} testId="alert-history-resource" />
          <Select label="Rule" value={query().rule} options={[{ value: 'all', label: 'All' }, ...rules()]} onChange={set('rule')} testId="alert-history-rule" />
          <Select
            label="Severity"
            value={query().severity}
            options={[{ value: 'all', label: 'All' }, ...(['critical', 'warning', 'info'] as const).map((s) => ({ value: s, label: severityLabel[s] }))]}
            onChange={set('severity')}
            testId="alert-history-severity"
          />
          <Select
            label="State"
            value={query().state}
            options={[{ value: 'all', label: 'All' }, { value: 'open', label: 'Open' }, ...(['resolved', 'firing', 'acknowledged', 'pending'] as const).map((s) => ({ value: s, label: stateLabel[s] }))]}
            onChange={set('state')}
            testId="alert-history-state"
          />
          <Show when={isFiltered()}>
            <Button variant="ghost" class="h-8! px-2.5 text-xs!" onClick={clear}>
              Clear
            </Button>
          </Show>
          <span class="num ml-auto text-xs whitespace-nowrap text-faint" data-testid="alert-history-count">
            {rows().length === all().length ? plural(all().length, 'alert') : `${formatCount(rows().length)} of ${plural(all().length, 'alert')}`}
          </span>
        </div>
        <div class="min-h-0 flex-1" style={{ 'min-height': `calc(2.25rem + ${Math.min(Math.max(rows().length, 1), 6) * ROW_HEIGHT}px)` }}>
          <Switch>
            <Match when={poll.value() === undefined && !poll.error()}>
              <div class="flex h-40 items-center justify-center text-faint">
                <Spinner />
              </div>
            </Match>
            <Match when={all().length === 0}>
              <EmptyState icon={<History size={20} />} title="No alerts yet" testId="alert-history-empty">
                Nothing has fired so far. Alerts land here when they open, and stay after they resolve.
              </EmptyState>
            </Match>
            <Match when={rows().length === 0}>
              <EmptyState icon={<SearchX size={20} />} title="No alerts match" action={<Button onClick={clear}>Clear filters</Button>}>
                No alert matches these filters.
              </EmptyState>
            </Match>
            <Match when={true}>
              <VirtualTable columns={columns(now)} rows={rows()} rowKey={(a) => a.id} rowHeight={ROW_HEIGHT} minWidth={1000} rowTestId="alert-history-row" scrollKey={JSON.stringify(query())} testId="alert-history-table" />
            </Match>
          </Switch>
        </div>
      </section>
    </div>
  );
}
