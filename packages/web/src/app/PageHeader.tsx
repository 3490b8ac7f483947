import { Show, type JSX } from 'solid-js';

export function PageHeader(props: { title: JSX.Element; description?: JSX.Element; eyebrow?: JSX.Element; actions?: JSX.Element }) {
  return (
    <header class="flex flex-wrap items-end gap-4">
      <div class="min-w-0">
        <Show when={props.eyebrow}>
          <div class="mb-2 text-xs text-muted">{props.eyebrow}</div>
        </Show>
        <h1 class="truncate text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg">{props.title}</h1>
        <Show when={props.description}>
          <div class="mt-1 text-[13px] text-muted">{props.description}</div>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="ml-auto flex items-center gap-2">{props.actions}</div>
      </Show>
    </header>
  );
}
