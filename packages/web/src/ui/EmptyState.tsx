import { Show, type JSX } from 'solid-js';

export interface EmptyStateProps {
  icon?: JSX.Element;
  title: string;
  children?: JSX.Element;
  action?: JSX.Element;
  tone?: 'neutral' | 'error';
  testId?: string;
}

/** What a view shows instead of data: nothing yet, nothing matches, or something went wrong. */
export function EmptyState(props: EmptyStateProps) {
  return (
    <div class="flex flex-col items-center justify-center px-6 py-16 text-center" data-testid={props.testId}>
      <Show when={props.icon}>
        <div
          class="mb-4 flex size-11 items-center justify-center rounded-xl border bg-surface-2"
          classList={{ 'text-crit': props.tone === 'error', 'text-muted': props.tone !== 'error' }}
        >
          {props.icon}
        </div>
      </Show>
      <h3 class="text-sm font-semibold text-fg">{props.title}</h3>
      <Show when={props.children}>
        <p class="mt-1.5 max-w-sm text-[13px] leading-relaxed text-muted">{props.children}</p>
      </Show>
      <Show when={props.action}>
        <div class="mt-5">{props.action}</div>
      </Show>
    </div>
  );
}
