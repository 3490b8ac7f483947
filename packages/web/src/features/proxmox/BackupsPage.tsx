import type { Resource } from '@pulse/protocol';
import { A, useNavigate } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import ShieldCheck from 'lucide-solid/icons/shield-check';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatBytes, formatCount, formatIn, formatNumber, formatPercent, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { usePageTitle } from '../../lib/title';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { SearchInput } from '../../ui/SearchInput';
import { Banner } from '../../ui/Banner';
import { StatTile } from '../../ui/StatTile';
import { StatusBadge } from '../../ui/StatusBadge';
import { VirtualTable, type GridColumn } from '../../ui/VirtualTable';
import { metric } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { BackupAge, guestStateLabel, NoProxmox } from './cells';
import { guestRows, notBackedUp, type GuestRow } from './guest-rows';
import { backupGroupFacts, connectionOf, datastoreFacts, isBackupGroup, isDatastore, isProxmox, proxmoxHref, taskTone, usageOf } from './model';

const GROUP_ROW = 48;
const dateLabel = (ms: number | undefined) => (ms === undefined ? '—' : new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));

function DatastoreCard(props: { r: Resource; now: number }) {
  const f = () => datastoreFacts(props.r);
  const u = () => usageOf(props.r);
  const soon = () => f().estimatedFull !== undefined && f().estimatedFull! - props.now < 30 * 86_400_000;
  return (
    <section class="flex min-w-0 flex-col rounded-xl border bg-surface shadow-card" data-testid="datastore-card" data-store={f().store}>
      <header class="flex items-center gap-2 border-b px-4 py-3">
        <h2 class="truncate text-[15px] font-semibold tracking-[-0.01em] text-fg" data-testid="datastore-name">
          {f().store}
        </h2>
        <span class="truncate text-xs text-faint">on {connectionOf(props.r)}</span>
        <Show when={props.r.status === 'offline'}>
          <StatusBadge tone="crit" label="Unavailable" testId="datastore-status" />
        </Show>
        <span class="num ml-auto text-xs text-muted">{plural(metric(props.r, 'backups') ?? 0, 'snapshot')}</span>
      </header>
      <div class="space-y-4 p-4">
        <Show when={f().error}>
          <Banner tone="crit" testId="datastore-error">
            {f().error}
          </Banner>
        </Show>
        {/* A store that cannot be read (a USB disk not mounted) has no figures to show, only its error. */}
        <Show when={!f().error || u().total !== undefined}>
          <div>
            <div class="mb-1.5 flex items-baseline text-xs">
              <span class="num font-medium text-fg">{formatPercent(u().percent, 0)}</span>
              <span class="num ml-auto text-muted">
                {formatBytes(u().used)} <span class="text-faint">of {formatBytes(u().total)}</span>
              </span>
            </div>
            <MetricBar value={u().percent} size="md" label={`${f().store} usage`} />
          </div>
          <dl class="grid grid-cols-3 gap-3 text-xs">
            <div>
              <dt class="text-faint">Deduplication</dt>
              <dd class="num mt-0.5 text-[13px] font-medium text-fg" data-testid="datastore-dedup">
                {metric(props.r, 'dedup') === undefined ? '—' : `${formatNumber(metric(props.r, 'dedup'), 1)}×`}
              </dd>
            </div>
            <div>
              <dt class="text-faint">Full around</dt>
              <dd class="num mt-0.5 text-[13px] font-medium" classList={{ 'text-warn': soon(), 'text-fg': !soon() }} data-testid="datastore-full">
                {f().estimatedFull === undefined ? 'not growing' : dateLabel(f().estimatedFull)}
              </dd>
            </div>
            <div>
              <dt class="text-faint">Garbage collection</dt>
              <dd class="num mt-0.5 flex items-center gap-1.5 text-[13px] text-fg">
                <Show when={f().gc} fallback="—">
                  <StatusBadge tone={taskTone(f().gc?.status)} label={f().gc?.status === 'ok' || f().gc?.status === 'OK' ? 'OK' : (f().gc?.status ?? '—')} />
                  <span class="truncate text-xs text-muted">{formatAgo(f().gc?.lastRun, props.now)}</span>
                </Show>
              </dd>
            </div>
          </dl>
        </Show>
        <Show when={f().jobs.length > 0}>
          <ul class="divide-y rounded-lg border" data-testid="datastore-jobs">
            <For each={f().jobs}>
              {(j) => (
                <li class="flex items-center gap-3 px-3 py-2 text-xs">
                  <span class="w-12 shrink-0 font-medium text-muted capitalize">{j.kind}</span>
                  <span class="min-w-0 flex-1 truncate font-mono text-fg" title={j.id}>
                    {j.id}
                  </span>
                  <span title={j.lastRunState}>
                    <StatusBadge tone={taskTone(j.lastRunState)} label={taskTone(j.lastRunState) === 'ok' ? 'OK' : taskTone(j.lastRunState) === 'unknown' ? 'never ran' : 'failed'} />
                  </span>
                  <span class="num w-20 shrink-0 text-right text-muted" title={j.lastRunEnd ? new Date(j.lastRunEnd).toLocaleString() : undefined}>
                    {formatAgo(j.lastRunEnd, props.now)}
                  </span>
                  <span class="num hidden w-16 shrink-0 text-right text-faint sm:inline">{formatIn(j.nextRun, props.now)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </section>
  );
}

interface GroupRow {
  r: Resource;
  type: string;
  id: string;
  guest?: GuestRow;
  store: string;
  last?: number;
}

/** PBS datastores and backup groups, and the guests a failure today would lose. */
export default function BackupsPage() {
  usePageTitle(() => 'Backups');
  const store = useResources();
  const navigate = useNavigate();
  const now = createNow(30_000);
  const [filter, setFilter] = createSignal('');
  const datastores = createMemo(() => store.state.resources.filter(isDatastore).sort((a, b) => a.name.localeCompare(b.name)));
  // Groups and guests can run to thousands: read from the plain list, once per report.
  const model = createMemo(() => {
    store.revision();
    const list = store.raw();
    const guests = guestRows(list);
    const byKey = new Map(guests.map((g) => [`${g.facts.kind === 'qemu' ? 'vm' : 'ct'}/${g.facts.vmid}`, g]));
    const storeName = new Map(list.filter(isDatastore).map((d) => [d.id, datastoreFacts(d).store]));
    const groups: GroupRow[] = list.filter(isBackupGroup).map((r) => {
      const g = backupGroupFacts(r);
      return { r, type: g.backupType, id: g.backupId, guest: byKey.get(`${g.backupType}/${g.backupId}`), store: (g.datastoreId && storeName.get(g.datastoreId)) || '—', last: metric(r, 'backup.last') };
    });
    groups.sort((a, b) => (b.last ?? 0) - (a.last ?? 0) || a.r.id.localeCompare(b.r.id));
    return { guests, groups };
  });
  const missing = createMemo(() => notBackedUp(model().guests, now()));
  const groupsShown = createMemo(() => {
    const words = filter().toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return model().groups;
    return model().groups.filter((g) => {
      const hay = `${g.type}/${g.id} ${g.guest?.resource.name ?? ''} ${g.store}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  });
  const groupById = createMemo(() => new Map(model().groups.map((g) => [g.r.id, g])));
  const verifyFailed = () => model().groups.filter((g) => backupGroupFacts(g.r).verification === 'failed').length;
  // A verify job that failed outright marks no group, yet "no failed verification" would mislead.
  const verifyJobsFailed = () => datastores().flatMap((d) => datastoreFacts(d).jobs).filter((j) => j.kind === 'verify' && taskTone(j.lastRunState) === 'crit').length;
  const anyProxmox = createMemo(() => store.state.resources.some(isProxmox));

  const missingColumns: GridColumn<GuestRow>[] = [
    {
      key: 'name',
      header: 'Guest',
      width: 'minmax(180px, 2fr)',
      cell: (g) => (
        <div class="min-w-0 leading-tight">
          <A href={proxmoxHref(g.resource.id)} class="block truncate text-[13px] font-medium text-fg hover:underline" data-testid="unprotected-name">
            {g.resource.name}
          </A>
          <div class="num text-[11.5px] text-faint">
            {g.facts.kind === 'qemu' ? 'VM' : 'LXC'} {g.facts.vmid}
          </div>
        </div>
      ),
    },
    { key: 'node', header: 'Node', width: 'minmax(80px, 1fr)', cell: (g) => <span class="truncate text-[13px] text-muted">{g.nodeName ?? '—'}</span> },
    { key: 'state', header: 'State', width: '90px', cell: (g) => <span class="text-xs text-muted">{guestStateLabel[g.facts.state]}</span> },
    { key: 'backup', header: 'Last backup', width: '110px', align: 'right', cell: (g) => <BackupAge at={g.lastBackupAt} now={now()} testId="unprotected-age" /> },
  ];
  const groupColumns: GridColumn<Resource>[] = [
    {
      key: 'group',
      header: 'Group',
      width: 'minmax(200px, 2fr)',
      cell: (r) => (
        <div class="min-w-0 leading-tight">
          <div class="num truncate font-mono text-[12.5px] text-fg" data-testid="group-name">
            {groupById().get(r.id)?.type}/{groupById().get(r.id)?.id}
          </div>
          <div class="truncate text-[11.5px] text-faint">{groupById().get(r.id)?.guest?.resource.name ?? backupGroupFacts(r).owner ?? ''}</div>
        </div>
      ),
    },
    { key: 'store', header: 'Datastore', width: 'minmax(90px, 1fr)', cell: (r) => <span class="truncate text-[13px] text-muted">{groupById().get(r.id)?.store}</span> },
    { key: 'count', header: 'Snapshots', width: '84px', align: 'right', cell: (r) => <span class="num text-[13px] text-fg">{formatCount(metric(r, 'backups'))}</span> },
    { key: 'last', header: 'Last backup', width: '100px', align: 'right', cell: (r) => <BackupAge at={metric(r, 'backup.last')} now={now()} /> },
    { key: 'size', header: 'Size', width: '90px', align: 'right', cell: (r) => <span class="num text-[13px] text-muted">{formatBytes(metric(r, 'backup.size'))}</span> },
    {
      key: 'verify',
      header: 'Verified',
      width: '150px',
      cell: (r) => {
        const v = () => backupGroupFacts(r).verification;
        return (
          <span class="flex items-center gap-1.5">
            <StatusBadge tone={v() === 'ok' ? 'ok' : v() === 'failed' ? 'crit' : 'unknown'} label={v() === 'ok' ? 'Verified' : v() === 'failed' ? 'Failed' : 'Not verified'} testId="group-verify" />
            <Show when={backupGroupFacts(r).protected}>
              <span class="text-muted" title="Protected: pruning keeps these snapshots">
                <ShieldCheck size={13} />
              </span>
            </Show>
          </span>
        );
      },
    },
  ];

  return (
    <div class="space-y-5 pb-8" data-testid="backups-page">
      <PageHeader title="Backups" description="Proxmox Backup Server datastores and backup groups, and the guests without a recent backup." eyebrow="Proxmox" />
      <Show when={!store.state.ready || anyProxmox()} fallback={<NoProxmox what="Backups" testId="backups-empty" />}>
        <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <StatTile label="Not backed up" tone={missing().length ? 'crit' : 'ok'} value={formatCount(missing().length)} detail="no backup in the last 7 days" testId="backups-unprotected" />
          <StatTile label="Backup groups" value={formatCount(model().groups.length)} detail={`in ${plural(datastores().length, 'datastore')}`} />
          <StatTile
            label="Verification"
            tone={verifyFailed() ? 'crit' : verifyJobsFailed() ? 'warn' : model().groups.length ? 'ok' : undefined}
            value={formatCount(verifyFailed())}
            detail={verifyFailed() ? 'groups failed verification' : verifyJobsFailed() ? `no failed group · ${plural(verifyJobsFailed(), 'verify job')} failed` : 'no failed verification'}
          />
          <StatTile
            label="Protected guests"
            tone={model().guests.length ? 'ok' : undefined}
            value={formatCount(model().guests.filter((g) => !g.facts.template).length - missing().length)}
            detail={`of ${plural(model().guests.filter((g) => !g.facts.template).length, 'guest')}`}
          />
        </div>
        <Card title="Not backed up" hint={missing().length ? `${formatCount(missing().length)} · no backup, or none in 7 days` : undefined} flush testId="unprotected-card">
          <Show
            when={missing().length > 0}
            fallback={
              <div class="px-4 py-6 text-center text-[13px] text-muted" data-testid="unprotected-none">
                {model().guests.length ? 'Every guest has a backup from the last 7 days.' : 'No guests yet.'}
              </div>
            }
          >
            <div style={{ height: `${Math.min(missing().length * GROUP_ROW + 36, 340)}px` }}>
              <VirtualTable
                columns={missingColumns}
                rows={missing()}
                rowKey={(g) => g.resource.id}
                rowHeight={GROUP_ROW}
                minWidth={560}
                onRowClick={(g) => navigate(proxmoxHref(g.resource.id))}
                rowTestId="unprotected-row"
                testId="unprotected-table"
              />
            </div>
          </Show>
        </Card>
        <Show
          when={datastores().length > 0}
          fallback={
            <Show when={store.state.ready}>
              <div class="rounded-xl border border-dashed px-4 py-5 text-center text-[13px] text-muted" data-testid="no-pbs">
                No Proxmox Backup Server connected. Backups Proxmox VE records still count above; <A href="/system/connections?add=1" class="text-accent hover:underline">add a PBS connection</A> to
                see datastores, verification and GC.
              </div>
            </Show>
          }
        >
          <div class="grid gap-4 lg:grid-cols-2">
            <For each={datastores()}>{(r) => <DatastoreCard r={r} now={now()} />}</For>
          </div>
        </Show>
        <Show when={model().groups.length > 0}>
          <Card
            title="Backup groups"
            hint={groupsShown().length === model().groups.length ? model().groups.length : `${formatCount(groupsShown().length)} of ${formatCount(model().groups.length)}`}
            actions={<SearchInput value={filter()} onValue={setFilter} placeholder="Filter groups…" testId="groups-search" />}
            flush
            testId="groups-card"
          >
            <div style={{ height: `${Math.min(Math.max(groupsShown().length, 1) * GROUP_ROW + 36, 480)}px` }}>
              <VirtualTable
                columns={groupColumns}
                rows={groupsShown().map((g) => g.r)}
                rowKey={(r) => r.id}
                rowHeight={GROUP_ROW}
                minWidth={760}
                rowTestId="group-row"
                scrollKey={filter()}
                testId="groups-table"
              />
            </div>
          </Card>
        </Show>
      </Show>
    </div>
  );
}
