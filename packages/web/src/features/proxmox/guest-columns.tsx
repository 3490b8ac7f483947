import type { Resource } from '@pulse/protocol';
import { Show, type Accessor } from 'solid-js';
import CircleAlert from 'lucide-solid/icons/circle-alert';
import { formatDuration, formatPercent } from '../../lib/format';
import { MetricBar } from '../../ui/MetricBar';
import { StatusDot } from '../../ui/StatusBadge';
import type { GridColumn } from '../../ui/VirtualTable';
import { TypeIcon } from '../infrastructure/TypeIcon';
import { RowLink } from '../workloads/cells';
import { BackupAge, GuestFlags, GuestStateBadge, guestStateLabel, guestStateTone, RatePair, TagChips, UsageCell } from './cells';
import type { GuestRow } from './guest-rows';
import { proxmoxHref } from './model';

function NameCell(props: { row: GuestRow | undefined; r: Resource }) {
  const f = () => props.row?.facts;
  return (
    <div class="flex min-w-0 items-center gap-2.5">
      <span title={guestStateLabel[f()?.state ?? 'unknown']}>
        <StatusDot tone={guestStateTone[f()?.state ?? 'unknown']} />
      </span>
      <div class="min-w-0 flex-1">
        <div class="flex min-w-0 items-center gap-1.5">
          <RowLink href={proxmoxHref(props.r.id)} class="min-w-0 text-[13px] font-medium text-fg" testId="guest-name">
            {props.row?.resource.name ?? props.r.name}
          </RowLink>
          <GuestFlags haState={f()?.haState} lock={f()?.lock} />
          <Show when={f()?.agent === 'enabled-not-running' && f()?.state === 'running'}>
            <span class="shrink-0 text-warn" title="The QEMU guest agent is enabled but not answering: memory and IPs come from outside the VM">
              <CircleAlert size={13} />
            </span>
          </Show>
        </div>
        <div class="mt-0.5 flex min-w-0 items-center gap-1.5 text-[11.5px] text-faint">
          <span class="inline-flex shrink-0 items-center gap-1" title={f()?.kind === 'qemu' ? 'Virtual machine' : 'LXC container'}>
            <TypeIcon type={props.r.type} size={11} />
            <span class="num" data-testid="guest-vmid">
              {f()?.vmid ?? '—'}
            </span>
          </span>
          <Show when={f()?.pool}>
            <span class="shrink-0">· {f()?.pool}</span>
          </Show>
          <TagChips tags={f()?.tags ?? []} max={3} />
        </div>
      </div>
    </div>
  );
}

/**
 * The Guests table's columns. As in Workloads, rows are plain objects and every cell reads through
 * `rowOf`, rebuilt as reports arrive, so a live update touches cells, not rows.
 */
export function guestColumns(rowOf: (id: string) => GuestRow | undefined, now: Accessor<number>): GridColumn<Resource>[] {
  return [
    { key: 'name', header: 'Guest', width: 'minmax(200px, 1.6fr)', sortable: true, cell: (r) => <NameCell row={rowOf(r.id)} r={r} /> },
    {
      key: 'node',
      header: 'Node',
      width: '84px',
      sortable: true,
      cell: (r) => (
        <span class="truncate text-[13px] text-muted" data-testid="guest-node">
          {rowOf(r.id)?.nodeName ?? '—'}
        </span>
      ),
    },
    { key: 'state', header: 'State', width: '86px', sortable: true, cell: (r) => <GuestStateBadge state={rowOf(r.id)?.facts.state ?? 'unknown'} testId="guest-state" /> },
    {
      key: 'cpu',
      header: 'CPU',
      width: '84px',
      sortable: true,
      cell: (r) => (
        <Show when={rowOf(r.id)?.cpu !== undefined} fallback={<span class="text-faint">—</span>}>
          <div class="w-full min-w-0" title={rowOf(r.id)?.cpus ? `${rowOf(r.id)?.cpus} vCPU` : undefined}>
            <div class="num mb-1.5 text-[13px] text-fg" data-testid="guest-cpu">
              {formatPercent(rowOf(r.id)?.cpu)}
            </div>
            <MetricBar value={rowOf(r.id)?.cpu} size="xs" label="CPU" />
          </div>
        </Show>
      ),
    },
    {
      key: 'mem',
      header: 'Memory',
      width: '116px',
      sortable: true,
      cell: (r) => <UsageCell percent={rowOf(r.id)?.memPercent} used={rowOf(r.id)?.memUsed} total={rowOf(r.id)?.memTotal} label="Memory" testId="guest-mem" />,
    },
    {
      key: 'disk',
      header: 'Disk',
      width: '104px',
      sortable: true,
      cell: (r) => <UsageCell percent={rowOf(r.id)?.diskPercent} used={rowOf(r.id)?.diskUsed} total={rowOf(r.id)?.diskTotal} label="Disk" testId="guest-disk" />,
    },
    {
      key: 'net',
      header: 'Net',
      width: '84px',
      sortable: true,
      cell: (r) => <RatePair a={rowOf(r.id)?.netIn} b={rowOf(r.id)?.netOut} aLabel="in" bLabel="out" title="Network in / out" />,
    },
    {
      key: 'io',
      header: 'Disk I/O',
      width: '84px',
      sortable: true,
      cell: (r) => <RatePair a={rowOf(r.id)?.diskRead} b={rowOf(r.id)?.diskWrite} aLabel="read" bLabel="write" title="Disk read / write" />,
    },
    {
      key: 'uptime',
      header: 'Uptime',
      width: '70px',
      sortable: true,
      cell: (r) => (
        <span class="num truncate text-xs text-muted" data-testid="guest-uptime">
          {formatDuration(rowOf(r.id)?.uptime)}
        </span>
      ),
    },
    {
      key: 'backup',
      header: 'Backup',
      width: '76px',
      sortable: true,
      cell: (r) => <BackupAge at={rowOf(r.id)?.lastBackupAt} now={now()} template={rowOf(r.id)?.facts.template} testId="guest-backup" />,
    },
  ];
}
