import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock } from '../lib/format';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  /** A token name from styles.css, e.g. `--accent`; canvas needs the resolved colour. */
  color: string;
}

export interface TimeSeriesChartProps {
  /** Sample times in ms, oldest first, shared by every series. */
  t: readonly number[];
  series: ChartSeries[];
  /** Fixed y range, e.g. [0, 100] for percentages. */
  range?: [number, number];
  format: (v: number) => string;
  height?: number;
  /** The span of the x axis in ms, ending now; keeps an early, short history from stretching. */
  windowMs?: number;
  testId?: string;
}

/** A token's current value; canvas cannot read CSS variables itself. */
function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A token colour (hex in styles.css) at some opacity, for the area under a line. */
function withAlpha(color: string, alpha: number): string {
  const hex = color.replace('#', '');
  if (!/^[0-9a-f]{6}$/i.test(hex)) return color;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** A live line chart on uPlot that follows the theme and its container's width. */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  let host!: HTMLDivElement;
  let chart: uPlot | undefined;
  const [hoverIdx, setHoverIdx] = createSignal<number | null>(null);
  const height = () => props.height ?? 180;

  const data = (): uPlot.AlignedData => [
    props.t.map((ms) => ms / 1000),
    ...props.series.map((s) => s.values as (number | null)[]),
  ];

  const scaleX = (): [number, number] | undefined => {
    if (!props.windowMs) return undefined;
    const last = props.t.length ? props.t[props.t.length - 1]! : Date.now();
    const end = Math.max(last, Date.now() - 5_000) / 1000;
    return [end - props.windowMs / 1000, end];
  };

  function build() {
    chart?.destroy();
    const grid = token('--border');
    const text = token('--text-faint');
    const font = `11px ${getComputedStyle(document.body).fontFamily}`;
    const axis: uPlot.Axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { show: false }, gap: 6 };
    const opts: uPlot.Options = {
      width: Math.max(100, host.clientWidth),
      height: height(),
      padding: [8, 18, 0, 0],
      legend: { show: false },
      cursor: { points: { size: 7 }, drag: { x: false, y: false }, y: false },
      scales: {
        x: { time: true, range: (_u, min, max) => scaleX() ?? [min, max] },
        y: { range: (_u, min, max) => props.range ?? [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { ...axis, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)), space: 70 },
        { ...axis, values: (_u, splits) => splits.map((v) => props.format(v)), size: 52, space: 36 },
      ],
      series: [
        {},
        ...props.series.map((s) => {
          const color = token(s.color);
          return {
            label: s.label,
            stroke: color,
            width: 1.5,
            points: { show: false },
            fill: (u: uPlot) => {
              const g = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
              g.addColorStop(0, withAlpha(color, props.series.length > 1 ? 0.12 : 0.22));
              g.addColorStop(1, withAlpha(color, 0));
              return g;
            },
          } satisfies uPlot.Series;
        }),
      ],
      hooks: { setCursor: [(u) => setHoverIdx(u.cursor.idx ?? null)] },
    };
    chart = new uPlot(opts, data(), host);
  }

  onMount(() => {
    build();
    const resize = new ResizeObserver(() => chart?.setSize({ width: Math.max(100, host.clientWidth), height: height() }));
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

  createEffect(on(data, (d) => chart?.setData(d), { defer: true }));

  const readout = () => {
    const idx = hoverIdx();
    const i = idx ?? props.t.length - 1;
    if (i < 0) return undefined;
    return {
      time: idx === null ? 'now' : formatClock(props.t[i]!),
      values: props.series.map((s) => ({ label: s.label, color: s.color, value: s.values[i] })),
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
                    <span class="num font-medium text-fg">{v.value == null ? '—' : props.format(v.value)}</span>
                  </span>
                )}
              </For>
              <span class="num ml-auto text-faint">{r().time}</span>
            </>
          )}
        </Show>
      </div>
      <div ref={host} class="w-full" style={{ height: `${height()}px` }} onMouseLeave={() => setHoverIdx(null)} />
    </div>
  );
}
