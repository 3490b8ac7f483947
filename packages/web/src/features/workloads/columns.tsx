import type { Resource } from '@pulse/protocol';
import { Show, type Accessor } from 'solid-js';
import { formatCount } from '../../lib/format';
import { StatusBadge, StatusDot } from '../../ui/StatusBadge';
import type { GridColumn } from '../../ui/VirtualTable';
import { NetCell } from '../infrastructure/columns';
import { statusLabel } from '../infrastructure/model';
import { CpuWithTrend, MemoryUse, resourceHref, RowLink } from './cells';
import { uptimeText, type WorkloadRow } from './container-model';

/**
 * The Workloads list's columns. Rows are the containers' plain objects (stable across updates, so a
 * live update touches cells, not rows, but not reactive): every cell reads through `rowOf`, rebuilt
 * as reports arrive, and only the row's id straight from the row.
 */
export function workloadColumns(rowOf: (id: string) => WorkloadRow | undefined, now: Accessor<number>): GridColumn<Resource>[] {
  return [
    {
      key: 'name',
      header: 'Container',
      width: 'minmax(180px, 1.7fr)',
      sortable: true,
      cell: (r) => (
        <div class="flex min-w-0 items-center gap-2.5">
          {/* The dot follows the state's colour, so a finished job is not flagged red like a crash. */}
          <span title={`${statusLabel[rowOf(r.id)?.resource.status ?? 'unknown']}: ${rowOf(r.id)?.state.label ?? ''}`}>
            <StatusDot tone={rowOf(r.id)?.state.tone ?? 'unknown'} />
          </span>
          <div class="min-w-0">
            <RowLink href={resourceHref(r.id)} class="block text-[13px] font-medium text-fg" testId="workload-name">
              {rowOf(r.id)?.resource.name ?? r.name}
            </RowLink>
            <div class="truncate font-mono text-[11.5px] text-faint" title={rowOf(r.id)?.facts.image}>
              {rowOf(r.id)?.facts.image ?? '—'}
            </div>
          </div>
        </div>
      ),
    },
    {
      key: 'project',
      header: 'Compose',
      width: 'minmax(92px, 0.7fr)',
      sortable: true,
      cell: (r) => (
        <Show when={rowOf(r.id)?.facts.composeProject} fallback={<span class="text-faint">—</span>}>
          <div class="min-w-0 leading-tight" data-testid="workload-project">
            <div class="truncate text-[13px] text-fg">{rowOf(r.id)?.facts.composeProject}</div>
            <div class="mt-0.5 truncate text-xs text-faint">{rowOf(r.id)?.facts.composeService}</div>
          </div>
        </Show>
      ),
    },
    {
      key: 'host',
      header: 'Host',
      width: 'minmax(88px, 0.7fr)',
      sortable: true,
      cell: (r) => (
        <Show when={rowOf(r.id)?.hostId} fallback={<span class="text-faint">—</span>}>
          {(hostId) => (
            <RowLink href={resourceHref(hostId())} class="text-[13px] text-muted hover:text-fg" testId="workload-host">
              {rowOf(r.id)?.hostName ?? hostId()}
            </RowLink>
          )}
        </Show>
      ),
    },
    {
      key: 'state',
      header: 'State',
      width: '116px',
      sortable: true,
      cell: (r) => (
        <Show when={rowOf(r.id)}>
          {(row) => <StatusBadge tone={row().state.tone} label={row().state.label} title={row().facts.statusText} testId="workload-state" />}
        </Show>
      ),
    },
    { key: 'cpu', header: 'CPU', width: '136px', sortable: true, cell: (r) => <CpuWithTrend id={r.id} cpu={rowOf(r.id)?.cpu} testId="workload-cpu" /> },
    {
      key: 'mem',
      header: 'Memory',
      width: 'minmax(136px, 1fr)',
      sortable: true,
      cell: (r) => <MemoryUse used={rowOf(r.id)?.memUsed} limit={rowOf(r.id)?.memLimit} percent={rowOf(r.id)?.memPercent} testId="workload-mem" />,
    },
    { key: 'net', header: 'Network', width: '96px', sortable: true, cell: (r) => <NetCell rx={rowOf(r.id)?.rx} tx={rowOf(r.id)?.tx} /> },
    {
      key: 'restarts',
      header: 'Restarts',
      width: '64px',
      align: 'right',
      sortable: true,
      cell: (r) => (
        <span
          class="num text-[13px]"
          classList={{ 'text-warn font-medium': (rowOf(r.id)?.restarts ?? 0) > 0, 'text-faint': !rowOf(r.id)?.restarts }}
          data-testid="workload-restarts"
        >
          {formatCount(rowOf(r.id)?.restarts)}
        </span>
      ),
    },
    {
      key: 'uptime',
      header: 'Uptime',
      width: '92px',
      sortable: true,
      cell: (r) => (
        <span class="num truncate text-xs text-muted" data-testid="workload-uptime">
          {rowOf(r.id) ? uptimeText(rowOf(r.id)!.facts, now()) : '—'}
        </span>
      ),
    },
  ];
}
