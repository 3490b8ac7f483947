import type { Resource } from '@pulse/protocol';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import SearchX from 'lucide-solid/icons/search-x';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { PageHeader } from '../../app/PageHeader';
import { formatCount, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { usePageTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SearchInput } from '../../ui/SearchInput';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Select } from '../../ui/Select';
import { StatTile } from '../../ui/StatTile';
import { VirtualTable } from '../../ui/VirtualTable';
import { useResources } from '../infrastructure/store';
import { guestStateLabel, NoProxmox } from './cells';
import { guestColumns } from './guest-columns';
import {
  countGuests, GUEST_STATES, isGuestKind, isGuestState, matchesGuest, nextGuestSort, optionsOf, parseGuestSort, sortGuests,
  type GuestQuery, type GuestSortKey,
} from './guest-filter';
import { guestRows, notBackedUp, type GuestRow } from './guest-rows';
import { proxmoxHref } from './model';

const ROW_HEIGHT = 56;

function Summary(props: { rows: readonly GuestRow[]; now: number }) {
  const figures = createMemo(() => {
    const counts = countGuests(props.rows);
    const nodes = new Set(props.rows.map((r) => r.nodeName));
    return { ...counts, nodes: nodes.size, unprotected: notBackedUp(props.rows, props.now).length };
  });
  return (
    <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatTile label="Guests" value={formatCount(props.rows.length)} detail={`${plural(figures().qemu, 'VM')} · ${formatCount(figures().lxc)} LXC · on ${plural(figures().nodes, 'node')}`} testId="guests-total" />
      <StatTile label="Running" tone="ok" value={formatCount(figures().state.running)} detail={`${formatCount(figures().state.stopped)} stopped`} testId="guests-running" />
      <StatTile
        label="Paused or unknown"
        tone={figures().state.paused + figures().state.unknown ? 'warn' : undefined}
        value={formatCount(figures().state.paused + figures().state.unknown)}
        detail={figures().state.paused + figures().state.unknown ? 'may need a look' : 'all clear'}
      />
      <StatTile
        label="Not backed up"
        tone={figures().unprotected ? 'crit' : 'ok'}
        value={formatCount(figures().unprotected)}
        detail="no backup in the last 7 days"
        testId="guests-unprotected"
      />
    </div>
  );
}

