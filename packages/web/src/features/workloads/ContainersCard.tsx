import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { createMemo, Show } from 'solid-js';
import { formatCount, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { Card } from '../../ui/Card';
import { StatusBadge, StatusDot } from '../../ui/StatusBadge';
import { Table, type Column } from '../../ui/Table';
import { statusLabel } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { CpuWithTrend, MemoryUse, resourceHref } from './cells';
import { uptimeText, workloadRow } from './container-model';
import { sortWorkloads } from './workload-filter';

/** A host page lists this many; the rest are a click away in Workloads, filtered to the host. */
const SHOWN = 50;

/** The containers a host (or a Docker engine) runs, trouble first, each linking to its page. */
export function ContainersCard(props: { hostId: string; hostName: string }) {
  const store = useResources();
  const now = createNow(1_000);
  // Read from the plain objects, as Workloads does: a host may run hundreds of containers.
  const rows = createMemo(() => {
    store.revision();
    return sortWorkloads(
      store.raw().filter((r) => r.type === 'app-container' && r.parentId === props.hostId).map((r) => workloadRow(r, undefined)),
      { key: 'state', dir: 'asc' },
    );
  });
  // Rows are the containers' plain objects (stable across updates, so the table patches cells
  // rather than rebuilding rows); everything they show is read by id through `rowOf`.
  const byId = createMemo(() => new Map(rows().map((row) => [row.resource.id, row])));
  const shown = createMemo(() => rows().slice(0, SHOWN).map((row) => row.resource));
  const workloadsHref = () => `/workloads?host=${encodeURIComponent(props.hostId)}`;
  const rowOf = (id: string) => byId().get(id);
  const columns: Column<Resource>[] = [
    {
      key: 'name',
      header: 'Container',
      class: 'max-w-72',
      cell: (r) => (
        <div class="flex min-w-0 items-center gap-2.5">
          <span title={statusLabel[rowOf(r.id)?.resource.status ?? 'unknown']}>
            <StatusDot tone={rowOf(r.id)?.state.tone ?? 'unknown'} />
          </span>
          <div class="min-w-0">
            <A href={resourceHref(r.id)} class="block truncate font-medium text-fg hover:underline" data-testid="host-container-name">
              {rowOf(r.id)?.resource.name ?? r.name}
            </A>
            <div class="truncate font-mono text-[11.5px] text-faint">{rowOf(r.id)?.facts.image ?? '—'}</div>
          </div>
        </div>
      ),
    },
    {
      key: 'project',
      header: 'Compose',
      cell: (r) => (
        <span class="whitespace-nowrap text-muted">
          {rowOf(r.id)?.facts.composeProject ?? '—'}
          <Show when={rowOf(r.id)?.facts.composeService}>
            <span class="text-faint"> / {rowOf(r.id)?.facts.composeService}</span>
          </Show>
        </span>
      ),
    },
    { key: 'state', header: 'State', cell: (r) => <StatusBadge tone={rowOf(r.id)?.state.tone ?? 'unknown'} label={rowOf(r.id)?.state.label ?? '—'} title={rowOf(r.id)?.facts.statusText} /> },
    { key: 'cpu', header: 'CPU', class: 'w-40', cell: (r) => <CpuWithTrend id={r.id} cpu={rowOf(r.id)?.cpu} /> },
    { key: 'mem', header: 'Memory', class: 'w-44', cell: (r) => <MemoryUse used={rowOf(r.id)?.memUsed} limit={rowOf(r.id)?.memLimit} percent={rowOf(r.id)?.memPercent} /> },
    {
      key: 'restarts',
      header: 'Restarts',
      align: 'right',
      cell: (r) => (
        <span class="num" classList={{ 'text-warn font-medium': (rowOf(r.id)?.restarts ?? 0) > 0, 'text-faint': !rowOf(r.id)?.restarts }}>
          {formatCount(rowOf(r.id)?.restarts)}
        </span>
      ),
    },
    { key: 'uptime', header: 'Uptime', class: 'whitespace-nowrap', cell: (r) => <span class="num text-xs text-muted">{rowOf(r.id) ? uptimeText(rowOf(r.id)!.facts, now()) : '—'}</span> },
  ];
  return (
    <Card
      title="Containers"
      hint={rows().length ? formatCount(rows().length) : undefined}
      actions={
        <Show when={rows().length > 0}>
          <A href={workloadsHref()} class="text-xs font-medium text-accent hover:underline" data-testid="host-containers-all">
            Open in Workloads
          </A>
        </Show>
      }
      flush
      testId="host-containers"
    >
      <Table
        columns={columns}
        rows={shown()}
        rowKey={(r) => r.id}
        empty={`${props.hostName} runs no containers Pulse can see.`}
        testId="host-containers-table"
      />
      <Show when={rows().length > SHOWN}>
        <div class="border-t px-4 py-2.5 text-xs text-muted">
          Showing {SHOWN} of {plural(rows().length, 'container')}, trouble first.{' '}
          <A href={workloadsHref()} class="font-medium text-accent hover:underline">
            See all in Workloads
          </A>
        </div>
      </Show>
    </Card>
  );
}
