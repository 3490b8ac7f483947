import { Show, type JSX } from 'solid-js';

/** One part of an alerts form: what it is about and why on the left, its fields on the right. */
export function FormSection(props: { title: string; hint?: JSX.Element; children: JSX.Element; testId?: string }) {
  return (
    <div class="grid gap-x-8 gap-y-3 border-t px-5 py-5 first:border-t-0 lg:grid-cols-[220px_minmax(0,1fr)]" data-testid={props.testId}>
      <div>
        <h3 class="text-[13px] font-semibold text-fg">{props.title}</h3>
        <Show when={props.hint}>
          <p class="mt-1 text-xs leading-relaxed text-muted">{props.hint}</p>
        </Show>
      </div>
      <div class="min-w-0 space-y-4">{props.children}</div>
    </div>
  );
}
