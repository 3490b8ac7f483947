import { For, Show } from 'solid-js';
import ChevronDown from 'lucide-solid/icons/chevron-down';

/** A form's dropdown, laid out like TextField: label above, note or error below. */
export function SelectField(props: {
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  id?: string;
  class?: string;
  testId?: string;
}) {
  const id = () => props.id ?? `field-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div class={props.class}>
      <label for={id()} class="mb-1.5 block text-[13px] font-medium text-fg">
        {props.label}
      </label>
      <div class="relative">
        <select
          id={id()}
          class="h-10 w-full cursor-pointer appearance-none rounded-lg border bg-surface pr-9 pl-3 text-sm text-fg shadow-card outline-none hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring aria-invalid:border-crit"
          value={props.value}
          aria-invalid={props.error ? 'true' : undefined}
          onChange={(e) => props.onChange(e.currentTarget.value)}
          data-testid={props.testId}
        >
          <For each={props.options}>
            {(o) => (
              <option value={o.value} selected={o.value === props.value}>
                {o.label}
              </option>
            )}
          </For>
        </select>
        <ChevronDown size={15} class="pointer-events-none absolute top-1/2 right-3 -translate-y-1/2 text-faint" />
      </div>
      <Show when={props.error || props.hint}>
        <p class="mt-1.5 text-xs" classList={{ 'text-crit': !!props.error, 'text-muted': !props.error }}>
          {props.error ?? props.hint}
        </p>
      </Show>
    </div>
  );
}
