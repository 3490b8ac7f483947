import type { Resource } from '@pulse/protocol';
import { createMemo, For, Show } from 'solid-js';
import { PageHeader } from '../../app/PageHeader';
import { createKeyedList } from '../../lib/keyed';
import { formatBytes, formatCount, formatPercent, plural } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { MetricBar } from '../../ui/MetricBar';
import { StatTile } from '../../ui/StatTile';
import { StatusBadge } from '../../ui/StatusBadge';
import { Table, type Column } from '../../ui/Table';
import { metric } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { NoProxmox } from './cells';
import { diskFacts, healthTone, isPhysicalDisk, isPveStorage, isZfsPool, storageFacts, usageOf, zfsFacts } from './model';

const byName = (a: Resource, b: Resource) => a.name.localeCompare(b.name, undefined, { numeric: true }) || a.id.localeCompare(b.id);

export function UsageBar(props: { r: Resource }) {
  const u = () => usageOf(props.r);
  return (
    <div class="flex min-w-44 items-center gap-3">
      <MetricBar value={u().percent} size="sm" label={`${props.r.name} usage`} />
      <span class="num w-10 shrink-0 text-right text-xs text-fg">{formatPercent(u().percent, 0)}</span>
    </div>
  );
}

const usedOfTotal = (r: Resource) => {
  const u = usageOf(r);
  return (
    <span class="num whitespace-nowrap">
      {formatBytes(u.used)} <span class="text-faint">/ {formatBytes(u.total)}</span>
    </span>
  );
};

const storageColumns: Column<Resource>[] = [
  {
    key: 'name',
    header: 'Storage',
    cell: (r) => (
      <div class="flex items-center gap-2">
        <span class="font-medium text-fg" data-testid="storage-name">
          {storageFacts(r).storage}
        </span>
        <Show when={storageFacts(r).shared}>
          <Chip tone="accent">shared</Chip>
        </Show>
      </div>
    ),
  },
  { key: 'plugin', header: 'Type', cell: (r) => <span class="font-mono text-xs text-muted">{storageFacts(r).plugin ?? '—'}</span> },
  {
    key: 'nodes',
    header: 'Nodes',
    class: 'max-w-52',
    cell: (r) => (
      <span class="block truncate text-muted" title={storageFacts(r).nodes.join(', ')} data-testid="storage-nodes">
        {storageFacts(r).shared ? storageFacts(r).nodes.join(', ') || 'all' : (storageFacts(r).node ?? storageFacts(r).nodes[0] ?? '—')}
      </span>
    ),
  },
  { key: 'content', header: 'Content', class: 'max-w-56', cell: (r) => <span class="block truncate text-xs text-muted">{storageFacts(r).content.join(', ') || '—'}</span> },
  { key: 'usage', header: 'Usage', class: 'w-[24%]', cell: (r) => <UsageBar r={r} /> },
  { key: 'size', header: 'Used / size', align: 'right', cell: usedOfTotal },
  {
    key: 'status',
    header: 'State',
    align: 'right',
    cell: (r) => {
      const f = storageFacts(r);
      const label = !f.enabled ? 'Disabled' : !f.active ? 'Inactive' : r.status === 'unknown' ? 'Unknown' : 'Active';
      return <StatusBadge tone={!f.enabled || !f.active ? 'crit' : r.status === 'unknown' ? 'unknown' : 'ok'} label={label} />;
    },
  },
];

const zfsColumns: Column<Resource>[] = [
  {
    key: 'pool',
    header: 'Pool',
    cell: (r) => (
      <div class="leading-tight">
        <div class="font-medium text-fg" data-testid="zfs-name">
          {zfsFacts(r).pool}
        </div>
        <div class="text-xs text-faint">{zfsFacts(r).node}</div>
      </div>
    ),
  },
  { key: 'health', header: 'Health', cell: (r) => <StatusBadge tone={healthTone(zfsFacts(r).health)} label={zfsFacts(r).health ?? 'Unknown'} testId="zfs-health" /> },
  {
    key: 'devices',
    header: 'Devices',
    class: 'max-w-md',
    cell: (r) => (
      <div class="flex flex-wrap gap-1 py-1.5">
        <For each={zfsFacts(r).devices}>
          {(d) => (
            <Chip
              tone={healthTone(d.state) === 'ok' ? undefined : healthTone(d.state)}
              title={`${d.name}: ${d.state ?? 'unknown'} · read ${d.read ?? 0}, write ${d.write ?? 0}, checksum ${d.cksum ?? 0} errors`}
            >
              {d.name}
              <Show when={(d.read ?? 0) + (d.write ?? 0) + (d.cksum ?? 0) > 0}>
                <span class="num"> · {formatCount((d.read ?? 0) + (d.write ?? 0) + (d.cksum ?? 0))} err</span>
              </Show>
            </Chip>
          )}
        </For>
      </div>
    ),
  },
  { key: 'frag', header: 'Frag', align: 'right', cell: (r) => <span class="num text-muted">{formatPercent(metric(r, 'zfs.frag'), 0)}</span> },
  { key: 'usage', header: 'Usage', class: 'w-[22%]', cell: (r) => <UsageBar r={r} /> },
  { key: 'size', header: 'Used / size', align: 'right', cell: usedOfTotal },
];

