import { Show } from 'solid-js';
import { MetricBar } from '../../ui/MetricBar';
import type { Tone } from '../../ui/tone';

/** "GET /users/:id": the method small and fixed-width, the route template in mono. */
export function RouteLabel(props: { method: string; route: string; share?: number; tone?: Tone }) {
  return (
    <div class="min-w-0">
      <div class="flex min-w-0 items-center gap-2">
        <span class="inline-flex h-[18px] w-[52px] shrink-0 items-center justify-center rounded-md border bg-surface-2 font-mono text-[10.5px] font-semibold tracking-wide text-muted uppercase">
          {props.method}
        </span>
        <span class="truncate font-mono text-[12.5px] text-fg" title={`${props.method} ${props.route}`} data-testid="app-route">
          {props.route}
        </span>
      </div>
      <Show when={props.share !== undefined}>
        <div class="mt-1.5 pl-[60px]">
          <MetricBar value={props.share} size="xs" tone={props.tone ?? 'accent'} />
        </div>
      </Show>
    </div>
  );
}
