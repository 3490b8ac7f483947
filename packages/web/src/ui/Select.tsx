import { For } from 'solid-js';
import ChevronDown from 'lucide-solid/icons/chevron-down';

export interface SelectOption {
  value: string;
  label: string;
  count?: number;
}

/** A compact labelled dropdown for a filter bar: "Host: all", with a count per option. */
export function Select(props: { label: string; value: string; options: SelectOption[]; onChange: (value: string) => void; testId?: string }) {
  return (
    <label class="relative inline-flex h-8 items-center rounded-lg border bg-surface text-xs shadow-card hover:border-border-strong focus-within:border-accent focus-within:ring-3 focus-within:ring-ring">
      <span class="pointer-events-none pl-2.5 font-medium text-faint">{props.label}</span>
      <select
        class="h-full max-w-44 cursor-pointer appearance-none truncate bg-transparent pr-7 pl-1.5 font-medium text-fg outline-none"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        data-testid={props.testId}
      >
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.count === undefined ? o.label : `${o.label} (${o.count})`}
            </option>
          )}
        </For>
      </select>
      <ChevronDown size={13} class="pointer-events-none absolute right-2 text-faint" />
    </label>
  );
}
