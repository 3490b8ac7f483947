import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { createMemo, For, Show, type JSX } from 'solid-js';
import ArrowUpCircle from 'lucide-solid/icons/circle-arrow-up';
import { PageHeader } from '../../app/PageHeader';
import { formatCount, formatDuration, formatNumber, formatPercent, formatUsedOfTotal, plural } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Chip } from '../../ui/Chip';
import { MetricBar } from '../../ui/MetricBar';
import { Spinner } from '../../ui/Spinner';
import { StatusBadge } from '../../ui/StatusBadge';
import { metric, percentOf, statusLabel, statusTone } from '../infrastructure/model';
import { useResources } from '../infrastructure/store';
import { MemSourceHint, NoProxmox } from './cells';
import { connectionOf, guestFacts, isGuest, isPveNode, nodeFacts, proxmoxHref } from './model';

function Meter(props: { label: string; percent?: number; text: string; hint?: JSX.Element; testId?: string }) {
  return (
    <div class="min-w-0" data-testid={props.testId}>
      <div class="mb-1.5 flex items-baseline gap-2 text-xs">
        <span class="font-medium text-muted">{props.label}</span>
        {props.hint}
        <span class="num ml-auto truncate text-fg">
          <span class="font-medium">{formatPercent(props.percent, 0)}</span>
          <span class="text-faint"> · {props.text}</span>
        </span>
      </div>
      <MetricBar value={props.percent} size="sm" label={props.label} />
    </div>
  );
}

