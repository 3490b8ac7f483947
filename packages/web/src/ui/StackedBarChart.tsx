import { createMemo, createSignal, For, Index, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { pointLabel, tickLabel } from './time-labels';

export interface StackedBarPart {
  label: string;
  /** A token name from styles.css, e.g. `--accent`. */
  color: string;
}

export interface StackedBarColumn {
  from: number;
  to: number;
  /** one value per part, bottom first */
  values: readonly number[];
  /** false draws no bar (nothing measured in the span) */
  filled: boolean;
}

export interface StackedBarChartProps {
  parts: readonly StackedBarPart[];
  columns: readonly StackedBarColumn[];
  /** The time span drawn, in ms. */
  xRange: [number, number];
  format: (v: number) => string;
  /** Counts: y ticks only on whole numbers, so a max of 2 reads 0, 1, 2 and not 0, 0.5, 1… */
  integer?: boolean;
  height?: number;
  /** Drawn over the plot: a message, a spinner. */
  overlay?: JSX.Element;
  testId?: string;
}

const PAD_LEFT = 52;
const PAD_BOTTOM = 22;
const PAD_TOP = 6;

/** Round tick steps: 1, 2, 5 × 10^k, about four of them up to `max`. */
function niceTicks(max: number, integer = false): number[] {
  if (!(max > 0)) return integer ? [0, 1] : [0];
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const nice = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow;
  const step = integer ? Math.max(1, nice) : nice;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001 + step * 0.5 && out.length < 8; v += step) out.push(v);
  return out;
}

/**
 * Parts of a whole over time, one stacked bar per span: SVG, coloured by tokens, so it follows the
 * theme without a rebuild. Hovering a bar shows its parts in the readout above.
 */
export function StackedBarChart(props: StackedBarChartProps) {
  let host!: HTMLDivElement;
  const [width, setWidth] = createSignal(600);
  const [hover, setHover] = createSignal<number | null>(null);
  const height = () => props.height ?? 180;
  onMount(() => {
    const ro = new ResizeObserver(() => setWidth(Math.max(120, host.clientWidth)));
    ro.observe(host);
    setWidth(Math.max(120, host.clientWidth));
    onCleanup(() => ro.disconnect());
  });

  const totals = createMemo(() => props.columns.map((c) => c.values.reduce((a, b) => a + Math.max(0, b), 0)));
  const ticks = createMemo(() => niceTicks(Math.max(0, ...totals()), props.integer));
  const top = () => ticks()[ticks().length - 1] || 1;
  const plotW = () => width() - PAD_LEFT - 8;
  const plotH = () => height() - PAD_BOTTOM - PAD_TOP;
  const span = () => Math.max(1, props.xRange[1] - props.xRange[0]);
  const x = (t: number) => PAD_LEFT + ((t - props.xRange[0]) / span()) * plotW();
  const y = (v: number) => PAD_TOP + plotH() - (v / top()) * plotH();
  const xTicks = createMemo(() => {
    const n = Math.max(2, Math.floor(plotW() / 110));
    const step = span() / n;
    return Array.from({ length: n + 1 }, (_, i) => props.xRange[0] + i * step).slice(1, -1);
  });

  const shown = () => {
    const i = hover() ?? lastFilled();
    return i === undefined || i < 0 ? undefined : { i, col: props.columns[i]! };
  };
  const lastFilled = () => {
    for (let i = props.columns.length - 1; i >= 0; i--) if (props.columns[i]!.filled) return i;
    return undefined;
  };

  return (
    <div data-testid={props.testId}>
      <div class="mb-2 flex min-h-5 flex-wrap items-center gap-x-4 gap-y-1 text-xs">
        <Index each={props.parts}>
          {(p, k) => (
            <span class="inline-flex items-center gap-1.5">
              <span class="size-2 rounded-[3px]" style={{ background: `var(${p().color})` }} />
              <span class="text-muted">{p().label}</span>
              <span class="num font-medium text-fg">{shown()?.col.filled ? props.format(shown()!.col.values[k] ?? 0) : '—'}</span>
            </span>
          )}
        </Index>
        <Show when={shown()}>
          {(s) => (
            <span class="num ml-auto text-faint">
              {s().col.filled ? `${props.format(totals()[s().i] ?? 0)} · ` : ''}
              {pointLabel((s().col.from + s().col.to) / 2, span(), Date.now())}
            </span>
          )}
        </Show>
      </div>
      <div ref={host} class="relative w-full" style={{ height: `${height()}px` }} onMouseLeave={() => setHover(null)}>
        <svg width={width()} height={height()} class="block" role="img" aria-label={props.parts.map((p) => p.label).join(', ')}>
          <For each={ticks()}>
            {(v) => (
              <>
                <line x1={PAD_LEFT} x2={width() - 8} y1={y(v)} y2={y(v)} stroke="var(--border)" stroke-width="1" />
                <text x={PAD_LEFT - 8} y={y(v) + 3.5} text-anchor="end" fill="var(--text-faint)" font-size="11" class="num">
                  {props.format(v)}
                </text>
              </>
            )}
          </For>
          <For each={xTicks()}>
            {(t) => (
              <text x={x(t)} y={height() - 6} text-anchor="middle" fill="var(--text-faint)" font-size="11">
                {tickLabel(t, span() / Math.max(2, Math.floor(plotW() / 110)))}
              </text>
            )}
          </For>
          <Index each={props.columns}>
            {(c, i) => {
              const x0 = () => x(c().from);
              const w = () => Math.max(1, x(c().to) - x(c().from) - (x(c().to) - x(c().from) > 4 ? 1 : 0));
              const stacks = () => {
                let acc = 0;
                return c().values.map((v) => {
                  const from = acc;
                  acc += Math.max(0, v);
                  return { y: y(acc), h: Math.max(0, y(from) - y(acc)) };
                });
              };
              return (
                <g onMouseEnter={() => setHover(i)} opacity={hover() === null || hover() === i ? 1 : 0.55}>
                  <rect x={x0()} y={PAD_TOP} width={w()} height={plotH()} fill="transparent" />
                  <Show when={c().filled}>
                    <Index each={stacks()}>{(s, k) => <rect x={x0()} y={s().y} width={w()} height={s().h} fill={`var(${props.parts[k]?.color ?? '--accent'})`} />}</Index>
                  </Show>
                </g>
              );
            }}
          </Index>
        </svg>
        <div class="pointer-events-none absolute inset-0 flex items-center justify-center text-[13px] text-muted">{props.overlay}</div>
      </div>
    </div>
  );
}
