import { For } from 'solid-js';

/** A set of options any of which can be on: resource types, statuses. */
export function ToggleChips<T extends string>(props: { options: readonly { value: T; label: string }[]; value: readonly T[]; onChange: (value: T[]) => void; label: string; testId?: string }) {
  const toggle = (v: T) => props.onChange(props.value.includes(v) ? props.value.filter((x) => x !== v) : [...props.value, v]);
  return (
    <div class="flex flex-wrap gap-1.5" role="group" aria-label={props.label} data-testid={props.testId}>
      <For each={props.options}>
        {(o) => (
          <button
            type="button"
            aria-pressed={props.value.includes(o.value)}
            data-value={o.value}
            class="inline-flex h-7 items-center rounded-md border px-2.5 text-xs font-medium transition-colors"
            classList={{
              'border-accent bg-accent-soft text-accent': props.value.includes(o.value),
              'bg-surface text-muted hover:bg-surface-2 hover:text-fg': !props.value.includes(o.value),
            }}
            onClick={() => toggle(o.value)}
          >
            {o.label}
          </button>
        )}
      </For>
    </div>
  );
}
