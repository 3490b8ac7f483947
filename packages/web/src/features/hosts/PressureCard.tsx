import type { Resource } from '@pulse/protocol';
import { For, Show } from 'solid-js';
import { formatPercent } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { pressureOf } from './pressure';

function Stall(props: { label: string; value: number | undefined; avg60: number | undefined }) {
  return (
    <div>
      <div class="mb-1 flex items-baseline justify-between gap-2 text-xs">
        <span class="text-faint">{props.label}</span>
        <span class="num font-medium text-fg">{formatPercent(props.value)}</span>
      </div>
      <MetricBar value={props.value} size="sm" label={props.label} />
      <div class="num mt-1 text-[11px] text-faint">1 min avg {formatPercent(props.avg60)}</div>
    </div>
  );
}

/**
 * Pressure stall information: how much of the time work waited for CPU, memory or I/O. A busy
 * machine can be at 100% CPU with no pressure; pressure is the part that slowed something down.
 */
export function PressureCard(props: { r: Resource }) {
  return (
    <Card title="Pressure" hint="time spent waiting" testId="pressure-card">
      <div class="@container">
        <div class="grid gap-4 @lg:grid-cols-3">
          <For each={pressureOf(props.r)}>
            {(row) => (
              <div class="min-w-0" data-testid={`pressure-${row.key}`}>
                <div class="mb-2 text-xs font-medium text-muted">{row.label}</div>
                <div class="grid grid-cols-2 gap-3">
                  <Stall label="Some" value={row.some} avg60={row.someAvg60} />
                  <Show when={row.key !== 'cpu'} fallback={<div />}>
                    <Stall label="Full" value={row.full} avg60={row.fullAvg60} />
                  </Show>
                </div>
              </div>
            )}
          </For>
        </div>
      </div>
      <p class="mt-3 text-[11px] leading-relaxed text-faint">Some: at least one task was waiting. Full: every busy task was, so nothing ran.</p>
    </Card>
  );
}
