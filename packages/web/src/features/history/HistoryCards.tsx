import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import RotateCcw from 'lucide-solid/icons/rotate-ccw';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { useLive } from '../../app/live';
import { Button } from '../../ui/Button';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Spinner } from '../../ui/Spinner';
import { useSession } from '../auth/session';
import { createResourceHistory } from './history';
import { metricsOf, type ChartSpec } from './chart-spec';
import { DEFAULT_RANGE, parseRange, RANGES, windowOf, windowTitle, zoomTo, type RangeKey, type Zoom } from './history-window';
import { HistoryChart } from './HistoryChart';

const sameWindow = (a: ReturnType<typeof windowOf>, b: ReturnType<typeof windowOf>) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A resource's metrics over a chosen range (kept in the URL as `?range=7d`), live at the right edge;
 * dragging across any chart zooms every chart into that span, at the finer detail it allows.
 * `charts` is read once: the page keys this component by resource, so a new set comes with a new id.
 */
export function HistoryCards(props: { id: string; charts: readonly ChartSpec[] }) {
  const [params, setParams] = useSearchParams<{ range?: string }>();
  const range = () => parseRange(params.range);
  const [zoom, setZoom] = createSignal<Zoom | null>(null);
  const [plotWidth, setPlotWidth] = createSignal<number>();
  const charts = props.charts;
  const window = createMemo(() => windowOf(range(), zoom()), undefined, { equals: sameWindow });
  const { history, status, error, retry } = createResourceHistory({
    id: props.id,
    metrics: metricsOf(charts),
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

  return (
    <section class="space-y-3" data-testid="history" data-range={range()} data-zoomed={zoom() ? 'true' : 'false'}>
      <div class="flex flex-wrap items-center gap-x-3 gap-y-2">
        <div class="min-w-0">
          <h2 class="text-[15px] font-semibold tracking-[-0.01em] text-fg">History</h2>
          <div class="num mt-0.5 flex items-center gap-2 text-xs text-muted" data-testid="history-window">
            {windowTitle(range(), zoom(), Date.now())}
            <Show when={status() === 'loading'}>
              <Spinner size={12} class="text-faint" />
            </Show>
            <span class="text-faint">· {zoom() ? 'not live' : 'drag across a chart to zoom in'}</span>
          </div>
        </div>
        <div class="ml-auto flex items-center gap-2">
          <Show when={zoom()}>
            <Button variant="secondary" class="h-8! px-2.5 text-xs!" onClick={() => setZoom(null)} testId="history-reset-zoom">
              <RotateCcw size={13} />
              Reset zoom
            </Button>
          </Show>
          <SegmentedControl
            label="Time range"
            options={RANGES.map((r) => ({ value: r.key, label: r.label }))}
            value={zoom() ? '' : range()}
            onChange={chooseRange}
            testId="history-range"
          />
        </div>
      </div>
      <Show when={status() === 'error'}>
        <div class="flex flex-wrap items-center gap-2 rounded-lg border border-crit/30 bg-crit-soft px-3 py-2 text-[13px] text-fg" data-testid="history-error">
          <TriangleAlert size={15} class="shrink-0 text-crit" />
          <span>
            Could not load history: {error()} {window().live ? 'The charts show live samples only.' : ''}
          </span>
          <Button variant="ghost" class="ml-auto h-7! px-2 text-xs!" onClick={retry}>
            Try again
          </Button>
        </div>
      </Show>
      <div class="grid gap-4 xl:grid-cols-2">
        <For each={charts}>
          {(spec) => (
            <HistoryChart
              spec={spec}
              history={history()}
              status={status()}
              zoomed={zoom() !== null}
              onZoom={onZoom}
              onPlotWidth={(px) => plotWidth() === undefined && setPlotWidth(px)}
            />
          )}
        </For>
      </div>
    </section>
  );
}
