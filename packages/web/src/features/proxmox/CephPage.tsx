import { createMemo, For, Show } from 'solid-js';
import Hexagon from 'lucide-solid/icons/hexagon';
import { PageHeader } from '../../app/PageHeader';
import { formatBytes, formatCount, formatPercent } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { MetricBar } from '../../ui/MetricBar';
import { StatTile } from '../../ui/StatTile';
import { StatusBadge } from '../../ui/StatusBadge';
import { metric } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { NoProxmox } from './cells';
import { cephFacts, connectionOf, healthTone, isCeph, isProxmox, usageOf } from './model';

const healthLabel = (h: string | undefined) => (h ? h.replace(/^HEALTH_/, '').toLowerCase().replace(/^./, (c) => c.toUpperCase()) : 'Unknown');

/** Ceph as Proxmox VE sees it: health and its checks, capacity, OSDs. */
export default function CephPage() {
  usePageTitle(() => 'Ceph');
  const store = useResources();
  const clusters = createMemo(() => store.state.resources.filter(isCeph));
  const anyProxmox = createMemo(() => store.state.resources.some(isProxmox));

  return (
    <div class="space-y-5 pb-8" data-testid="ceph-page">
      <PageHeader title="Ceph" description="Health, capacity and OSDs of the Ceph clusters on your Proxmox VE nodes." eyebrow="Proxmox" />
      <Show
        when={clusters().length > 0}
        fallback={
          <Show when={store.state.ready}>
            <Show when={anyProxmox()} fallback={<NoProxmox what="Ceph clusters" testId="ceph-no-proxmox" />}>
              <div class="rounded-xl border bg-surface shadow-card">
                <EmptyState icon={<Hexagon size={20} />} title="No Ceph on these nodes" testId="ceph-empty">
                  None of your Proxmox VE clusters runs Ceph. If one does, give the API token the Sys.Audit privilege on / so Pulse can read its status.
                </EmptyState>
              </div>
            </Show>
          </Show>
        }
      >
        <For each={clusters()}>
          {(r) => {
            const f = () => cephFacts(r);
            const u = () => usageOf(r);
            const osdUp = () => metric(r, 'osd.up');
            const osdIn = () => metric(r, 'osd.in');
            const osdTotal = () => metric(r, 'osd.total');
            return (
              <section class="space-y-4" data-testid="ceph-cluster">
                <Show when={clusters().length > 1}>
                  <h2 class="text-[15px] font-semibold text-fg">{connectionOf(r)}</h2>
                </Show>
                <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
                  <div class="min-w-0 rounded-xl border bg-surface px-4 py-3.5 shadow-card">
                    <div class="text-xs font-medium text-muted">Health</div>
                    <div class="mt-2">
                      <StatusBadge tone={healthTone(f().health)} label={healthLabel(f().health)} testId="ceph-health" />
                    </div>
                    <div class="mt-1.5 truncate text-xs text-faint">{f().checks.length ? `${f().checks.length} active checks` : 'no active checks'}</div>
                  </div>
                  <StatTile label="Used" value={formatPercent(u().percent, 0)} detail={`${formatBytes(u().used)} of ${formatBytes(u().total)}`} testId="ceph-used" />
                  <StatTile
                    label="OSDs up"
                    tone={osdUp() !== undefined && osdTotal() !== undefined && osdUp()! < osdTotal()! ? 'warn' : 'ok'}
                    value={`${formatCount(osdUp())} / ${formatCount(osdTotal())}`}
                    detail={osdUp() !== undefined && osdTotal() !== undefined && osdUp()! < osdTotal()! ? `${formatCount(osdTotal()! - osdUp()!)} down` : 'all up'}
                    testId="ceph-osd-up"
                  />
                  <StatTile
                    label="OSDs in"
                    tone={osdIn() !== undefined && osdTotal() !== undefined && osdIn()! < osdTotal()! ? 'warn' : 'ok'}
                    value={`${formatCount(osdIn())} / ${formatCount(osdTotal())}`}
                    detail={osdIn() !== undefined && osdTotal() !== undefined && osdIn()! < osdTotal()! ? `${formatCount(osdTotal()! - osdIn()!)} out` : 'all in'}
                    testId="ceph-osd-in"
                  />
                </div>
                <Card title="Capacity" hint={formatBytes(u().total)}>
                  <MetricBar value={u().percent} size="md" label="Ceph capacity used" />
                  <div class="num mt-2 flex justify-between text-xs text-muted">
                    <span>{formatBytes(u().used)} used</span>
                    <span>{formatBytes(u().total !== undefined && u().used !== undefined ? u().total! - u().used! : undefined)} free</span>
                  </div>
                </Card>
                <Card title="Health checks" hint={f().checks.length || undefined} flush testId="ceph-checks">
                  <Show when={f().checks.length > 0} fallback={<div class="px-4 py-6 text-center text-[13px] text-muted">Ceph reports no health checks: all clear.</div>}>
                    <ul class="divide-y">
                      <For each={f().checks}>
                        {(c) => (
                          <li class="flex items-start gap-3 px-4 py-3" data-testid="ceph-check">
                            <StatusBadge tone={healthTone(c.severity)} label={healthLabel(c.severity)} />
                            <div class="min-w-0">
                              <div class="font-mono text-xs text-fg">{c.code}</div>
                              <div class="mt-0.5 text-[13px] text-muted">{c.summary ?? '—'}</div>
                            </div>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </Card>
              </section>
            );
          }}
        </For>
      </Show>
    </div>
  );
}