function NodeCard(props: { r: Resource; guests: { running: number; total: number } }) {
  const f = () => nodeFacts(props.r);
  const cpus = () => metric(props.r, 'cpus');
  const updates = () => metric(props.r, 'updates.pending') ?? 0;
  const load = () => [metric(props.r, 'load1'), metric(props.r, 'load5'), metric(props.r, 'load15')];
  const offline = () => props.r.status === 'offline' || props.r.status === 'unknown';
  return (
    <section class="flex min-w-0 flex-col rounded-xl border bg-surface shadow-card" data-testid="node-card" data-node={props.r.name}>
      <header class="flex items-start gap-3 border-b px-4 py-3">
        <div class="min-w-0 flex-1">
          <div class="flex min-w-0 items-center gap-2">
            <A href={proxmoxHref(props.r.id)} class="truncate text-[15px] font-semibold tracking-[-0.01em] text-fg hover:underline" data-testid="node-name">
              {props.r.name}
            </A>
            <StatusBadge tone={statusTone[props.r.status]} label={statusLabel[props.r.status]} testId="node-status" />
            <Show when={updates() > 0}>
              <Chip tone="accent" icon={<ArrowUpCircle size={11} />} title="Package updates waiting on this node" testId="node-updates">
                {plural(updates(), 'update')}
              </Chip>
            </Show>
          </div>
          <div class="mt-0.5 truncate text-xs text-muted">
            {[f().cluster ? `cluster ${f().cluster}` : `connection ${connectionOf(props.r)}`, f().ip].filter(Boolean).join(' · ')}
          </div>
        </div>
        <A href={`/proxmox/guests?node=${encodeURIComponent(f().node)}`} class="shrink-0 text-right text-xs text-muted hover:text-fg" data-testid="node-guests">
          <Show when={props.guests.total > 0} fallback="no guests">
            <div class="num text-[15px] font-semibold text-fg">{formatCount(props.guests.running)}</div>
            running of {formatCount(props.guests.total)}
          </Show>
        </A>
      </header>
      <div class="flex-1 space-y-3.5 px-4 py-3.5">
        <Show when={f().error}>
          <Banner tone="crit" testId="node-error">
            {f().error}
          </Banner>
        </Show>
        <Show when={!offline() || metric(props.r, 'cpu') !== undefined}>
          <Meter label="CPU" percent={metric(props.r, 'cpu')} text={cpus() ? `${cpus()} cores · iowait ${formatPercent(metric(props.r, 'cpu.iowait'))}` : '—'} testId="node-cpu" />
          <Meter
            label="Memory"
            percent={percentOf(props.r, 'mem')}
            text={formatUsedOfTotal(metric(props.r, 'mem.used'), metric(props.r, 'mem.total'))}
            hint={<MemSourceHint source={f().memSource} />}
            testId="node-mem"
          />
          <div class="grid grid-cols-2 gap-4">
            <Meter label="Swap" percent={percentOf(props.r, 'swap')} text={formatUsedOfTotal(metric(props.r, 'swap.used'), metric(props.r, 'swap.total'))} testId="node-swap" />
            <Meter label="Root disk" percent={percentOf(props.r, 'disk')} text={formatUsedOfTotal(metric(props.r, 'disk.used'), metric(props.r, 'disk.total'))} testId="node-disk" />
          </div>
        </Show>
      </div>
      <dl class="grid grid-cols-3 gap-px overflow-hidden rounded-b-xl border-t bg-border text-xs">
        <div class="min-w-0 bg-surface px-4 py-2.5">
          <dt class="text-faint">Load</dt>
          <dd class="num mt-0.5 truncate text-fg" data-testid="node-load">
            {load().every((v) => v === undefined) ? '—' : load().map((v) => formatNumber(v)).join(' ')}
          </dd>
        </div>
        <div class="min-w-0 bg-surface px-4 py-2.5">
          <dt class="text-faint">Uptime</dt>
          <dd class="num mt-0.5 truncate text-fg" data-testid="node-uptime">
            {formatDuration(metric(props.r, 'uptime'))}
          </dd>
        </div>
        <div class="min-w-0 bg-surface px-4 py-2.5" title={[f().pveVersion, f().kernel, f().cpuModel].filter(Boolean).join('\n')}>
          <dt class="text-faint">Version</dt>
          <dd class="num mt-0.5 truncate text-fg" data-testid="node-version">
            {f().pveVersion?.replace(/^pve-manager\//, '').split('/')[0] ?? '—'}
            <Show when={f().kernel}>
              <span class="text-faint"> · {f().kernel}</span>
            </Show>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** The Proxmox VE nodes, one card each: what they carry and what needs doing. */
export default function NodesPage() {
  usePageTitle(() => 'Nodes');
  const store = useResources();
  const nodes = createMemo(() =>
    store.state.resources.filter(isPveNode).sort((a, b) => connectionOf(a).localeCompare(connectionOf(b)) || a.name.localeCompare(b.name, undefined, { numeric: true })),
  );
  // Counted from the plain list: a card needs only the totals, not every guest's fields tracked.
  const guestsByNode = createMemo(() => {
    store.revision();
    const counts = new Map<string, { running: number; total: number }>();
    for (const r of store.raw()) {
      if (!isGuest(r) || !r.parentId) continue;
      const f = guestFacts(r);
      if (f.template) continue;
      const c = counts.get(r.parentId) ?? { running: 0, total: 0 };
      c.total++;
      if (f.state === 'running') c.running++;
      counts.set(r.parentId, c);
    }
    return counts;
  });
  const online = () => nodes().filter((n) => n.status === 'online').length;
  const updates = () => nodes().reduce((sum, n) => sum + (metric(n, 'updates.pending') ?? 0), 0);

  return (
    <div class="space-y-5 pb-8" data-testid="nodes-page">
      <PageHeader
        title="Nodes"
        description={
          <Show when={nodes().length > 0} fallback="Proxmox VE nodes and what runs on them.">
            <span data-testid="nodes-summary">
              {plural(nodes().length, 'node')} · {formatCount(online())} online
              <Show when={nodes().length - online() > 0}>
                {' · '}
                <span class="text-crit">{formatCount(nodes().length - online())} not answering</span>
              </Show>
              <Show when={updates() > 0}> · {plural(updates(), 'pending update')}</Show>
            </span>
          </Show>
        }
      />
      <Show
        when={nodes().length > 0}
        fallback={
          <Show when={store.state.ready} fallback={<div class="flex h-48 items-center justify-center text-faint"><Spinner /></div>}>
            <NoProxmox what="Nodes" testId="nodes-empty" />
          </Show>
        }
      >
        <div class="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
          <For each={nodes()}>{(r) => <NodeCard r={r} guests={guestsByNode().get(r.id) ?? { running: 0, total: 0 }} />}</For>
        </div>
      </Show>
    </div>
  );
}
