import type { Resource } from '@pulse/protocol';
import { Index, Show } from 'solid-js';
import { formatPercent } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { Legend, StackedBar } from '../../ui/StackedBar';
import { metric } from '../infrastructure/model';
import { coresOf, cpuModesOf } from './details';
import { LoadAverage } from './LoadAverage';

const modeParts = [
  { key: 'user', label: 'User', fill: 'bg-accent' },
  { key: 'system', label: 'System', fill: 'bg-chart-2' },
  { key: 'iowait', label: 'I/O wait', fill: 'bg-warn' },
  { key: 'steal', label: 'Steal', fill: 'bg-crit' },
  { key: 'other', label: 'Nice + IRQ', fill: 'bg-chart-3' },
] as const;

export function CpuCard(props: { r: Resource }) {
  const cores = () => coresOf(props.r);
  const modes = () => {
    const m = cpuModesOf(props.r);
    const other = (m.nice ?? 0) + (m.irq ?? 0) + (m.softirq ?? 0);
    const values: Record<string, number | undefined> = {
      user: m.user,
      system: m.system,
      iowait: m.iowait,
      steal: m.steal,
      other: m.nice === undefined && m.irq === undefined && m.softirq === undefined ? undefined : other,
    };
    return modeParts.map((p) => ({ ...p, value: values[p.key] }));
  };
  const hasModes = () => modes().some((m) => m.value !== undefined);
  // Many-core machines get narrower cells so the grid stays a glance, not a scroll.
  const coreCols = () => (cores().length > 32 ? 'grid-cols-[repeat(auto-fill,minmax(120px,1fr))]' : 'grid-cols-[repeat(auto-fit,minmax(170px,1fr))]');

  return (
    <Card title="CPU" hint={cores().length ? `${cores().length} cores` : undefined} testId="cpu-card">
      <div class="flex flex-wrap items-end gap-x-8 gap-y-3">
        <div>
          <div class="num text-3xl font-semibold tracking-[-0.02em] text-fg" data-testid="host-cpu">
            {formatPercent(metric(props.r, 'cpu'))}
          </div>
          <div class="mt-0.5 text-xs text-muted">busy, all cores</div>
        </div>
        <Show when={hasModes()}>
          <div class="min-w-[260px] flex-1" data-testid="cpu-modes">
            <StackedBar total={100} segments={modes().map((m) => ({ key: m.key, label: m.label, value: m.value ?? 0, fill: m.fill }))} />
            <Legend
              class="mt-2.5 grid-cols-2 sm:grid-cols-3 xl:grid-cols-5"
              items={modes().map((m) => ({ key: m.key, label: m.label, value: formatPercent(m.value), fill: m.fill }))}
            />
          </div>
        </Show>
      </div>
      <Show when={cores().length > 0}>
        <div class="mt-5 border-t pt-4">
          <div class="mb-3 text-xs font-medium text-muted">Per core</div>
          <div class={`grid gap-x-5 gap-y-2.5 ${coreCols()}`} data-testid="core-bars">
            <Index each={cores()}>
              {(busy, i) => (
                <div class="flex items-center gap-2.5" data-testid="core-bar">
                  <span class="num w-6 shrink-0 text-right text-[11px] text-faint">{i}</span>
                  <MetricBar value={busy()} size="sm" label={`Core ${i}`} />
                  <span class="num w-11 shrink-0 text-right text-xs text-fg">{formatPercent(busy(), 0)}</span>
                </div>
              )}
            </Index>
          </div>
        </div>
      </Show>
      <div class="mt-5 border-t pt-4">
        <LoadAverage r={props.r} />
      </div>
    </Card>
  );
}
