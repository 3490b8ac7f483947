import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { formatBytes, formatPercent, trimZeros } from '../../lib/format';
import { MetricBar } from '../../ui/MetricBar';
import { Sparkline } from '../../ui/Sparkline';
import { TREND_WINDOW_MS, useResources, useTrendWhenSettled } from '../infrastructure/store';

/* Cells the Workloads list and a host's containers card share. */

export const resourceHref = (id: string) => `/resources/${encodeURIComponent(id)}`;

/** A link inside a clickable row: it handles its own click, so the row's does not fire too. */
export function RowLink(props: { href: string; class?: string; testId?: string; title?: string; children: string }) {
  return (
    <A href={props.href} class={`truncate hover:underline ${props.class ?? ''}`} title={props.title} data-testid={props.testId} onClick={(e) => e.stopPropagation()}>
      {props.children}
    </A>
  );
}

/** CPU as % of one core (so 250% is two and a half cores busy), with the last 10 minutes beside it. */
export function CpuWithTrend(props: { id: string; cpu: number | undefined; testId?: string }) {
  const store = useResources();
  useTrendWhenSettled(props.id);
  const trend = () => store.state.trends[props.id];
  return (
    <Show when={props.cpu !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="flex min-w-0 items-center gap-2.5">
        <span class="num w-12 shrink-0 text-[13px] text-fg" data-testid={props.testId}>
          {formatPercent(props.cpu)}
        </span>
        <Sparkline t={trend()?.t ?? []} v={trend()?.v ?? []} windowMs={TREND_WINDOW_MS} min={0} max={100} width={64} height={22} label="CPU, last 10 minutes" />
      </div>
    </Show>
  );
}

/** Used of the limit, in the container's own scale, with a bar when there is a limit. */
export function MemoryUse(props: { used: number | undefined; limit: number | undefined; percent: number | undefined; testId?: string }) {
  return (
    <Show when={props.used !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="w-full min-w-0">
        <div class="num mb-1.5 truncate text-[13px] text-fg" data-testid={props.testId}>
          {trimZeros(formatBytes(props.used))}
          <Show when={props.limit !== undefined}>
            <span class="text-faint"> / {trimZeros(formatBytes(props.limit))}</span>
          </Show>
        </div>
        <MetricBar value={props.percent} size="xs" label="Memory of limit" />
      </div>
    </Show>
  );
}
