import type { Resource } from '@pulse/protocol';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import SearchX from 'lucide-solid/icons/search-x';
import ServerOff from 'lucide-solid/icons/server-off';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { formatCount, formatGiB, plural } from '../../lib/format';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SearchInput } from '../../ui/SearchInput';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { StatTile } from '../../ui/StatTile';
import { VirtualTable } from '../../ui/VirtualTable';
import { PageHeader } from '../../app/PageHeader';
import { createRememberedSet } from '../../lib/remembered-set';
import { resourceColumns, type TreeControls } from './columns';
import { countByType, matchesQuery, nextSort, sortResources, type Sort, type SortKey } from './filter';
import { metric, typeCount, typeLabel } from './model';
import { useResources } from './store';
import { flatRows, nestResources } from './tree';
import { usePageTitle } from '../../lib/title';

const ROW_HEIGHT = 60;

/** A container that ran to completion (exit 0, not killed): offline, but nothing to look at. */
const isFinishedJob = (r: Resource) =>
  r.type === 'app-container' && r.details['state'] === 'exited' && r.details['exitCode'] === 0 && r.details['oomKilled'] !== true;

function Summary(props: { resources: readonly Resource[] }) {
  const counts = createMemo(() => {
    let online = 0;
    let attention = 0;
    let memUsed = 0;
    let memTotal = 0;
    for (const r of props.resources) {
      if (r.status === 'online') online++;
      if ((r.status === 'degraded' || r.status === 'offline') && !isFinishedJob(r)) attention++;
      // A container's or guest's memory is part of its machine's: count machines only.
      if (r.parentId !== undefined) continue;
      memUsed += metric(r, 'mem.used') ?? 0;
      memTotal += metric(r, 'mem.total') ?? 0;
    }
    return { online, attention, memUsed, memTotal };
  });
  const byType = () => [...countByType(props.resources)].map(([type, n]) => typeCount(type as Resource['type'], n)).join(' · ');
  return (
    <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatTile label="Resources" value={formatCount(props.resources.length)} detail={byType()} testId="summary-total" />
      <StatTile label="Online" tone="ok" value={formatCount(counts().online)} detail={`of ${props.resources.length}`} />
      <StatTile
        label="Needs attention"
        tone={counts().attention ? 'crit' : undefined}
        value={formatCount(counts().attention)}
        detail={counts().attention ? 'degraded or offline' : 'all clear'}
        testId="summary-attention"
      />
      <StatTile
        label="Memory in use"
        value={counts().memTotal ? `${formatGiB(counts().memUsed)} GiB` : '—'}
        detail={counts().memTotal ? `of ${formatGiB(counts().memTotal)} GiB, excluding cache` : undefined}
      />
    </div>
  );
}

function LoadingRows() {
  return (
    <div class="divide-y" data-testid="resources-loading">
      <For each={[0, 1, 2, 3, 4]}>
        {() => (
          <div class="flex h-[60px] items-center gap-4 px-4">
            <div class="skeleton size-8" />
            <div class="skeleton h-3 w-40" />
            <div class="skeleton ml-auto h-3 w-24" />
            <div class="skeleton h-3 w-32" />
            <div class="skeleton h-3 w-24" />
          </div>
        )}
      </For>
    </div>
  );
}

