import type { Resource } from '@pulse/protocol';
import { For } from 'solid-js';
import { formatNumber } from '../../lib/format';
import { MetricBar } from '../../ui/MetricBar';
import { metric } from '../infrastructure/model';
import { coresOf } from './details';

/** Load 1/5/15 with bars against the core count: a full bar means every core was busy. */
export function LoadAverage(props: { r: Resource }) {
  const cores = () => metric(props.r, 'cores') ?? (coresOf(props.r).length || undefined);
  const rows = () =>
    (['load1', 'load5', 'load15'] as const).map((key, i) => ({ key, label: ['1 min', '5 min', '15 min'][i]!, value: metric(props.r, key) }));
  const perCore = (v: number | undefined) => (v === undefined || !cores() ? undefined : (v / cores()!) * 100);
  return (
    <div data-testid="load-average">
      <div class="mb-3 flex items-baseline gap-2 text-xs">
        <span class="font-medium text-muted">Load average</span>
        {cores() && <span class="text-faint">full bar = {cores()} cores busy</span>}
      </div>
      <div class="grid grid-cols-3 gap-5">
        <For each={rows()}>
          {(row) => (
            <div data-testid={`host-${row.key}`}>
              <div class="mb-2 flex items-baseline justify-between gap-2">
                <span class="text-xs text-faint">{row.label}</span>
                <span class="num text-[15px] font-semibold text-fg">{formatNumber(row.value)}</span>
              </div>
              <MetricBar value={perCore(row.value)} size="sm" label={`Load ${row.label} per core`} />
            </div>
          )}
        </For>
      </div>
    </div>
  );
}
