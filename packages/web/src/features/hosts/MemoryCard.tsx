import type { Resource } from '@pulse/protocol';
import { Show } from 'solid-js';
import { formatBytes, formatPercent, formatUsedOfTotal } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { Legend, StackedBar } from '../../ui/StackedBar';
import { metric, percentOf } from '../infrastructure/model';
import { memoryOf } from './details';

export function MemoryCard(props: { r: Resource }) {
  const mem = () => memoryOf(props.r);
  const parts = () => [
    { key: 'used', label: 'Used', value: mem().used, fill: 'bg-accent' },
    { key: 'cache', label: 'Buffers + cache', value: mem().cache, fill: 'bg-chart-3' },
    { key: 'free', label: 'Free', value: mem().free, fill: 'bg-border-strong' },
  ];
  const swapTotal = () => metric(props.r, 'swap.total');

  return (
    <Card title="Memory" hint={formatBytes(mem().total)} testId="memory-card">
      <div class="num text-3xl font-semibold tracking-[-0.02em] text-fg" data-testid="host-mem">
        {formatPercent(percentOf(props.r, 'mem'))}
      </div>
      <div class="num mt-0.5 text-xs text-muted">{formatUsedOfTotal(mem().used, mem().total)} used, cache excluded</div>
      <StackedBar class="mt-4" total={mem().total} segments={parts().map((p) => ({ ...p, value: p.value ?? 0 }))} />
      <Legend class="mt-3 grid-cols-1" items={parts().map((p) => ({ ...p, value: formatBytes(p.value) }))} />
      <div class="mt-1.5 flex items-center gap-2 text-xs">
        <span class="size-2 shrink-0" />
        <span class="text-muted">Available</span>
        <span class="num ml-auto font-medium text-fg">{formatBytes(mem().available)}</span>
      </div>
      <div class="mt-5 border-t pt-4" data-testid="swap">
        <div class="mb-2 flex items-baseline justify-between text-xs">
          <span class="font-medium text-muted">Swap</span>
          <Show when={swapTotal()} fallback={<span class="text-faint">none configured</span>}>
            <span class="num text-fg">
              {formatBytes(metric(props.r, 'swap.used'))} <span class="text-faint">of {formatBytes(swapTotal())}</span>
            </span>
          </Show>
        </div>
        <MetricBar value={swapTotal() ? percentOf(props.r, 'swap') : undefined} size="sm" label="Swap" />
      </div>
    </Card>
  );
}
