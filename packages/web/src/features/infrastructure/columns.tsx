import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import ArrowDown from 'lucide-solid/icons/arrow-down';
import ArrowUp from 'lucide-solid/icons/arrow-up';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import { formatBytes, formatPercent, formatRate, formatUsedOfTotal, plural, trimZeros } from '../../lib/format';
import { MetricBar } from '../../ui/MetricBar';
import { Sparkline } from '../../ui/Sparkline';
import { StatusBadge } from '../../ui/StatusBadge';
import type { GridColumn } from '../../ui/VirtualTable';
import { memoryCeiling, metric, netRates, percentOf, statusLabel, statusTone, subtitle, typeLabel } from './model';
import { SourceList } from './SourceList';
import { TREND_WINDOW_MS, useResources, useTrendWhenSettled } from './store';
import type { Nesting } from './tree';
import { TypeIcon } from './TypeIcon';

/** How the name column shows and opens the tree; absent for a flat (filtered) list. */
export interface TreeControls {
  nesting: (id: string) => Nesting | undefined;
  isOpen: (id: string) => boolean;
  toggle: (id: string) => void;
}

const INDENT_PX = 28;

/** "30 containers": what a machine's children are, in a word. */
function childrenLabel(r: Resource, n: number): string {
  return plural(n, r.type === 'host' || r.type === 'docker-host' ? 'container' : 'guest');
}

function TreeToggle(props: { r: Resource; tree: TreeControls }) {
  const nesting = () => props.tree.nesting(props.r.id);
  const open = () => props.tree.isOpen(props.r.id);
  return (
    <Show when={(nesting()?.children ?? 0) > 0} fallback={<span class="w-5 shrink-0" />}>
      <button
        type="button"
        class="-ml-1 inline-flex size-6 shrink-0 items-center justify-center rounded-md text-faint transition-colors hover:bg-surface-3 hover:text-fg"
        aria-expanded={open()}
        aria-label={`${open() ? 'Hide' : 'Show'} ${childrenLabel(props.r, nesting()!.children)} of ${props.r.name}`}
        title={`${open() ? 'Hide' : 'Show'} ${childrenLabel(props.r, nesting()!.children)}`}
        data-testid="tree-toggle"
        onClick={(e) => {
          e.stopPropagation();
          props.tree.toggle(props.r.id);
        }}
      >
        <ChevronRight size={14} class={`transition-transform ${open() ? 'rotate-90' : ''}`} />
      </button>
    </Show>
  );
}

function NameCell(props: { r: Resource; tree?: TreeControls }) {
  const nesting = () => props.tree?.nesting(props.r.id);
  // An engine's line already counts its containers ("5 of 6 running").
  const children = () => (props.r.type === 'docker-host' ? 0 : (nesting()?.children ?? 0));
  return (
    <div class="flex min-w-0 items-center gap-2" style={{ 'padding-left': `${(nesting()?.depth ?? 0) * INDENT_PX}px` }}>
      <Show when={props.tree}>{(tree) => <TreeToggle r={props.r} tree={tree()} />}</Show>
      <div class="mr-1 flex size-8 shrink-0 items-center justify-center rounded-lg border bg-surface-2 text-muted">
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
        <div class="truncate text-xs text-faint">
          <Show when={children() > 0}>
            <span class="text-muted">{childrenLabel(props.r, children())}</span>
            {' · '}
          </Show>
          {subtitle(props.r)}
        </div>
      </div>
    </div>
  );
}

/** The type, and under it every source that reports the resource, its owner first. */
function TypeCell(props: { r: Resource }) {
  return (
    <div class="min-w-0 leading-tight">
      <div class="truncate text-[13px] text-muted">{typeLabel[props.r.type] ?? props.r.type}</div>
      <div class="mt-1 truncate text-[11px] font-medium text-faint">
        <SourceList r={props.r} testId="resource-source" />
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

export function NetCell(props: { rx: number | undefined; tx: number | undefined }) {
  return (
    <Show when={props.rx !== undefined || props.tx !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="num space-y-0.5 text-xs leading-tight" title="Receive / send">
        <div class="flex items-center gap-1 text-fg">
          <ArrowDown size={11} class="text-accent" />
          {formatRate(props.rx)}
        </div>
        <div class="flex items-center gap-1 text-muted">
          <ArrowUp size={11} class="text-chart-2" />
          {formatRate(props.tx)}
        </div>
      </div>
    </Show>
  );
}

/** Machines in GiB pairs; a container's figures are far smaller, so they get their own units. */
function memoryText(r: Resource): string {
  if (r.type !== 'app-container') return formatUsedOfTotal(metric(r, 'mem.used'), memoryCeiling(r));
  return `${trimZeros(formatBytes(metric(r, 'mem.used')))} / ${trimZeros(formatBytes(memoryCeiling(r)))}`;
}

function TrendCell(props: { r: Resource }) {
  const store = useResources();
  useTrendWhenSettled(props.r.id);
  const trend = () => store.state.trends[props.r.id];
  return (
    <Show when={metric(props.r, 'cpu') !== undefined} fallback={<span class="text-faint">—</span>}>
      <Sparkline t={trend()?.t ?? []} v={trend()?.v ?? []} windowMs={TREND_WINDOW_MS} min={0} max={100} width={112} height={26} label="CPU, last 10 minutes" />
    </Show>
  );
}

export const resourceColumns = (tree?: TreeControls): GridColumn<Resource>[] => [
  { key: 'name', header: 'Name', width: 'minmax(220px, 2.2fr)', sortable: true, cell: (r) => <NameCell r={r} tree={tree} /> },
  { key: 'type', header: 'Type · source', width: '108px', sortable: true, cell: (r) => <TypeCell r={r} /> },
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
      <UsageCell value={percentOf(r, 'mem')} text={memoryText(r)} testId="mem-value" label="Memory" />
    ),
  },
  {
    key: 'disk',
    header: 'Disk',
    width: 'minmax(96px, 1fr)',
    sortable: true,
    cell: (r) => <UsageCell value={percentOf(r, 'disk')} text={formatPercent(percentOf(r, 'disk'))} testId="disk-value" label="Disk" />,
  },
  { key: 'net', header: 'Network', width: '116px', sortable: true, cell: (r) => <NetCell rx={netRates(r).rx} tx={netRates(r).tx} /> },
  { key: 'trend', header: 'CPU · 10 min', width: '112px', cell: (r) => <TrendCell r={r} /> },
];
