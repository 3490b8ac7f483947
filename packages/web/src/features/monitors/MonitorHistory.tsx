import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import RotateCcw from 'lucide-solid/icons/rotate-ccw';
import { useLive } from '../../app/live';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Spinner } from '../../ui/Spinner';
import { StackedBarChart } from '../../ui/StackedBarChart';
import { useSession } from '../auth/session';
import type { ChartSpec } from '../history/chart-spec';
import { createResourceHistory } from '../history/history';
import { HistoryChart } from '../history/HistoryChart';
import { DEFAULT_RANGE, parseRange, RANGES, windowOf, windowTitle, zoomTo, type RangeKey, type Zoom } from '../history/history-window';
import { formatMs } from './monitor-model';
import { bucketStack, PHASES } from './waterfall';

const RT_CHART: ChartSpec = { key: 'rt', title: 'Response time', lines: [{ metric: 'rt', label: 'Response', color: '--accent' }], format: (v) => formatMs(v) };
const PHASE_METRICS = PHASES.map((p) => p.key);
/** Bars in the phase chart: enough to see a trend, few enough that each stays a bar. */
const STACK_BARS = 90;

const sameWindow = (a: ReturnType<typeof windowOf>, b: ReturnType<typeof windowOf>) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A monitor's response time over the chosen range (`?range=` as on host pages, drag to zoom) and,
 * for HTTP monitors, where that time went: DNS, connect, TLS, waiting and download stacked per span.
 */
export function MonitorHistory(props: { resourceId: string; reported: ReadonlySet<string> }) {
  // Asking for a metric the monitor never reported fails the whole request (no TLS on http://).
  const phaseMetrics = PHASE_METRICS.filter((m) => props.reported.has(m));
  const phases = phaseMetrics.length > 0;
  const [params, setParams] = useSearchParams<{ range?: string }>();
  const range = () => parseRange(params.range);
  const [zoom, setZoom] = createSignal<Zoom | null>(null);
  const [plotWidth, setPlotWidth] = createSignal<number>();
  const window = createMemo(() => windowOf(range(), zoom()), undefined, { equals: sameWindow });
  const { history, status, error, retry } = createResourceHistory({
    id: props.resourceId,
    metrics: ['rt', ...phaseMetrics],
    window,
    plotWidth,
    live: useLive(),
    api: useSession().api,
  });

  const chooseRange = (key: string) => {
    setZoom(null);
    setParams({ range: key === DEFAULT_RANGE ? undefined : (key as RangeKey) }, { replace: true });
  };
  const onZoom = (from: number, to: number) => {
    const h = history();
    if (h) setZoom(zoomTo(from, to, { from: h.from, to: h.to }, Date.now()));
  };
  const stack = createMemo(() => {
    const h = history();
    if (!h) return [];
    return bucketStack(
      PHASES.map((p) => h.series[p.key] ?? { t: [], v: [] }),
      h.from,
      h.to,
      STACK_BARS,
    );
  });
  const stackEmpty = () => !stack().some((c) => c.filled);

  return (
    <section class="space-y-3" data-testid="monitor-history" data-range={range()}>
      <div class="flex flex-wrap items-center gap-x-3 gap-y-2">
        <div class="min-w-0">
          <h2 class="text-[15px] font-semibold tracking-[-0.01em] text-fg">History</h2>
          <div class="num mt-0.5 flex items-center gap-2 text-xs text-muted">
            {windowTitle(range(), zoom(), Date.now())}
            <Show when={status() === 'loading'}>
              <Spinner size={12} class="text-faint" />
            </Show>
            <span class="text-faint">· {zoom() ? 'not live' : 'drag across the response chart to zoom in'}</span>
          </div>
        </div>
        <div class="ml-auto flex items-center gap-2">
          <Show when={zoom()}>
            <Button variant="secondary" class="h-8! px-2.5 text-xs!" onClick={() => setZoom(null)}>
              <RotateCcw size={13} />
              Reset zoom
            </Button>
          </Show>
          <SegmentedControl label="Time range" options={RANGES.map((r) => ({ value: r.key, label: r.label }))} value={zoom() ? '' : range()} onChange={chooseRange} testId="history-range" />
        </div>
      </div>
      <Show when={status() === 'error'}>
        <div class="flex flex-wrap items-center gap-2 rounded-lg border border-crit/30 bg-crit-soft px-3 py-2 text-[13px] text-fg" data-testid="history-error">
          <span>Could not load history: {error()}</span>
          <Button variant="ghost" class="ml-auto h-7! px-2 text-xs!" onClick={retry}>
            Try again
          </Button>
        </div>
      </Show>
      <div class="grid gap-4" classList={{ 'xl:grid-cols-2': phases }}>
        <HistoryChart spec={RT_CHART} history={history()} status={status()} zoomed={zoom() !== null} onZoom={onZoom} onPlotWidth={(px) => plotWidth() === undefined && setPlotWidth(px)} />
        <Show when={phases}>
          <Card title="Where the time goes" hint="average per phase" testId="phases-chart">
            <StackedBarChart
              parts={PHASES.map((p) => ({ label: p.label, color: p.color }))}
              columns={stack()}
              xRange={history() ? [history()!.from, history()!.to] : [Date.now() - 3_600_000, Date.now()]}
              format={(v) => formatMs(v)}
              testId="phases-stack"
              overlay={
                <Switch>
                  <Match when={status() === 'loading' && !history()}>
                    <span class="rounded-full border bg-surface p-2 text-faint shadow-card">
                      <Spinner />
                    </span>
                  </Match>
                  <Match when={stackEmpty()}>
                    <span>No phase timings for this range yet</span>
                  </Match>
                </Switch>
              }
            />
          </Card>
        </Show>
      </div>
    </section>
  );
}
