import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import Plus from 'lucide-solid/icons/plus';
import SearchX from 'lucide-solid/icons/search-x';
import Activity from 'lucide-solid/icons/activity';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatCount, plural } from '../../lib/format';
import { createKeyedList } from '../../lib/keyed';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SearchInput } from '../../ui/SearchInput';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Select } from '../../ui/Select';
import { Sparkline } from '../../ui/Sparkline';
import { StatTile } from '../../ui/StatTile';
import { VirtualTable, type GridColumn } from '../../ui/VirtualTable';
import { useSession } from '../auth/session';
import { useResources } from '../infrastructure/store';
import { MonitorStateBadge, MonitorTypeIcon, UptimeFigure } from './cells';
import {
  countMonitors, groupOptions, isStateFilter, matchesMonitor, nextSort, parseSort, sortMonitors, type MonitorQuery, type MonitorSortKey,
} from './monitor-filter';
import { formatInterval, formatMs, mergeRows, monitorHref, reasonText, stateTone, typeLabel, type MonitorRow, type MonitorView } from './monitor-model';
import { isMissingEndpoint } from './monitors-api';
import { createRtTrends, RT_WINDOW_MS, type RtTrends } from './trends';
import { useMonitorsApi } from './use-monitors-api';

const ROW_HEIGHT = 56;
/** A row asks for its sparkline's hour only after staying on screen this long, so a fast scroll asks for nothing. */
const TREND_SETTLE_MS = 250;

function RtCell(props: { row: MonitorRow; trends: RtTrends }) {
  onMount(() => {
    const timer = setTimeout(() => props.trends.watch(props.row.id), TREND_SETTLE_MS);
    onCleanup(() => clearTimeout(timer));
  });
  const trend = () => props.trends.trend(props.row.id);
  return (
    <div class="flex min-w-0 items-center gap-3">
      <Sparkline
        t={trend()?.t ?? []}
        v={trend()?.v ?? []}
        windowMs={RT_WINDOW_MS}
        width={112}
        height={26}
        tone={props.row.state === 'down' ? 'crit' : 'accent'}
        label={`${props.row.name} response time, last hour`}
      />
      <span class="num w-16 shrink-0 text-right text-[13px] text-fg" data-testid="monitor-rt">
        {props.row.state === 'paused' ? <span class="text-faint">—</span> : formatMs(props.row.rt)}
      </span>
    </div>
  );
}

function columns(trends: RtTrends, now: () => number): GridColumn<MonitorRow>[] {
  return [
    {
      key: 'name',
      header: 'Monitor',
      width: 'minmax(240px, 2.2fr)',
      sortable: true,
      cell: (r) => (
        <div class="flex min-w-0 items-center gap-3">
          <span class="flex size-8 shrink-0 items-center justify-center rounded-lg border bg-surface-2 text-muted">
            <MonitorTypeIcon type={r.type} size={15} />
          </span>
          <div class="min-w-0">
            <A href={monitorHref(r.id)} class="block truncate text-[13px] font-medium text-fg hover:underline" data-testid="monitor-name" onClick={(e) => e.stopPropagation()}>
              {r.name}
            </A>
            <div class="truncate font-mono text-[11.5px] text-muted" title={r.target}>
              {r.target || '—'}
            </div>
          </div>
        </div>
      ),
    },
    {
      key: 'state',
      header: 'State',
      width: 'minmax(150px, 1.3fr)',
      sortable: true,
      cell: (r) => (
        <div class="flex min-w-0 flex-col items-start gap-0.5">
          <MonitorStateBadge state={r.state} testId="monitor-state" />
          <Show when={(r.state === 'down' || r.state === 'pending') && r.reason}>
            <span class={`w-full truncate text-[11.5px] ${stateTone[r.state] === 'crit' ? 'text-crit' : 'text-warn'}`} title={reasonText(r.reason)} data-testid="monitor-reason">
              {reasonText(r.reason)}
            </span>
          </Show>
        </div>
      ),
    },
    { key: 'type', header: 'Type', width: '64px', cell: (r) => <span class="text-xs text-muted">{r.type ? typeLabel[r.type] : '—'}</span> },
    { key: 'group', header: 'Group', width: 'minmax(90px, 0.8fr)', sortable: true, cell: (r) => <span class="truncate text-xs text-muted">{r.group ?? '—'}</span> },
    { key: 'rt', header: 'Response · 1h', width: '200px', sortable: true, cell: (r) => <RtCell row={r} trends={trends} /> },
    { key: 'uptime', header: 'Uptime 24h', width: '96px', align: 'right', sortable: true, cell: (r) => <UptimeFigure value={r.uptime24h} testId="monitor-uptime" /> },
    {
      key: 'checked',
      header: 'Last check',
      width: '112px',
      align: 'right',
      sortable: true,
      cell: (r) => (
        <div class="text-right">
          <div class="num text-xs text-fg">{formatAgo(r.lastCheckAt, now())}</div>
          <div class="text-[11px] text-faint">{formatInterval(r.intervalS)}</div>
        </div>
      ),
    },
  ];
}

