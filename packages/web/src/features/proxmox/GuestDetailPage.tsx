import type { Resource } from '@pulse/protocol';
import { createMemo, Show, untrack, type JSX } from 'solid-js';
import { ResourceAlertsCard } from '../alerts/ResourceAlertsCard';
import { formatAgo, formatBytes, formatCount, formatDuration, formatPercent, formatUsedOfTotal } from '../../lib/format';
import { createNow } from '../../lib/now';
import { Banner } from '../../ui/Banner';
import { Card } from '../../ui/Card';
import { FactList, type Fact } from '../../ui/FactList';
import { MetricBar } from '../../ui/MetricBar';
import { Table, type Column } from '../../ui/Table';
import { HistoryCards } from '../history/HistoryCards';
import { metric, percentOf } from '../infrastructure/model';
import { ResourceHeader } from '../infrastructure/ResourceHeader';
import { useResources } from '../infrastructure/store';
import { BackupAge, GuestFlags, GuestStateBadge, MemSourceHint, TagChips } from './cells';
import { guestCharts } from './guest-charts';
import { BACKUP_STALE_MS, pbsBackupsByGuest } from './guest-rows';
import { connectionOf, guestFacts, type GuestFilesystem } from './model';

const agentText = { running: 'Running', 'enabled-not-running': 'Enabled, not answering', disabled: 'Not enabled' } as const;

const fsColumns: Column<GuestFilesystem>[] = [
  { key: 'mount', header: 'Mount', class: 'min-w-40', cell: (f) => <span class="font-mono text-[12.5px] text-fg">{f.mount}</span> },
  { key: 'type', header: 'Type', cell: (f) => <span class="text-muted">{f.type ?? '—'}</span> },
  {
    key: 'usage',
    header: 'Usage',
    class: 'w-[36%] min-w-48',
    cell: (f) => (
      <div class="flex items-center gap-3">
        <MetricBar value={f.percent} size="sm" label={`${f.mount} usage`} />
        <span class="num w-12 shrink-0 text-right text-xs text-fg">{formatPercent(f.percent, 0)}</span>
      </div>
    ),
  },
  { key: 'used', header: 'Used', align: 'right', cell: (f) => <span class="num whitespace-nowrap">{formatBytes(f.used)}</span> },
  { key: 'size', header: 'Size', align: 'right', cell: (f) => <span class="num whitespace-nowrap text-muted">{formatBytes(f.total)}</span> },
];

function UsageRow(props: { label: string; percent?: number; text: string; hint?: JSX.Element; testId?: string }) {
  return (
    <div data-testid={props.testId}>
      <div class="mb-1.5 flex items-baseline gap-2 text-[13px]">
        <span class="font-medium text-fg">{props.label}</span>
        {props.hint}
        <span class="num ml-auto text-muted">
          <span class="font-medium text-fg">{formatPercent(props.percent)}</span> · {props.text}
        </span>
      </div>
      <MetricBar value={props.percent} size="md" label={props.label} />
    </div>
  );
}

