import type { Resource } from '@pulse/protocol';
import { For } from 'solid-js';
import { formatNumber } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { metric } from '../infrastructure/model';
import { coresOf } from './details';

export function LoadCard(props: { r: Resource }) {
  const cores = () => metric(props.r, 'cores') ?? (coresOf(props.r).length || undefined);
  const rows = () =>
    (['load1', 'load5', 'load15'] as const).map((key, i) => ({ key, label: ['1 min', '5 min', '15 min'][i]!, value: metric(props.r, key) }));
  // Load equal to the core count means every core is busy; the bars show load per core.
  const perCore = (v: number | undefined) => (v === undefined || !cores() ? undefined : (v / cores()!) * 100);
  return (
    <Card title="Load average" hint={cores() ? `${cores()} cores = 100%` : undefined} testId="load-card">
      <div class="grid grid-cols-3 gap-4">
        <For each={rows()}>
          {(row) => (
            <div data-testid={`host-${row.key}`}>
              <div class="text-xs text-muted">{row.label}</div>
              <div class="num mt-1 mb-2.5 text-2xl font-semibold tracking-[-0.02em] text-fg">{formatNumber(row.value)}</div>
              <MetricBar value={perCore(row.value)} size="sm" label={`Load ${row.label} per core`} />
            </div>
          )}
        </For>
      </div>
    </Card>
  );
}
