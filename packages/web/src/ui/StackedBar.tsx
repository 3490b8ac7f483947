import { Index } from 'solid-js';

export interface Segment {
  key: string;
  label: string;
  value: number;
  /** A Tailwind background class built from the tokens, e.g. `bg-accent`. */
  fill: string;
}

/** Parts of a whole side by side; `total` defaults to the sum of the parts. */
export function StackedBar(props: { segments: Segment[]; total?: number; class?: string }) {
  const total = () => props.total ?? props.segments.reduce((sum, s) => sum + Math.max(0, s.value), 0);
  const pct = (v: number) => (total() > 0 ? (Math.max(0, v) / total()) * 100 : 0);
  return (
    <div class={`flex h-2.5 w-full gap-px overflow-hidden rounded-full bg-track ${props.class ?? ''}`}>
      <Index each={props.segments}>
        {(s) => (
          <div
            class={`h-full transition-[width] duration-500 ease-out ${s().fill}`}
            style={{ width: `${pct(s().value)}%` }}
            title={s().label}
          />
        )}
      </Index>
    </div>
  );
}

/** The key under a StackedBar: a swatch, a label and a figure per part. */
export function Legend(props: { items: { key: string; label: string; value: string; fill: string }[]; class?: string }) {
  return (
    <dl class={`grid gap-x-4 gap-y-1.5 text-xs ${props.class ?? 'grid-cols-2'}`}>
      <Index each={props.items}>
        {(item) => (
          <div class="flex min-w-0 items-center gap-2">
            <span class={`size-2 shrink-0 rounded-[3px] ${item().fill}`} />
            <dt class="truncate text-muted">{item().label}</dt>
            <dd class="num ml-auto font-medium text-fg">{item().value}</dd>
          </div>
        )}
      </Index>
    </dl>
  );
}
