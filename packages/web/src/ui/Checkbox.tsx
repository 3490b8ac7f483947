import { Show, type JSX } from 'solid-js';

/** A labelled checkbox with an optional line of explanation under the label. */
export function Checkbox(props: { label: JSX.Element; hint?: JSX.Element; checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean; testId?: string }) {
  return (
    <label class="flex cursor-pointer items-start gap-2.5 text-[13px]" classList={{ 'opacity-60 cursor-not-allowed': props.disabled }}>
      <input
        type="checkbox"
        class="mt-0.5 size-4 shrink-0 accent-accent"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
        data-testid={props.testId}
      />
      <span class="min-w-0">
        <span class="font-medium text-fg">{props.label}</span>
        <Show when={props.hint}>
          <span class="mt-0.5 block text-xs leading-relaxed text-muted">{props.hint}</span>
        </Show>
      </span>
    </label>
  );
}
