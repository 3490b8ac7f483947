import type { Resource } from '@pulse/protocol';
import { Show } from 'solid-js';
import { createKeyedList } from '../../lib/keyed';
import { formatBytes, formatNumber, formatPercent, formatRate } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { Table, type Column } from '../../ui/Table';
import { disksOf, filesystemsOf, type Disk, type Filesystem } from './details';

const fsColumns: Column<Filesystem>[] = [
  {
    key: 'mount',
    header: 'Mount',
    class: 'min-w-40',
    cell: (f) => (
      <div class="flex items-center gap-2">
        <span class="font-mono text-[12.5px] text-fg">{f.mount}</span>
        <Show when={f.readonly}>
          <span class="rounded border px-1 text-[10px] font-medium tracking-wide text-muted uppercase">ro</span>
        </Show>
      </div>
    ),
  },
  { key: 'device', header: 'Device', class: 'max-w-56 truncate', cell: (f) => <span class="font-mono text-xs text-muted">{f.device ?? '—'}</span> },
  { key: 'fstype', header: 'Type', cell: (f) => <span class="text-muted">{f.fstype ?? '—'}</span> },
  {
    key: 'usage',
    header: 'Usage',
    class: 'w-[32%] min-w-48',
    cell: (f) => (
      <div class="flex items-center gap-3">
        <MetricBar value={f.percent} size="sm" label={`${f.mount} usage`} />
        <span class="num w-12 shrink-0 text-right text-xs text-fg">{formatPercent(f.percent, 0)}</span>
      </div>
    ),
  },
  { key: 'used', header: 'Used', align: 'right', cell: (f) => <span class="num whitespace-nowrap">{formatBytes(f.used)}</span> },
  { key: 'free', header: 'Free', align: 'right', cell: (f) => <span class="num whitespace-nowrap text-muted">{formatBytes(f.available)}</span> },
  { key: 'size', header: 'Size', align: 'right', cell: (f) => <span class="num whitespace-nowrap text-muted">{formatBytes(f.total)}</span> },
];

export function FilesystemsCard(props: { r: Resource }) {
  const filesystems = createKeyedList(() => filesystemsOf(props.r), 'mount');
  return (
    <Card title="Filesystems" hint={filesystems().length || undefined} flush testId="filesystems-card">
      <Table columns={fsColumns} rows={filesystems()} rowKey={(f) => f.mount} empty="No filesystems reported." testId="filesystems-table" />
    </Card>
  );
}

const diskColumns: Column<Disk>[] = [
  { key: 'name', header: 'Disk', cell: (d) => <span class="font-mono text-[12.5px] text-fg">{d.name}</span> },
  { key: 'read', header: 'Read', align: 'right', cell: (d) => <span class="num whitespace-nowrap">{formatRate(d.readBps)}</span> },
  { key: 'write', header: 'Write', align: 'right', cell: (d) => <span class="num whitespace-nowrap">{formatRate(d.writeBps)}</span> },
  {
    key: 'iops',
    header: 'IOPS r / w',
    align: 'right',
    cell: (d) => (
      <span class="num whitespace-nowrap text-muted">
        {formatNumber(d.readIops, 0)} / {formatNumber(d.writeIops, 0)}
      </span>
    ),
  },
  {
    key: 'util',
    header: 'Busy',
    class: 'w-[28%] min-w-36',
    cell: (d) => (
      <div class="flex items-center gap-3">
        <MetricBar value={d.utilPercent} size="sm" label={`${d.name} busy`} />
        <span class="num w-10 shrink-0 text-right text-xs text-fg">{formatPercent(d.utilPercent, 0)}</span>
      </div>
    ),
  },
];

export function DisksCard(props: { r: Resource }) {
  const disks = createKeyedList(() => disksOf(props.r), 'name');
  return (
    <Card title="Disk I/O" hint={disks().length || undefined} flush testId="disks-card">
      <Table columns={diskColumns} rows={disks()} rowKey={(d) => d.name} empty="No disk activity reported." testId="disks-table" />
    </Card>
  );
}