/** One VM or container: where it runs, what it uses, whether it is backed up, and its history. */
export default function GuestDetailPage(props: { r: Resource }) {
  const now = createNow(5_000);
  const store = useResources();
  const f = createMemo(() => guestFacts(props.r));
  // A stopped guest reports zeros for what it would use: show what it is given, not "0%".
  const live = () => f().state === 'running' || f().state === 'paused';
  const node = () => (props.r.parentId ? store.get(props.r.parentId) : undefined);
  // The newest PBS snapshot of this vmid, when the guest's own record has none or an older one.
  const pbsLast = createMemo(() => {
    store.revision();
    const vmid = f().vmid;
    return vmid === undefined ? undefined : pbsBackupsByGuest(store.raw()).get(`${f().kind === 'qemu' ? 'vm' : 'ct'}/${vmid}`);
  });
  const lastBackupAt = () => {
    const own = f().lastBackup?.time;
    return own === undefined && pbsLast() === undefined ? undefined : Math.max(own ?? 0, pbsLast() ?? 0);
  };
  const kindLabel = () => (f().kind === 'qemu' ? 'Virtual machine' : 'LXC container');
  const uptime = () => (f().state === 'running' || f().state === 'paused' ? metric(props.r, 'uptime') : undefined);

  const facts = (): Fact[] => [
    { label: 'Node', value: f().node ?? node()?.name ?? '—', testId: 'guest-fact-node' },
    { label: 'VMID', value: String(f().vmid ?? '—'), testId: 'guest-fact-vmid' },
    { label: 'Type', value: kindLabel() + (f().template ? ' (template)' : '') },
    { label: 'Connection', value: connectionOf(props.r) },
    { label: 'OS', value: f().os ?? '—', testId: 'guest-fact-os' },
    { label: 'IP addresses', value: f().ips.length ? <span class="font-mono text-xs">{f().ips.join(', ')}</span> : '—', testId: 'guest-fact-ips' },
    ...(f().kind === 'qemu' ? [{ label: 'Guest agent', value: f().agent ? agentText[f().agent!] : '—', testId: 'guest-fact-agent' }] : []),
    { label: 'Memory figure', value: f().memSource ? <MemSourceHint source={f().memSource} /> : '—' },
    { label: 'Pool', value: f().pool ?? '—', testId: 'guest-fact-pool' },
    { label: 'Tags', value: f().tags.length ? <TagChips tags={f().tags} /> : '—', testId: 'guest-fact-tags' },
    { label: 'HA', value: f().haState ?? 'not managed', testId: 'guest-fact-ha' },
    { label: 'Lock', value: f().lock ?? 'none', testId: 'guest-fact-lock' },
    {
      label: 'Last backup',
      value: (
        <span>
          <BackupAge at={lastBackupAt()} now={now()} template={f().template} />
          <Show when={f().lastBackup?.storage}>
            <span class="text-faint"> · {f().lastBackup?.storage}</span>
          </Show>
        </span>
      ),
      testId: 'guest-fact-backup',
    },
    { label: 'Snapshots', value: formatCount(f().snapshots), testId: 'guest-fact-snapshots' },
  ];
  const stale = () => !f().template && (lastBackupAt() === undefined || now() - lastBackupAt()! > BACKUP_STALE_MS);

  return (
    <div class="space-y-5 pb-8" data-testid="guest-detail">
      <ResourceHeader
        r={props.r}
        crumbs={[
          { href: '/proxmox/guests', label: 'Guests', testId: 'back-to-guests' },
          ...(node() ? [{ href: `/proxmox/guests?node=${encodeURIComponent(node()!.name)}`, label: node()!.name }] : []),
        ]}
        subtitle={
          <>
            {kindLabel()} {f().vmid} on {f().node ?? node()?.name ?? '?'} · {connectionOf(props.r)}
          </>
        }
        hideStatus
        badges={
          <>
            <GuestStateBadge state={f().state} testId="guest-state" />
            <GuestFlags haState={f().haState} lock={f().lock} />
          </>
        }
        facts={[
          { label: 'Node', value: f().node ?? node()?.name ?? '—' },
          { label: 'Uptime', value: formatDuration(uptime()), testId: 'guest-uptime' },
          { label: 'vCPU', value: formatCount(metric(props.r, 'cpus')) },
          { label: 'OS', value: f().os ?? '—' },
          { label: 'Last backup', value: lastBackupAt() === undefined ? (f().template ? '—' : 'never') : formatAgo(lastBackupAt(), now()) },
        ]}
        factColumns="xl:grid-cols-[auto_auto_auto_minmax(0,1.6fr)_auto]"
        testId="guest-header"
      />
      <Show when={f().lock}>
        <Banner tone="warn" title={`Locked: ${f().lock}`} testId="guest-lock-banner">
          Proxmox refuses most changes to this guest until the lock clears. A lock left by a failed backup needs `qm unlock {f().vmid}` (or
          `pct unlock`) on the node.
        </Banner>
      </Show>
      <Show when={stale()}>
        <Banner tone="warn" title={lastBackupAt() === undefined ? 'No backup found' : 'Last backup is more than a week old'} testId="guest-backup-banner">
          Neither Proxmox VE nor a connected Backup Server has a recent backup of this guest. Add it to a backup job, or check why the job fails.
        </Banner>
      </Show>
      <ResourceAlertsCard resourceId={props.r.id} />
      <div class="grid gap-4 xl:grid-cols-5">
        <div class="flex min-w-0 flex-col gap-4 xl:col-span-3">
          <Card title="Usage" class="flex-none" testId="guest-usage">
            <div class="space-y-5">
              <UsageRow label="CPU" percent={live() ? metric(props.r, 'cpu') : undefined} text={`${formatCount(metric(props.r, 'cpus'))} vCPU`} testId="guest-usage-cpu" />
              <UsageRow
                label="Memory"
                percent={live() ? percentOf(props.r, 'mem') : undefined}
                text={live() ? formatUsedOfTotal(metric(props.r, 'mem.used'), metric(props.r, 'mem.total')) : `${formatBytes(metric(props.r, 'mem.total'))} assigned`}
                hint={<MemSourceHint source={f().memSource} />}
                testId="guest-usage-mem"
              />
              <UsageRow
                label="Disk"
                percent={live() ? percentOf(props.r, 'disk') : undefined}
                text={live() && metric(props.r, 'disk.used') !== undefined ? formatUsedOfTotal(metric(props.r, 'disk.used'), metric(props.r, 'disk.total')) : `${formatBytes(metric(props.r, 'disk.total'))} allocated`}
                testId="guest-usage-disk"
              />
              <Show when={metric(props.r, 'swap.total')}>
                <UsageRow label="Swap" percent={percentOf(props.r, 'swap')} text={formatUsedOfTotal(metric(props.r, 'swap.used'), metric(props.r, 'swap.total'))} />
              </Show>
            </div>
          </Card>
          <Show when={f().kind === 'qemu' || f().filesystems.length > 0}>
            <Card title="Filesystems" class="flex-none" hint={f().filesystems.length ? `${f().filesystems.length} · from the guest agent` : undefined} flush testId="guest-filesystems">
              <Table
                columns={fsColumns}
                rows={f().filesystems}
                rowKey={(x) => x.mount}
                empty={f().agent === 'running' ? 'The guest agent reported no filesystems.' : 'Filesystems show here when the QEMU guest agent runs inside the VM.'}
                testId="guest-filesystems-table"
              />
            </Card>
          </Show>
        </div>
        <Card title="Facts" class="self-start xl:col-span-2" testId="guest-facts">
          <FactList facts={facts()} />
        </Card>
      </div>
      {/* Keyed by id: another guest starts its own history. Charts are those the guest reports as the page opens. */}
      <Show when={props.r.id} keyed>
        {(key) => <HistoryCards id={key} charts={guestCharts(new Set(Object.keys(untrack(() => props.r.metrics))))} />}
      </Show>
    </div>
  );
}
