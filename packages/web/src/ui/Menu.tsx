import { createSignal, onCleanup, onMount, Show, type JSX, type ParentProps } from 'solid-js';

/** A button that opens a small popover menu; closes on outside click and Escape. */
export function Menu(props: ParentProps<{ trigger: JSX.Element; label: string; /** Which edge of the trigger the menu lines up with; by default both (as wide as the trigger). */
  align?: 'left' | 'right'; placement?: 'above' | 'below'; testId?: string }>) {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  const onDocClick = (e: MouseEvent) => {
    if (!root.contains(e.target as Node)) setOpen(false);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') setOpen(false);
  };
  onMount(() => {
    document.addEventListener('mousedown', onDocClick);
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => {
    document.removeEventListener('mousedown', onDocClick);
    document.removeEventListener('keydown', onKey);
  });
  return (
    <div ref={root} class="relative">
      <button
        type="button"
        class="flex w-full items-center rounded-lg transition-colors hover:bg-surface-2"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-label={props.label}
        data-testid={props.testId}
        onClick={() => setOpen(!open())}
      >
        {props.trigger}
      </button>
      <Show when={open()}>
        <div
          role="menu"
          class="absolute z-30 min-w-48 rounded-lg border bg-surface p-1 shadow-pop"
          classList={{
            'right-0': props.align !== 'left',
            'left-0': props.align !== 'right',
            'bottom-full mb-1.5': props.placement === 'above',
            'top-full mt-1.5': props.placement !== 'above',
          }}
          onClick={() => setOpen(false)}
        >
          {props.children}
        </div>
      </Show>
    </div>
  );
}

export function MenuItem(props: ParentProps<{ onSelect: () => void; icon?: JSX.Element; testId?: string }>) {
  return (
    <button
      type="button"
      role="menuitem"
      class="flex h-8 w-full items-center gap-2 rounded-md px-2 text-left text-[13px] text-fg hover:bg-surface-2"
      onClick={() => props.onSelect()}
      data-testid={props.testId}
    >
      <span class="text-muted">{props.icon}</span>
      {props.children}
    </button>
  );
}
