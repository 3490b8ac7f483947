import { Show, type JSX, type ParentProps } from 'solid-js';

export interface CardProps extends ParentProps {
  title?: JSX.Element;
  /** Small text beside the title: a unit, a count, a time window. */
  hint?: JSX.Element;
  actions?: JSX.Element;
  /** Drop the body padding, for tables that run edge to edge. */
  flush?: boolean;
  class?: string;
  testId?: string;
}

export function Card(props: CardProps) {
  return (
    <section
      class={`flex min-w-0 flex-1 flex-col rounded-xl border bg-surface shadow-card ${props.class ?? ''}`}
      data-testid={props.testId}
    >
      <Show when={props.title || props.actions}>
        <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
          <h2 class="text-[13px] font-semibold tracking-[-0.005em] text-fg">{props.title}</h2>
          <Show when={props.hint}>
            <span class="num text-xs text-faint">{props.hint}</span>
          </Show>
          <div class="ml-auto flex items-center gap-2">{props.actions}</div>
        </header>
      </Show>
      <div class={props.flush ? 'min-w-0' : 'min-w-0 p-4'}>{props.children}</div>
    </section>
  );
}