export function InfrastructurePage() {
  const store = useResources();
  const navigate = useNavigate();
  usePageTitle(() => 'Infrastructure');
  // Filters live in the URL so a filtered view can be bookmarked and survives reloads.
  const [params, setParams] = useSearchParams<{ q?: string; type?: string; sort?: string }>();
  const query = () => ({ text: params.q ?? '', type: params.type ?? 'all' });
  const sort = (): Sort => {
    const [key, dir] = (params.sort ?? 'name:asc').split(':');
    return { key: (key as SortKey) ?? 'name', dir: dir === 'desc' ? 'desc' : 'asc' };
  };

  const isFiltered = () => query().text !== '' || query().type !== 'all';
  const matched = createMemo(() => sortResources(store.state.resources.filter((r) => matchesQuery(r, query())), sort()));
  // Unfiltered, containers sit under the machine that runs them, closed until opened; a filtered
  // list shows every match at the top level, so a search for a container finds it.
  const opened = createRememberedSet('pulse.infrastructure.opened');
  const nested = createMemo(() => (isFiltered() ? flatRows(matched()) : nestResources(matched(), opened.values())));
  const rows = () => nested().rows;
  const tree: TreeControls = { nesting: (id) => nested().nesting.get(id), isOpen: opened.has, toggle: opened.toggle };
  const treeColumns = resourceColumns(tree);
  const flatColumns = resourceColumns();
  const typeOptions = createMemo(() => {
    const counts = countByType(store.state.resources);
    return [
      { value: 'all', label: 'All', count: store.state.resources.length },
      ...[...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([type, count]) => ({ value: type, label: typeLabel[type as Resource['type']] ?? type, count })),
    ];
  });
  const clearFilters = () => setParams({ q: undefined, type: undefined });

  return (
    <div class="flex h-full min-h-0 flex-col gap-5" data-testid="infrastructure-page">
      <PageHeader title="Infrastructure" description="Every machine, VM and container Pulse watches, updated live." />
      <Show when={store.state.ready && store.state.resources.length > 0}>
        <Summary resources={store.state.resources} />
      </Show>
      <section class="flex min-h-0 shrink flex-col overflow-hidden rounded-xl border bg-surface shadow-card">
        <div class="flex flex-wrap items-center gap-3 border-b px-4 py-3">
          <SearchInput value={params.q ?? ''} onValue={(q) => setParams({ q: q || undefined }, { replace: true })} placeholder="Filter by name, tag, address…" testId="resource-search" />
          <Show when={typeOptions().length > 2}>
            <SegmentedControl label="Type" options={typeOptions()} value={query().type} onChange={(type) => setParams({ type: type === 'all' ? undefined : type })} testId="type-filter" />
          </Show>
          <span class="num ml-auto text-xs text-faint" data-testid="resource-count">
            <Show when={store.state.ready}>
              {matched().length === store.state.resources.length
                ? plural(matched().length, 'resource')
                : `${formatCount(matched().length)} of ${plural(store.state.resources.length, 'resource')}`}
            </Show>
          </span>
        </div>
        {/* Never squeezed below a few rows on a short window; never taller than its rows (2.25rem: the header). */}
        <div class="min-h-0 flex-1" style={{ 'min-height': `calc(2.25rem + ${Math.min(Math.max(rows().length, 1), 5) * ROW_HEIGHT}px)` }}>
          <Switch>
            <Match when={store.state.error && !store.state.ready}>
              <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load resources" testId="resources-error">
                {store.state.error}
              </EmptyState>
            </Match>
            <Match when={!store.state.ready}>
              <LoadingRows />
            </Match>
            <Match when={store.state.resources.length === 0}>
              <EmptyState icon={<ServerOff size={20} />} title="Nothing to show yet" testId="resources-empty">
                Pulse lists this machine within a few seconds of starting. Sources you connect (Proxmox, Docker, agents) appear here as
                soon as they report.
              </EmptyState>
            </Match>
            <Match when={matched().length === 0}>
              <EmptyState
                icon={<SearchX size={20} />}
                title="No resources match"
                action={<Button onClick={clearFilters}>Clear filters</Button>}
                testId="resources-no-match"
              >
                Nothing matches “{query().text || typeLabel[query().type as Resource['type']]}”.
              </EmptyState>
            </Match>
            <Match when={true}>
              <VirtualTable
                columns={isFiltered() ? flatColumns : treeColumns}
                rows={rows()}
                rowKey={(r) => r.id}
                rowHeight={ROW_HEIGHT}
                sort={sort()}
                onSort={(key) => {
                  const next = nextSort(sort(), key as SortKey);
                  setParams({ sort: `${next.key}:${next.dir}` }, { replace: true });
                }}
                onRowClick={(r) => navigate(`/resources/${encodeURIComponent(r.id)}`)}
                rowTestId="resource-row"
                scrollKey={`${query().text}|${query().type}`}
                testId="resource-table"
              />
            </Match>
          </Switch>
        </div>
      </section>
    </div>
  );
}
