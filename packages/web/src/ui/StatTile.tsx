import { Show } from 'solid-js';
import { StatusDot } from './StatusBadge';

/** One headline figure with its label and a line of detail, for the summary row at the top of a page. */
export function StatTile(props: { label: string; value: string; detail?: string; tone?: 'ok' | 'warn' | 'crit'; testId?: string }) {
  return (
    <div class="min-w-0 rounded-xl border bg-surface px-4 py-3.5 shadow-card" data-testid={props.testId}>
      <div class="flex items-center gap-2 text-xs font-medium text-muted">
        <Show when={props.tone}>{(tone) => <StatusDot tone={tone()} />}</Show>
        {props.label}
      </div>
      <div class="num mt-1.5 truncate text-2xl font-semibold tracking-[-0.02em] text-fg" data-testid={props.testId && `${props.testId}-value`}>
        {props.value}
      </div>
      <Show when={props.detail}>
        <div class="num mt-0.5 truncate text-xs text-faint">{props.detail}</div>
      </Show>
    </div>
  );
}
