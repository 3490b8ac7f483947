import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatSpread, trimZeros } from '../lib/format';
import type { Cell } from './chart-columns';
import { pointLabel, tickLabel } from './time-labels';

export interface ChartSeries {
  label: string;
  values: readonly Cell[];
  /** Per-point low and high (the min and max a point averages), drawn as a band behind the line. */
  band?: { low: readonly Cell[]; high: readonly Cell[] };
  /** A token name from styles.css, e.g. `--accent`; canvas needs the resolved colour. */
  color: string;
}

export interface TimeSeriesChartProps {
  /** Times in ms, oldest first, shared by every series (see alignLines). */
  t: readonly number[];
  series: ChartSeries[];
  /** The time span drawn, in ms. */
  xRange: [number, number];
  /** Fixed y range, e.g. [0, 100] for percentages. */
  range?: [number, number];
  format: (v: number) => string;
  /** Tick steps the y axis may use, e.g. powers of 1024 for bytes; uPlot's decimal ones by default. */
  yIncrs?: number[];
  height?: number;
  /** The readout's time for the newest point while not hovering, e.g. "now" on a live chart. */
  latestLabel?: string;
  /** Makes a span draggable along the x axis; called with it in ms. */
  onZoom?: (from: number, to: number) => void;
  /** Charts with the same key show the cursor at the same time. */
  syncKey?: string;
  /** Reports the plot area's width in CSS px whenever it changes. */
  onPlotWidth?: (px: number) => void;
  /** Drawn over the plot instead of (or above) the data: a message, a spinner. */
  overlay?: JSX.Element;
  /** Dims the drawing while what it shows is being replaced. */
  stale?: boolean;
  testId?: string;
}

