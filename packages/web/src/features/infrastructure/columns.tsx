import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { onMount, Show } from 'solid-js';
import ArrowDown from 'lucide-solid/icons/arrow-down';
import ArrowUp from 'lucide-solid/icons/arrow-up';
import { formatPercent, formatRate, formatUsedOfTotal } from '../../lib/format';
import { MetricBar } from '../../ui/MetricBar';
import { Sparkline } from '../../ui/Sparkline';
import { StatusBadge } from '../../ui/StatusBadge';
import type { GridColumn } from '../../ui/VirtualTable';
import { metric, percentOf, statusLabel, statusTone, subtitle, typeLabel } from './model';
import { TREND_WINDOW_MS, useResources } from './store';
import { TypeIcon } from './TypeIcon';

function NameCell(props: { r: Resource }) {
  return (
    <div class="flex min-w-0 items-center gap-3">
      <div class="flex size-8 shrink-0 items-center justify-center rounded-lg border bg-surface-2 text-muted">
        <TypeIcon type={props.r.type} size={15} />
      </div>
      <div class="min-w-0">
        {/* A real link, so the list works from the keyboard and opens in a new tab; the row click is for the mouse. */}
        <A
          href={`/resources/${encodeURIComponent(props.r.id)}`}
          class="block truncate text-[13px] font-medium text-fg hover:underline"
          data-testid="resource-name"
          onClick={(e) => e.stopPropagation()}
        >
          {props.r.name}
        </A>
        <div class="truncate text-xs text-faint">{subtitle(props.r)}</div>
      </div>
    </div>
  );
}

function UsageCell(props: { value: number | undefined; text: string; testId?: string; label: string }) {
  return (
    <Show when={props.value !== undefined} fallback={<span class="text-faint" data-testid={props.testId}>—</span>}>
      <div class="w-full min-w-0">
        <div class="num mb-1.5 truncate text-[13px] text-fg" data-testid={props.testId}>
          {props.text}
        </div>
        <MetricBar value={props.value} size="xs" label={props.label} />
      </div>
    </Show>
  );
}

function NetCell(props: { r: Resource }) {
  return (
    <Show when={metric(props.r, 'net.rx') !== undefined || metric(props.r, 'net.tx') !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="num space-y-0.5 text-xs leading-tight">
        <div class="flex items-center gap-1 text-fg">
          <ArrowDown size={11} class="text-accent" />
          {formatRate(metric(props.r, 'net.rx'))}
        </div>
        <div class="flex items-center gap-1 text-muted">
          <ArrowUp size={11} class="text-chart-2" />
          {formatRate(metric(props.r, 'net.tx'))}
        </div>
      </div>
    </Show>
  );
}

function TrendCell(props: { r: Resource }) {
  const store = useResources();
  // Rows mount only when scrolled into view, so only visible rows fetch their history.
  onMount(() => store.watchTrend(props.r.id));
  const trend = () => store.state.trends[props.r.id];
  return (
    <Show when={metric(props.r, 'cpu') !== undefined} fallback={<span class="text-faint">—</span>}>
      <Sparkline t={trend()?.t ?? []} v={trend()?.v ?? []} windowMs={TREND_WINDOW_MS} min={0} max={100} width={112} height={26} label="CPU, last 10 minutes" />
    </Show>
  );
}

export const resourceColumns: GridColumn<Resource>[] = [
  { key: 'name', header: 'Name', width: 'minmax(220px, 2.2fr)', sortable: true, cell: (r) => <NameCell r={r} /> },
  { key: 'type', header: 'Type', width: '88px', sortable: true, cell: (r) => <span class="text-[13px] text-muted">{typeLabel[r.type] ?? r.type}</span> },
  {
    key: 'status',
    header: 'Status',
    width: '104px',
    sortable: true,
    cell: (r) => <StatusBadge tone={statusTone[r.status]} label={statusLabel[r.status]} testId="resource-status" />,
  },
  {
    key: 'cpu',
    header: 'CPU',
    width: 'minmax(96px, 1fr)',
    sortable: true,
    cell: (r) => <UsageCell value={metric(r, 'cpu')} text={formatPercent(metric(r, 'cpu'))} testId="cpu-value" label="CPU" />,
  },
  {
    key: 'mem',
    header: 'Memory',
    width: 'minmax(140px, 1.3fr)',
    sortable: true,
    cell: (r) => (
      <UsageCell value={percentOf(r, 'mem')} text={formatUsedOfTotal(metric(r, 'mem.used'), metric(r, 'mem.total'))} testId="mem-value" label="Memory" />
    ),
  },
  {
    key: 'disk',
    header: 'Disk',
    width: 'minmax(96px, 1fr)',
    sortable: true,
    cell: (r) => <UsageCell value={percentOf(r, 'disk')} text={formatPercent(percentOf(r, 'disk'))} testId="disk-value" label="Disk" />,
  },
  { key: 'net', header: 'Network', width: '116px', sortable: true, cell: (r) => <NetCell r={r} /> },
  { key: 'trend', header: 'CPU · 10 min', width: '112px', cell: (r) => <TrendCell r={r} /> },
];