/** Every VM and container on every Proxmox node, in one live list that stays quick at thousands. */
export default function GuestsPage() {
  usePageTitle(() => 'Guests');
  const store = useResources();
  const navigate = useNavigate();
  const now = createNow(5_000);
  // Filters live in the URL, so a filtered view can be bookmarked and linked to (a node's guests).
  const [params, setParams] = useSearchParams<{ q?: string; type?: string; state?: string; node?: string; tag?: string; pool?: string; sort?: string }>();
  const query = (): GuestQuery => ({
    text: params.q ?? '',
    type: isGuestKind(params.type) ? params.type : 'all',
    state: isGuestState(params.state) ? params.state : 'all',
    node: params.node ?? 'all',
    tag: params.tag ?? 'all',
    pool: params.pool ?? 'all',
  });
  const sort = () => parseGuestSort(params.sort);

  // Read from the plain objects, as Workloads does: thousands of guests are not thousands of tracked fields.
  const all = createMemo(() => {
    store.revision();
    return guestRows(store.raw());
  });
  const anyProxmox = createMemo(() => all().length > 0 || store.state.resources.some((r) => r.id.startsWith('pve:')));
  const rowsById = createMemo(() => new Map(all().map((row) => [row.resource.id, row])));
  const matched = createMemo(() => sortGuests(all().filter((row) => matchesGuest(row, query())), sort()));
  const rows = createMemo<Resource[]>(() => matched().map((row) => row.resource));
  const columns = guestColumns((id) => rowsById().get(id), now);

  const counts = createMemo(() => countGuests(all()));
  const nodes = createMemo(() => optionsOf(all(), (r) => [r.nodeName]));
  const tags = createMemo(() => optionsOf(all(), (r) => r.facts.tags));
  const pools = createMemo(() => optionsOf(all(), (r) => [r.facts.pool]));
  const isFiltered = () => Object.values(query()).some((v) => v !== '' && v !== 'all');
  const clearFilters = () => setParams({ q: undefined, type: undefined, state: undefined, node: undefined, tag: undefined, pool: undefined });
  const all_ = (label = 'All') => ({ value: 'all', label });

  return (
    <div class="flex h-full min-h-0 flex-col gap-5" data-testid="guests-page">
      <PageHeader title="Guests" description="Virtual machines and LXC containers on every Proxmox node, updated live." />
      <Show when={store.state.ready && all().length > 0}>
        <Summary rows={all()} now={now()} />
      </Show>
      <Show when={!store.state.ready || anyProxmox()} fallback={<NoProxmox what="Virtual machines and containers" testId="guests-empty" />}>
        <section class="flex min-h-0 shrink flex-col overflow-hidden rounded-xl border bg-surface shadow-card">
          <div class="flex flex-wrap items-center gap-2.5 border-b px-4 py-3">
            <div class="w-full sm:w-60">
              <SearchInput value={params.q ?? ''} onValue={(q) => setParams({ q: q || undefined }, { replace: true })} placeholder="Name, VMID, tag, node…" testId="guests-search" />
            </div>
            <SegmentedControl
              label="Type"
              options={[
                { value: 'all', label: 'All', count: all().length },
                { value: 'qemu', label: 'VMs', count: counts().qemu },
                { value: 'lxc', label: 'LXC', count: counts().lxc },
              ]}
              value={query().type}
              onChange={(type) => setParams({ type: type === 'all' ? undefined : type })}
              testId="guests-type"
            />
            <Select
              label="State"
              value={query().state}
              options={[
                all_(),
                ...GUEST_STATES.filter((s) => s !== 'unknown' || counts().state.unknown > 0).map((s) => ({ value: s, label: guestStateLabel[s], count: counts().state[s] })),
              ]}
              onChange={(state) => setParams({ state: state === 'all' ? undefined : state })}
              testId="guests-state"
            />
            <Show when={nodes().length > 1 || query().node !== 'all'}>
              <Select label="Node" value={query().node} options={[all_(), ...nodes()]} onChange={(node) => setParams({ node: node === 'all' ? undefined : node })} testId="guests-node" />
            </Show>
            <Show when={tags().length > 0}>
              <Select label="Tag" value={query().tag} options={[all_(), ...tags()]} onChange={(tag) => setParams({ tag: tag === 'all' ? undefined : tag })} testId="guests-tag" />
            </Show>
            <Show when={pools().length > 0}>
              <Select label="Pool" value={query().pool} options={[all_(), ...pools()]} onChange={(pool) => setParams({ pool: pool === 'all' ? undefined : pool })} testId="guests-pool" />
            </Show>
            <Show when={isFiltered()}>
              <Button variant="ghost" class="h-8! px-2.5 text-xs!" onClick={clearFilters} testId="guests-clear">
                Clear
              </Button>
            </Show>
            <span class="num ml-auto text-xs whitespace-nowrap text-faint" data-testid="guests-count">
              <Show when={store.state.ready}>
                {matched().length === all().length ? plural(all().length, 'guest') : `${formatCount(matched().length)} of ${plural(all().length, 'guest')}`}
              </Show>
            </span>
          </div>
          <div class="min-h-0 flex-1" style={{ 'min-height': `calc(2.25rem + ${Math.min(Math.max(rows().length, 1), 5) * ROW_HEIGHT}px)` }}>
            <Switch>
              <Match when={store.state.error && !store.state.ready}>
                <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load guests">
                  {store.state.error}
                </EmptyState>
              </Match>
              <Match when={!store.state.ready}>
                <div class="divide-y" data-testid="guests-loading">
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
                <EmptyState icon={<SearchX size={20} />} title="No guests yet" testId="guests-none">
                  Pulse reads the Proxmox connection but has seen no VM or container on it yet. New guests show up here within one poll.
                </EmptyState>
              </Match>
              <Match when={rows().length === 0}>
                <EmptyState icon={<SearchX size={20} />} title="No guests match" action={<Button onClick={clearFilters}>Clear filters</Button>} testId="guests-no-match">
                  No guest matches these filters.
                </EmptyState>
              </Match>
              <Match when={true}>
                <VirtualTable
                  columns={columns}
                  rows={rows()}
                  rowKey={(r) => r.id}
                  rowHeight={ROW_HEIGHT}
                  minWidth={1100}
                  sort={sort()}
                  onSort={(key) => {
                    const next = nextGuestSort(sort(), key as GuestSortKey);
                    setParams({ sort: `${next.key}:${next.dir}` }, { replace: true });
                  }}
                  onRowClick={(r) => navigate(proxmoxHref(r.id))}
                  rowTestId="guest-row"
                  scrollKey={JSON.stringify(query())}
                  testId="guests-table"
                />
              </Match>
            </Switch>
          </div>
        </section>
      </Show>
    </div>
  );
}