/** A token's current value; canvas cannot read CSS variables itself. */
function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A token colour (hex in styles.css) at some opacity, for areas and bands. */
function withAlpha(color: string, alpha: number): string {
  const hex = color.replace('#', '');
  if (!/^[0-9a-f]{6}$/i.test(hex)) return color;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const DRAG_MIN_PX = 8;
const isNum = (v: Cell): v is number => typeof v === 'number';

/**
 * A time-series chart on uPlot that follows the theme and its container's width. Series with a band
 * draw it first (behind every line) so a spike the averages smooth away stays visible as its edge.
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  let host!: HTMLDivElement;
  let chart: uPlot | undefined;
  const [hoverIdx, setHoverIdx] = createSignal<number | null>(null);
  const height = () => props.height ?? 180;
  const measure = document.createElement('canvas').getContext('2d');

  // Column order: time, then each band's high and low, then the lines (drawn last, on top).
  const banded = () => props.series.filter((s) => s.band);
  const data = (): uPlot.AlignedData => [
    props.t.map((ms) => ms / 1000),
    ...banded().flatMap((s) => [s.band!.high, s.band!.low] as (number | null)[][]),
    ...props.series.map((s) => s.values as (number | null)[]),
  ];
  // A memo, so new data with the same series does not rebuild the chart; only a changed set does.
  const shape = createMemo(() => props.series.map((s) => `${s.label}:${s.color}:${s.band ? 1 : 0}`).join('|'));

  const reportWidth = () => chart && props.onPlotWidth?.(Math.round(chart.bbox.width / uPlot.pxRatio));

  function build() {
    chart?.destroy();
    const font = `11px ${getComputedStyle(document.body).fontFamily}`;
    if (measure) measure.font = font;
    const textWidth = (s: string) => measure?.measureText(s).width ?? s.length * 6.5;
    const axis: uPlot.Axis = { stroke: token('--text-faint'), font, grid: { stroke: token('--border'), width: 1 }, ticks: { show: false }, gap: 6 };
    const bands = banded();
    const lineStart = 1 + bands.length * 2;
    const lineColors = props.series.map((s) => token(s.color));
    // uPlot's own hover dot cannot be left off per series; band edges get none, lines a ringed dot.
    const hoverDot = (_u: uPlot, si: number) => {
      if (si < lineStart) return undefined as unknown as HTMLElement;
      const el = document.createElement('div');
      el.style.cssText = 'width:8px;height:8px;margin-left:-4px;margin-top:-4px;border-width:2px';
      return el;
    };
    const opts: uPlot.Options = {
      width: Math.max(100, host.clientWidth),
      height: height(),
      padding: [8, 18, 0, 0],
      legend: { show: false },
      cursor: {
        points: { show: hoverDot, fill: token('--surface'), stroke: (_u, si) => lineColors[si - lineStart] ?? 'transparent' },
        drag: { x: !!props.onZoom, y: false, setScale: false, dist: DRAG_MIN_PX },
        y: false,
        ...(props.syncKey ? { sync: { key: props.syncKey, filters: { pub: (type: string) => type === 'mousemove' } } } : {}),
      },
      scales: {
        x: { time: true, range: () => [props.xRange[0] / 1000, props.xRange[1] / 1000] },
        y: { range: (_u, min, max) => props.range ?? [Math.min(0, min ?? 0), (max ?? 0) > 0 ? max! * 1.1 : 1] },
      },
      axes: [
        { ...axis, values: (_u, splits, _i, _space, incr) => splits.map((s) => tickLabel(s * 1000, incr * 1000)), space: 80, size: 26 },
        {
          ...axis,
          // Ticks fall on round numbers, where "16.0 MiB/s" is just noise for "16 MiB/s".
          values: (_u, splits) => splits.map((v) => trimZeros(props.format(v))),
          // As wide as the widest label, so "123 MiB/s" is never clipped and "5%" wastes no room.
          size: (_u, values) => Math.max(36, Math.ceil(Math.max(0, ...(values ?? []).map(textWidth))) + 14),
          space: 36,
          ...(props.yIncrs ? { incrs: props.yIncrs } : {}),
        },
      ],
      bands: bands.map((s, k) => ({ series: [1 + k * 2, 2 + k * 2] as uPlot.Band.Bounds, fill: withAlpha(token(s.color), 0.2) })),
      series: [
        {},
        ...bands.flatMap(() => [0, 1].map(() => ({ stroke: 'transparent', width: 0, points: { show: false } }) satisfies uPlot.Series)),
        ...props.series.map((s, k) => {
          const color = lineColors[k]!;
          return {
            label: s.label,
            stroke: color,
            width: 1.5,
            // A value with gaps on both sides has no line to draw: mark it with a dot, or a sparse
            // series (a quiet app's buckets) would look empty while its legend shows figures.
            points: { show: true, size: 5, fill: color, filter: isolatedPoints },
            // A band already shades the spread; an area under the line would only muddy it.
            fill: s.band
              ? undefined
              : (u: uPlot) => {
                  const g = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
                  g.addColorStop(0, withAlpha(color, props.series.length > 1 ? 0.12 : 0.22));
                  g.addColorStop(1, withAlpha(color, 0));
                  return g;
                },
          } satisfies uPlot.Series;
        }),
      ],
      hooks: {
        setCursor: [(u) => setHoverIdx(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width >= DRAG_MIN_PX && props.onZoom) props.onZoom(u.posToVal(left, 'x') * 1000, u.posToVal(left + width, 'x') * 1000);
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    chart = new uPlot(opts, data(), host);
    reportWidth();
  }

  onMount(() => {
    build();
    const resize = new ResizeObserver(() => {
      chart?.setSize({ width: Math.max(100, host.clientWidth), height: height() });
      reportWidth();
    });
    resize.observe(host);
    // Canvas colours are resolved once per build, so a theme switch rebuilds the chart.
    const theme = new MutationObserver(() => build());
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    onCleanup(() => {
      resize.disconnect();
      theme.disconnect();
      chart?.destroy();
    });
  });

  createEffect(on(shape, () => build(), { defer: true }));
  createEffect(on([data, () => props.xRange], ([d]) => chart?.setData(d), { defer: true }));

  const lastIndex = () => {
    for (let i = props.t.length - 1; i >= 0; i--) if (props.series.some((s) => isNum(s.values[i]))) return i;
    return -1;
  };
  const readout = () => {
    const idx = hoverIdx();
    const i = idx ?? lastIndex();
    if (i < 0 || i >= props.t.length) return undefined;
    const span = props.xRange[1] - props.xRange[0];
    return {
      time: idx === null && props.latestLabel ? props.latestLabel : pointLabel(props.t[i]!, span, Date.now()),
      values: props.series.map((s) => {
        const low = s.band?.low[i];
        const high = s.band?.high[i];
        // A spread that rounds to one figure ("23% – 23%") says nothing.
        const spread = isNum(low) && isNum(high) && props.format(low) !== props.format(high) ? ([low, high] as const) : undefined;
        return { label: s.label, color: s.color, value: s.values[i], spread };
      }),
    };
  };

  return (
    <div data-testid={props.testId}>
      <div class="mb-2 flex min-h-5 flex-wrap items-center gap-x-4 gap-y-1 text-xs">
        <Show when={readout()}>
          {(r) => (
            <>
              <For each={r().values}>
                {(v) => (
                  <span class="inline-flex items-center gap-1.5">
                    <span class="h-0.5 w-3 rounded-full" style={{ background: `var(${v.color})` }} />
                    <span class="text-muted">{v.label}</span>
                    <span class="num font-medium text-fg">{isNum(v.value) ? props.format(v.value) : '—'}</span>
                    <Show when={v.spread}>
                      {(s) => (
                        <span class="num text-faint" title="Lowest and highest sample in this point">
                          {formatSpread(s()[0], s()[1], props.format)}
                        </span>
                      )}
                    </Show>
                  </span>
                )}
              </For>
              <span class="num ml-auto text-faint">{r().time}</span>
            </>
          )}
        </Show>
      </div>
      <div class="relative">
        <div
          ref={host}
          class="w-full transition-opacity"
          classList={{ 'opacity-40': props.stale, 'cursor-crosshair': !!props.onZoom }}
          style={{ height: `${height()}px` }}
          onMouseLeave={() => setHoverIdx(null)}
        />
        <div class="pointer-events-none absolute inset-0 flex items-center justify-center text-[13px] text-muted">{props.overlay}</div>
      </div>
    </div>
  );
}

/** Indexes of values whose neighbours are both missing: the only ones a line cannot show. */
function isolatedPoints(u: uPlot, seriesIdx: number): number[] {
  const ys = u.data[seriesIdx] as (number | null | undefined)[];
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] == null) continue;
    if ((i === 0 || ys[i - 1] == null) && (i === ys.length - 1 || ys[i + 1] == null)) out.push(i);
  }
  return out;
}
