import { createMemo, Show } from 'solid-js';
import { toneText, type Tone } from './tone';

export interface SparklineProps {
  /** Times (ms) and values of the same length, oldest first. */
  t: readonly number[];
  v: readonly number[];
  /** Time span drawn, ending at the last sample; gaps at the start stay empty. */
  windowMs: number;
  /** Fixed vertical range; percentages use 0-100 so rows compare at a glance. */
  min?: number;
  max?: number;
  tone?: Tone;
  width?: number;
  height?: number;
  label?: string;
}

/*
 * A hand-built SVG path, not uPlot: the infrastructure list draws one per row, hundreds at a time,
 * and a polyline of ~300 points costs one DOM node and no canvas or per-instance setup. uPlot is
 * kept for the host charts, where axes, a cursor and an hour of points earn its weight.
 */
export function Sparkline(props: SparklineProps) {
  const w = () => props.width ?? 120;
  const h = () => props.height ?? 28;
  const paths = createMemo(() => {
    const { t, v } = props;
    const n = Math.min(t.length, v.length);
    if (n < 2) return undefined;
    const end = t[n - 1]!;
    const start = end - props.windowMs;
    const min = props.min ?? 0;
    const max = props.max ?? Math.max(...v.slice(0, n), min + 1);
    const span = max - min || 1;
    const pad = 1.5;
    let line = '';
    let first = -1;
    let lastX = 0;
    for (let i = 0; i < n; i++) {
      if (t[i]! < start) continue;
      const x = ((t[i]! - start) / props.windowMs) * w();
      const clamped = Math.min(max, Math.max(min, v[i]!));
      const y = pad + (1 - (clamped - min) / span) * (h() - pad * 2);
      line += `${first < 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
      if (first < 0) first = x;
      lastX = x;
    }
    if (first < 0) return undefined;
    return { line, area: `${line}L${lastX.toFixed(1)} ${h()}L${first.toFixed(1)} ${h()}Z` };
  });

  return (
    <svg
      width={w()}
      height={h()}
      viewBox={`0 0 ${w()} ${h()}`}
      class={`block overflow-visible ${toneText[props.tone ?? 'accent']}`}
      role="img"
      aria-label={props.label}
    >
      {/* The baseline shows the whole window, so a short history reads as "started here", not as a glitch. */}
      <line x1="0" x2={w()} y1={h() - 0.5} y2={h() - 0.5} class="stroke-border-strong" stroke-dasharray="2 3" />
      <Show when={paths()}>
        {(p) => (
          <>
            <path d={p().area} fill="currentColor" fill-opacity="0.12" />
            <path d={p().line} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round" />
          </>
        )}
      </Show>
    </svg>
  );
}
