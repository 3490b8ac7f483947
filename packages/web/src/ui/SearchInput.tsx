import { Show } from 'solid-js';
import Search from 'lucide-solid/icons/search';
import X from 'lucide-solid/icons/x';

export function SearchInput(props: { value: string; onValue: (v: string) => void; placeholder?: string; testId?: string }) {
  return (
    <div class="relative w-full max-w-xs">
      <Search size={15} class="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-faint" />
      <input
        type="search"
        value={props.value}
        placeholder={props.placeholder ?? 'Search'}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        data-testid={props.testId}
        class="h-8 w-full rounded-lg border bg-surface pr-8 pl-8 text-[13px] text-fg shadow-card outline-none placeholder:text-faint hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring [&::-webkit-search-cancel-button]:hidden"
      />
      <Show when={props.value}>
        <button
          type="button"
          class="absolute top-1/2 right-1.5 inline-flex size-5 -translate-y-1/2 items-center justify-center rounded text-faint hover:text-fg"
          aria-label="Clear search"
          onClick={() => props.onValue('')}
        >
          <X size={13} />
        </button>
      </Show>
    </div>
  );
}
