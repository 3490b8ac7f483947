import type { Resource, ResourceStatus } from '@pulse/protocol';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import ContainerIcon from 'lucide-solid/icons/container';
import SearchX from 'lucide-solid/icons/search-x';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { PageHeader } from '../../app/PageHeader';
import { formatBytes, formatCount, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SearchInput } from '../../ui/SearchInput';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Select } from '../../ui/Select';
import { StatTile } from '../../ui/StatTile';
import { VirtualTable } from '../../ui/VirtualTable';
import { useSession } from '../auth/session';
import { statusLabel } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { workloadColumns } from './columns';
import { workloadRow, type WorkloadRow } from './container-model';
import {
  countByStatus, hostOptions, matchesWorkload, nextWorkloadSort, parseWorkloadSort, projectOptions, sortWorkloads,
  type WorkloadQuery, type WorkloadSortKey,
} from './workload-filter';

const ROW_HEIGHT = 56;
// The server's statuses, in the words the rest of the dashboard uses; the State column says more.
const STATUS_FILTERS: { value: ResourceStatus; label: string }[] = (['online', 'degraded', 'offline', 'unknown'] as const).map((value) => ({
  value,
  label: statusLabel[value],
}));
const isStatus = (v: string | undefined): v is ResourceStatus => STATUS_FILTERS.some((s) => s.value === v);

function Summary(props: { rows: readonly WorkloadRow[] }) {
  const figures = createMemo(() => {
    let running = 0;
    let attention = 0;
    let memory = 0;
    const hosts = new Set<string>();
    const projects = new Set<string>();
    for (const row of props.rows) {
      if (row.facts.state === 'running') running++;
      if (row.state.tone === 'warn' || row.state.tone === 'crit') attention++;
      memory += row.memUsed ?? 0;
      if (row.hostId) hosts.add(row.hostId);
      if (row.facts.composeProject) projects.add(row.facts.composeProject);
    }
    return { running, attention, memory, hosts: hosts.size, projects: projects.size };
  });
  return (
    <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatTile
        label="Containers"
        value={formatCount(props.rows.length)}
        detail={`on ${plural(figures().hosts, 'host')} · ${plural(figures().projects, 'compose project')}`}
        testId="workloads-total"
      />
      <StatTile label="Running" tone="ok" value={formatCount(figures().running)} detail={`of ${formatCount(props.rows.length)}`} testId="workloads-running" />
      <StatTile
        label="Needs attention"
        tone={figures().attention ? 'crit' : undefined}
        value={formatCount(figures().attention)}
        detail={figures().attention ? 'unhealthy, restarting, paused or crashed' : 'all clear'}
        testId="workloads-attention"
      />
      <StatTile label="Memory in use" value={formatBytes(figures().memory)} detail="by running containers" />
    </div>
  );
}

function NoContainers() {
  const session = useSession();
  const isAdmin = () => session.info()?.scopes.includes('admin') ?? false;
  return (
    <EmptyState
      icon={<ContainerIcon size={20} />}
      title="No containers yet"
      action={
        <Show when={isAdmin()}>
          <A href="/system/agents?add=1">
            <Button variant="primary">Add an agent</Button>
          </A>
        </Show>
      }
      testId="workloads-empty"
    >
      Containers show up here once Pulse can see a Docker or Podman engine: install the Pulse agent on a machine that runs
      containers, or let the server poll an engine directly by adding a <code class="font-mono text-[12px] text-fg">[[docker.remotes]]</code> table
      to pulse.toml.
    </EmptyState>
  );
}