/** Every uptime monitor, live: state, response time over the last hour, uptime; quick at thousands. */
export default function MonitorsPage() {
  usePageTitle(() => 'Monitors');
  const store = useResources();
  const navigate = useNavigate();
  const api = useMonitorsApi();
  const now = createNow(5_000);
  const trends = createRtTrends(store, useSession().api);
  const [params, setParams] = useSearchParams<{ q?: string; state?: string; group?: string; type?: string; sort?: string }>();
  const query = (): MonitorQuery => ({
    text: params.q ?? '',
    state: isStateFilter(params.state) ? params.state : 'all',
    group: params.group ?? 'all',
    type: params.type ?? 'all',
  });
  const sort = () => parseSort(params.sort);

  // The API adds what resources lack (uptime 24 h, paused monitors, ones never checked); a server
  // without it still lists every monitor it checks.
  const views = createPoll<{ views?: MonitorView[]; missing?: boolean }>(async (signal) => {
    try {
      return { views: await api.list(signal) };
    } catch (err) {
      if (isMissingEndpoint(err)) return { missing: true };
      throw err;
    }
  }, 30_000);

  const all = createMemo(() => {
    store.revision();
    return mergeRows(store.raw(), views.value()?.views);
  });
  const matched = createMemo(() => sortMonitors(all().filter((r) => matchesMonitor(r, query())), sort()));
  const rows = createKeyedList(matched, 'id');
  const counts = createMemo(() => countMonitors(all()));
  const groups = createMemo(() => groupOptions(all()));
  const types = createMemo(() => {
    const seen = new Map<string, number>();
    for (const r of all()) if (r.type) seen.set(r.type, (seen.get(r.type) ?? 0) + 1);
    return [...seen.entries()].map(([value, count]) => ({ value, label: typeLabel[value as keyof typeof typeLabel] ?? value, count }));
  });
  const ready = () => store.state.ready;
  const isFiltered = () => Object.values(query()).some((v) => v !== '' && v !== 'all');
  const clearFilters = () => setParams({ q: undefined, state: undefined, group: undefined, type: undefined });
  const cols = columns(trends, now);

  return (
    <div class="flex h-full min-h-0 flex-col gap-5" data-testid="monitors-page">
      <PageHeader
        title="Monitors"
        description="Websites, ports, DNS names and heartbeats, checked on a schedule and updated live."
        actions={
          <A href="/uptime/new">
            <Button variant="primary" testId="monitor-new">
              <Plus size={15} />
              New monitor
            </Button>
          </A>
        }
      />
      <Show when={views.value()?.missing}>
        <Banner tone="info" title="The monitors API is not on this server yet" testId="monitors-api-missing">
          Monitors show here from their live figures; uptime percentages, paused monitors and editing need a server with the monitors API.
        </Banner>
      </Show>
      <Show when={views.error()}>
        <Banner tone="warn" title="Could not load the monitor list" testId="monitors-api-error">
          {views.error()} Live figures still update.
        </Banner>
      </Show>
      <Show when={ready() && all().length > 0}>
        <div class="grid grid-cols-2 gap-3 lg:grid-cols-5" data-testid="monitors-summary">
          <StatTile label="Monitors" value={formatCount(counts().total)} detail={types().map((t) => `${t.count} ${t.label}`).join(' · ') || '—'} testId="monitors-total" />
          <StatTile label="Up" tone="ok" value={formatCount(counts().up)} detail={counts().pending ? `${formatCount(counts().pending)} retrying` : 'answering as expected'} testId="monitors-up" />
          <StatTile label="Down" tone={counts().down ? 'crit' : 'ok'} value={formatCount(counts().down)} detail={counts().down ? 'failing now' : 'none failing'} testId="monitors-down" />
          <StatTile label="Paused" value={formatCount(counts().paused)} detail="paused or in maintenance" testId="monitors-paused" />
          <StatTile label="Avg response" value={formatMs(counts().avgRt)} detail="of monitors that are up" testId="monitors-avg-rt" />
        </div>
      </Show>
      <section class="flex min-h-0 shrink flex-col overflow-hidden rounded-xl border bg-surface shadow-card">
        <div class="flex flex-wrap items-center gap-2.5 border-b px-4 py-3">
          <div class="w-full sm:w-72">
            <SearchInput value={params.q ?? ''} onValue={(q) => setParams({ q: q || undefined }, { replace: true })} placeholder="Name, URL, host, group, tag…" testId="monitors-search" />
          </div>
          <SegmentedControl
            label="State"
            options={[
              { value: 'all', label: 'All', count: counts().total },
              { value: 'up', label: 'Up', count: counts().up },
              { value: 'down', label: 'Down', count: counts().down },
              { value: 'pending', label: 'Pending', count: counts().pending },
              { value: 'paused', label: 'Paused', count: counts().paused },
            ]}
            value={query().state}
            onChange={(state) => setParams({ state: state === 'all' ? undefined : state })}
            testId="monitors-state"
          />
          <Show when={groups().length > 1 || query().group !== 'all'}>
            <Select label="Group" value={query().group} options={[{ value: 'all', label: 'All' }, ...groups()]} onChange={(group) => setParams({ group: group === 'all' ? undefined : group })} testId="monitors-group" />
          </Show>
          <Show when={types().length > 1 || query().type !== 'all'}>
            <Select label="Type" value={query().type} options={[{ value: 'all', label: 'All' }, ...types()]} onChange={(type) => setParams({ type: type === 'all' ? undefined : type })} testId="monitors-type" />
          </Show>
          <Show when={isFiltered()}>
            <Button variant="ghost" class="h-8! px-2.5 text-xs!" onClick={clearFilters} testId="monitors-clear">
              Clear
            </Button>
          </Show>
          <span class="num ml-auto text-xs whitespace-nowrap text-faint" data-testid="monitors-count">
            <Show when={ready()}>{matched().length === all().length ? plural(all().length, 'monitor') : `${formatCount(matched().length)} of ${plural(all().length, 'monitor')}`}</Show>
          </span>
        </div>
        <div class="min-h-0 flex-1" style={{ 'min-height': `calc(2.25rem + ${Math.min(Math.max(rows().length, 1), 5) * ROW_HEIGHT}px)` }}>
          <Switch>
            <Match when={!ready()}>
              <div class="divide-y" data-testid="monitors-loading">
                <For each={[0, 1, 2, 3, 4]}>
                  {() => (
                    <div class="flex h-14 items-center gap-4 px-4">
                      <div class="skeleton size-8 rounded-lg" />
                      <div class="skeleton h-3 w-52" />
                      <div class="skeleton ml-auto h-3 w-28" />
                      <div class="skeleton h-3 w-20" />
                    </div>
                  )}
                </For>
              </div>
            </Match>
            <Match when={all().length === 0}>
              <EmptyState
                icon={<Activity size={20} />}
                title="No monitors yet"
                action={
                  <A href="/uptime/new">
                    <Button variant="primary">
                      <Plus size={15} />
                      New monitor
                    </Button>
                  </A>
                }
                testId="monitors-none"
              >
                Check a website, a port, a DNS name or a host's ping, or have a cron job report in with a push monitor.
              </EmptyState>
            </Match>
            <Match when={rows().length === 0}>
              <EmptyState icon={<SearchX size={20} />} title="No monitors match" action={<Button onClick={clearFilters}>Clear filters</Button>} testId="monitors-no-match">
                No monitor matches these filters.
              </EmptyState>
            </Match>
            <Match when={true}>
              <VirtualTable
                columns={cols}
                rows={rows()}
                rowKey={(r) => r.id}
                rowHeight={ROW_HEIGHT}
                minWidth={1120}
                sort={sort()}
                onSort={(key) => {
                  const next = nextSort(sort(), key as MonitorSortKey);
                  setParams({ sort: `${next.key}:${next.dir}` }, { replace: true });
                }}
                onRowClick={(r) => navigate(monitorHref(r.id))}
                rowTestId="monitor-row"
                scrollKey={JSON.stringify(query())}
                testId="monitors-table"
              />
            </Match>
          </Switch>
        </div>
      </section>
    </div>
  );
}
