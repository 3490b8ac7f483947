import { createMemo, For, Show } from 'solid-js';
import { formatCount } from '../../lib/format';
import { Card } from '../../ui/Card';
import { StackedBarChart } from '../../ui/StackedBarChart';
import { TimeSeriesChart } from '../../ui/TimeSeriesChart';
import { bucketRange, exceptionColumns, formatBucket, formatLatency, latencySeries, requestColumns } from './app-model';
import type { ApmBucket } from './app-types';

// The parts add up to the bar (the readout's total): "Requests 9 · Slow 1" read as 9 requests, 1 of them slow.
const REQUEST_PARTS = [
  { label: 'Fast', color: '--accent' },
  { label: 'Slow', color: '--warn' },
];
const EXCEPTION_PARTS = [{ label: 'Exceptions', color: '--crit' }];
const count = (v: number) => formatCount(v);
const LATENCY = [
  { key: 'avg', title: 'Average response time', label: 'Avg', color: '--accent' },
  { key: 'max', title: 'Slowest request', label: 'Max', color: '--chart-2' },
] as const;

/** The period in 60 buckets: traffic (slow on top), exceptions, and how long requests took. */
export function TimelineCard(props: { buckets: readonly ApmBucket[]; bucketMs: number; now: number; periodLabel: string; stale?: boolean; live?: boolean }) {
  const range = createMemo(() => bucketRange(props.buckets, props.bucketMs, props.now));
  const requests = createMemo(() => requestColumns(props.buckets, props.bucketMs, props.now));
  const exceptions = createMemo(() => exceptionColumns(props.buckets, props.bucketMs, props.now));
  const latency = createMemo(() => latencySeries(props.buckets, props.bucketMs));
  const hasLatency = () => latency().avg.some((v) => v !== null);
  return (
    <Card title="Timeline" hint={`${props.periodLabel} · per ${formatBucket(props.bucketMs)}`} testId="app-timeline">
      <div class="flex flex-col gap-5" classList={{ 'opacity-60': props.stale }}>
        <StackedBarChart parts={REQUEST_PARTS} columns={requests()} xRange={range()} format={count} integer height={170} testId="app-timeline-requests" />
        <StackedBarChart parts={EXCEPTION_PARTS} columns={exceptions()} xRange={range()} format={count} integer height={96} testId="app-timeline-exceptions" />
        {/* Two charts, not one: a max of seconds would flatten an average of milliseconds to the axis. */}
        <div class="grid grid-cols-1 gap-5 lg:grid-cols-2">
          <For each={LATENCY}>
            {(l) => (
              <div class="min-w-0">
                <div class="mb-1 text-xs font-medium text-muted">{l.title}</div>
                <TimeSeriesChart
                  t={latency().t}
                  series={[{ label: l.label, values: latency()[l.key], color: l.color }]}
                  xRange={range()}
                  format={formatLatency}
                  height={130}
                  latestLabel={props.live ? 'latest' : undefined}
                  overlay={<Show when={!hasLatency()}>No request in this period</Show>}
                  testId={`app-timeline-${l.key}`}
                />
              </div>
            )}
          </For>
        </div>
      </div>
    </Card>
  );
}
