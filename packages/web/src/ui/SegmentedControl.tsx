import { For } from 'solid-js';

export interface SegmentOption {
  value: string;
  label: string;
  count?: number;
}

/** A row of mutually exclusive filters, each with an optional count. */
export function SegmentedControl(props: {
  options: SegmentOption[];
  value: string;
  onChange: (value: string) => void;
  label: string;
  testId?: string;
}) {
  return (
    <div class="inline-flex h-8 items-center gap-0.5 rounded-lg border bg-surface-2 p-0.5" role="radiogroup" aria-label={props.label} data-testid={props.testId}>
      <For each={props.options}>
        {(o) => (
          <button
            type="button"
            role="radio"
            aria-checked={props.value === o.value}
            data-value={o.value}
            class="inline-flex h-full items-center gap-1.5 rounded-md px-2.5 text-xs font-medium whitespace-nowrap transition-colors"
            classList={{
              'bg-surface text-fg shadow-card': props.value === o.value,
              'text-muted hover:text-fg': props.value !== o.value,
            }}
            onClick={() => props.onChange(o.value)}
          >
            {o.label}
            {o.count !== undefined && <span class="num text-faint">{o.count}</span>}
          </button>
        )}
      </For>
    </div>
  );
}
