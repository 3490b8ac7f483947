import { createMemo, Match, Switch } from 'solid-js';
import { alignLines } from '../../ui/chart-columns';
import { Card } from '../../ui/Card';
import { Spinner } from '../../ui/Spinner';
import { TimeSeriesChart } from '../../ui/TimeSeriesChart';
import type { ChartSpec } from './chart-spec';
import { emptyPoints, TIER_STEP_MS, typicalSpacing, type Tier } from './history-points';
import type { ResourceHistory } from './history-state';
import type { HistoryStatus } from './history';

const tierHint: Record<Tier, string> = { raw: 'raw samples', '1m': '1-minute averages', '1h': 'hourly averages', '1d': 'daily averages' };

/** A silence this many points long breaks the line: one late sample is not an outage. */
const GAP_POINTS = 3;

export interface HistoryChartProps {
  spec: ChartSpec;
  history: ResourceHistory | undefined;
  status: HistoryStatus;
  zoomed: boolean;
  onZoom: (from: number, to: number) => void;
  onPlotWidth: (px: number) => void;
}

/** One card of a resource's history: a chart of one quantity over the shared window. */
export function HistoryChart(props: HistoryChartProps) {
  const lines = () => props.spec.lines.map((l) => ({ ...l, points: props.history?.series[l.metric] ?? emptyPoints() }));
  const columns = createMemo(() => {
    const h = props.history;
    const ls = lines();
    const spacing = Math.max(h?.bucketMs ?? 0, ...ls.map((l) => Math.max(TIER_STEP_MS[l.points.tier], typicalSpacing(l.points.t))));
    return alignLines(ls.map((l) => ({ t: l.points.t, v: l.points.v, low: l.points.min, high: l.points.max })), GAP_POINTS * spacing);
  });
  const tier = () => lines()[0]!.points.tier;
  const pointCount = () => lines()[0]!.points.t.length;
  const isEmpty = () => columns().t.length === 0;
  const xRange = (): [number, number] => (props.history ? [props.history.from, props.history.to] : [Date.now() - 3_600_000, Date.now()]);

  return (
    <Card title={props.spec.title} hint={props.history && !isEmpty() ? tierHint[tier()] : undefined} testId={`${props.spec.key}-chart`}>
      <div
        data-testid="history-chart"
        data-tier={tier()}
        data-points={pointCount()}
        data-from={props.history?.from}
        data-to={props.history?.to}
        data-last={lines()[0]!.points.t.at(-1)}
        data-status={props.status}
      >
        <TimeSeriesChart
          t={columns().t}
          series={props.spec.lines.map((l, k) => ({
            label: l.label,
            color: l.color,
            values: columns().lines[k]!.v,
            band: { low: columns().lines[k]!.low, high: columns().lines[k]!.high },
          }))}
          xRange={xRange()}
          range={props.spec.range}
          format={props.spec.format}
          yIncrs={props.spec.yIncrs}
          latestLabel={props.history?.live ? 'now' : undefined}
          onZoom={props.onZoom}
          onPlotWidth={props.onPlotWidth}
          syncKey="host-history"
          stale={props.status === 'loading' && !!props.history}
          overlay={
            <Switch>
              <Match when={props.status === 'loading'}>
                <span class="rounded-full border bg-surface p-2 text-faint shadow-card">
                  <Spinner />
                </span>
              </Match>
              <Match when={props.status === 'error' && isEmpty()}>
                <span data-testid="history-empty">History unavailable</span>
              </Match>
              <Match when={isEmpty()}>
                <span data-testid="history-empty">{props.zoomed ? 'No samples in the selected span' : 'No history for this range yet'}</span>
              </Match>
            </Switch>
          }
        />
      </div>
    </Card>
  );
}