const diskColumns: Column<Resource>[] = [
  {
    key: 'dev',
    header: 'Disk',
    cell: (r) => (
      <div class="leading-tight">
        <div class="font-mono text-[12.5px] text-fg" data-testid="disk-name">
          {diskFacts(r).devpath ?? diskFacts(r).dev}
        </div>
        <div class="text-xs text-faint">{diskFacts(r).node}</div>
      </div>
    ),
  },
  {
    key: 'model',
    header: 'Model',
    class: 'max-w-64',
    cell: (r) => (
      <div class="min-w-0 leading-tight">
        <div class="truncate text-fg">{diskFacts(r).model ?? '—'}</div>
        <div class="truncate font-mono text-[11px] text-faint">{diskFacts(r).serial}</div>
      </div>
    ),
  },
  { key: 'kind', header: 'Kind', cell: (r) => <span class="text-xs text-muted uppercase">{diskFacts(r).kind ?? '—'}</span> },
  { key: 'size', header: 'Size', align: 'right', cell: (r) => <span class="num whitespace-nowrap">{formatBytes(metric(r, 'disk.size'))}</span> },
  { key: 'health', header: 'SMART', cell: (r) => <StatusBadge tone={healthTone(diskFacts(r).health)} label={diskFacts(r).health ?? 'Unknown'} testId="disk-health" /> },
  {
    key: 'wear',
    header: 'Wearout',
    class: 'w-[22%]',
    cell: (r) => (
      <Show when={metric(r, 'disk.wearout') !== undefined} fallback={<span class="text-xs text-faint">not reported</span>}>
        <div class="flex min-w-40 items-center gap-3" title="Share of the rated write endurance used">
          <MetricBar value={metric(r, 'disk.wearout')} size="sm" label="Wearout" />
          <span class="num w-10 shrink-0 text-right text-xs text-fg">{formatPercent(metric(r, 'disk.wearout'), 0)}</span>
        </div>
      </Show>
    ),
  },
];

/** Where guests live: Proxmox storages, ZFS pools and the physical disks under them. */
export default function ProxmoxStoragePage() {
  usePageTitle(() => 'Proxmox storage');
  const store = useResources();
  const storages = createKeyedList(() => store.state.resources.filter(isPveStorage).sort((a, b) => Number(storageFacts(b).shared) - Number(storageFacts(a).shared) || byName(a, b)), 'id');
  const pools = createKeyedList(() => store.state.resources.filter(isZfsPool).sort((a, b) => (zfsFacts(a).node ?? '').localeCompare(zfsFacts(b).node ?? '') || byName(a, b)), 'id');
  const disks = createKeyedList(() => store.state.resources.filter(isPhysicalDisk).sort((a, b) => (diskFacts(a).node ?? '').localeCompare(diskFacts(b).node ?? '') || byName(a, b)), 'id');
  // Shared storage is one resource already (counted once); only active storage adds to the totals.
  const totals = createMemo(() => {
    let used = 0;
    let total = 0;
    for (const r of storages()) {
      const u = usageOf(r);
      if (storageFacts(r).active && storageFacts(r).enabled && r.status !== 'unknown') {
        used += u.used ?? 0;
        total += u.total ?? 0;
      }
    }
    return { used, total };
  });
  const unhealthyPools = () => pools().filter((p) => healthTone(zfsFacts(p).health) !== 'ok').length;
  const failingDisks = () => disks().filter((d) => healthTone(diskFacts(d).health) === 'crit' || (metric(d, 'disk.wearout') ?? 0) >= 90).length;
  const anything = () => storages().length + pools().length + disks().length > 0;

  return (
    <div class="space-y-5 pb-8" data-testid="proxmox-storage-page">
      <PageHeader title="Storage" description="Proxmox storages (shared ones counted once), ZFS pools and physical disks." eyebrow="Proxmox" />
      <Show when={anything()} fallback={<Show when={store.state.ready}><NoProxmox what="Storages, ZFS pools and disks" testId="storage-empty" /></Show>}>
        <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <StatTile
            label="Capacity in use"
            value={formatPercent(totals().total ? (totals().used / totals().total) * 100 : undefined, 0)}
            detail={`${formatBytes(totals().used)} of ${formatBytes(totals().total)}`}
            testId="storage-total"
          />
          <StatTile label="Storages" value={formatCount(storages().length)} detail={`${formatCount(storages().filter((s) => storageFacts(s).shared).length)} shared`} />
          <StatTile
            label="ZFS pools"
            tone={unhealthyPools() ? 'warn' : pools().length ? 'ok' : undefined}
            value={formatCount(pools().length)}
            detail={unhealthyPools() ? `${formatCount(unhealthyPools())} not healthy` : 'all online'}
            testId="storage-zfs"
          />
          <StatTile
            label="Disks"
            tone={failingDisks() ? 'crit' : disks().length ? 'ok' : undefined}
            value={formatCount(disks().length)}
            detail={failingDisks() ? `${plural(failingDisks(), 'disk')} failing or worn out` : 'SMART passed'}
            testId="storage-disks"
          />
        </div>
        <Card title="Storages" hint={storages().length} flush testId="storage-card">
          <Table columns={storageColumns} rows={storages()} rowKey={(r) => r.id} empty="No storage reported." testId="storage-table" />
        </Card>
        <Card title="ZFS pools" hint={pools().length || undefined} flush testId="zfs-card">
          <Table columns={zfsColumns} rows={pools()} rowKey={(r) => r.id} empty="No ZFS pools on these nodes." testId="zfs-table" />
        </Card>
        <Card title="Physical disks" hint={disks().length || undefined} flush testId="disks-card">
          <Table columns={diskColumns} rows={disks()} rowKey={(r) => r.id} empty="No disks reported: the token may lack Sys.Audit on /nodes." testId="disks-table" />
        </Card>
      </Show>
    </div>
  );
}