/** Every container Pulse sees, from every agent and engine, in one live list. */
export default function WorkloadsPage() {
  usePageTitle(() => 'Workloads');
  const store = useResources();
  const navigate = useNavigate();
  const now = createNow(1_000);
  // Filters live in the URL, so a filtered view can be bookmarked and linked to (a host's "all containers").
  const [params, setParams] = useSearchParams<{ q?: string; status?: string; host?: string; project?: string; sort?: string }>();
  const query = (): WorkloadQuery => ({
    text: params.q ?? '',
    status: isStatus(params.status) ? params.status : 'all',
    host: params.host ?? 'all',
    project: params.project ?? 'all',
  });
  const sort = () => parseWorkloadSort(params.sort);

  // Every field of every container is read here: from the plain objects, so hundreds of containers
  // do not turn into thousands of tracked fields for the store to notify on each report.
  const all = createMemo(() => {
    store.revision();
    const list = store.raw();
    const byId = new Map(list.map((r) => [r.id, r]));
    return list.filter((r) => r.type === 'app-container').map((r) => workloadRow(r, r.parentId ? byId.get(r.parentId) : undefined));
  });
  const rowsById = createMemo(() => new Map(all().map((row) => [row.resource.id, row])));
  const matched = createMemo(() => sortWorkloads(all().filter((row) => matchesWorkload(row, query())), sort()));
  const rows = createMemo<Resource[]>(() => matched().map((row) => row.resource));
  const columns = workloadColumns((id) => rowsById().get(id), now);

  const statusCounts = createMemo(() => countByStatus(all()));
  const statusOptions = () => [
    { value: 'all', label: 'All', count: all().length },
    ...STATUS_FILTERS.filter((s) => s.value !== 'unknown' || statusCounts().unknown > 0).map((s) => ({ ...s, count: statusCounts()[s.value] })),
  ];
  const hosts = createMemo(() => hostOptions(all()));
  const projects = createMemo(() => projectOptions(all()));
  const isFiltered = () => Object.values(query()).some((v) => v !== '' && v !== 'all');
  const clearFilters = () => setParams({ q: undefined, status: undefined, host: undefined, project: undefined });

  return (
    <div class="flex h-full min-h-0 flex-col gap-5" data-testid="workloads-page">
      <PageHeader title="Workloads" description="Every container on every host Pulse watches, updated live." />
      <Show when={store.state.ready && all().length > 0}>
        <Summary rows={all()} />
      </Show>
      <section class="flex min-h-0 shrink flex-col overflow-hidden rounded-xl border bg-surface shadow-card">
        <div class="flex flex-wrap items-center gap-2.5 border-b px-4 py-3">
          <SearchInput value={params.q ?? ''} onValue={(q) => setParams({ q: q || undefined }, { replace: true })} placeholder="Filter by name, image, project…" testId="workloads-search" />
          <SegmentedControl
            label="Status"
            options={statusOptions()}
            value={query().status}
            onChange={(status) => setParams({ status: status === 'all' ? undefined : status })}
            testId="workloads-status"
          />
          <Show when={hosts().length > 1 || query().host !== 'all'}>
            <Select
              label="Host"
              value={query().host}
              options={[{ value: 'all', label: 'All' }, ...hosts()]}
              onChange={(host) => setParams({ host: host === 'all' ? undefined : host })}
              testId="workloads-host"
            />
          </Show>
          <Show when={projects().length > 0}>
            <Select
              label="Project"
              value={query().project}
              options={[{ value: 'all', label: 'All' }, ...projects()]}
              onChange={(project) => setParams({ project: project === 'all' ? undefined : project })}
              testId="workloads-project"
            />
          </Show>
          <span class="num ml-auto text-xs text-faint" data-testid="workloads-count">
            <Show when={store.state.ready}>
              {matched().length === all().length ? plural(all().length, 'container') : `${formatCount(matched().length)} of ${plural(all().length, 'container')}`}
            </Show>
          </span>
        </div>
        <div class="min-h-0 flex-1" style={{ 'min-height': `calc(2.25rem + ${Math.min(Math.max(rows().length, 1), 5) * ROW_HEIGHT}px)` }}>
          <Switch>
            <Match when={store.state.error && !store.state.ready}>
              <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load containers">
                {store.state.error}
              </EmptyState>
            </Match>
            <Match when={!store.state.ready}>
              <div class="divide-y" data-testid="workloads-loading">
                <For each={[0, 1, 2, 3, 4]}>
                  {() => (
                    <div class="flex h-14 items-center gap-4 px-4">
                      <div class="skeleton size-2.5 rounded-full" />
                      <div class="skeleton h-3 w-44" />
                      <div class="skeleton ml-auto h-3 w-24" />
                      <div class="skeleton h-3 w-32" />
                    </div>
                  )}
                </For>
              </div>
            </Match>
            <Match when={all().length === 0}>
              <NoContainers />
            </Match>
            <Match when={rows().length === 0}>
              <EmptyState icon={<SearchX size={20} />} title="No containers match" action={<Button onClick={clearFilters}>Clear filters</Button>} testId="workloads-no-match">
                {isFiltered() ? 'No container matches these filters.' : ''}
              </EmptyState>
            </Match>
            <Match when={true}>
              <VirtualTable
                columns={columns}
                rows={rows()}
                rowKey={(r) => r.id}
                rowHeight={ROW_HEIGHT}
                minWidth={1080}
                sort={sort()}
                onSort={(key) => {
                  const next = nextWorkloadSort(sort(), key as WorkloadSortKey);
                  setParams({ sort: `${next.key}:${next.dir}` }, { replace: true });
                }}
                onRowClick={(r) => navigate(`/resources/${encodeURIComponent(r.id)}`)}
                rowTestId="workload-row"
                scrollKey={JSON.stringify(query())}
                testId="workloads-table"
              />
            </Match>
          </Switch>
        </div>
      </section>
    </div>
  );
}
