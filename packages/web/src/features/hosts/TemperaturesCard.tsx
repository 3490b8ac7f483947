import type { Resource } from '@pulse/protocol';
import { For } from 'solid-js';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { toneText } from '../../ui/tone';
import { formatCelsius, sensorName, sensorScale, temperatureTone, temperaturesOf } from './temperatures';

/** Every temperature sensor the machine exposes, each against its critical point. */
export function TemperaturesCard(props: { r: Resource }) {
  const sensors = () => temperaturesOf(props.r);
  const hottest = () => Math.max(...sensors().map((t) => t.celsius));
  return (
    <Card title="Temperatures" hint={`hottest ${formatCelsius(hottest())}`} testId="temperatures-card">
      <ul class="@container max-h-64 space-y-2.5 overflow-y-auto pr-1" data-testid="temperatures">
        <For each={sensors()}>
          {(t) => (
            <li class="grid grid-cols-[minmax(0,1fr)_56px] items-center gap-x-3 gap-y-1 @md:grid-cols-[minmax(0,1fr)_minmax(80px,1.2fr)_56px]">
              <span class="truncate text-xs text-muted" title={`${sensorName(t)} (${t.id})`}>
                {sensorName(t)}
              </span>
              <span class="num order-last col-span-2 @md:order-none @md:col-span-1">
                <MetricBar value={(t.celsius / sensorScale(t)) * 100} tone={temperatureTone(t)} size="sm" label={sensorName(t)} />
              </span>
              <span class={`num text-right text-[13px] font-medium ${temperatureTone(t) === 'accent' ? 'text-fg' : toneText[temperatureTone(t)]}`} data-testid="temperature-value">
                {formatCelsius(t.celsius)}
              </span>
            </li>
          )}
        </For>
      </ul>
      <p class="mt-3 text-[11px] text-faint">Bars run to each sensor's critical point (100 °C where the driver names none).</p>
    </Card>
  );
}
