import { A, useLocation } from '@solidjs/router';
import { For, Show } from 'solid-js';

export interface TabLink {
  href: string;
  label: string;
  count?: number;
  /** The count in a status colour, for "3 firing". */
  countTone?: 'crit' | 'warn';
  testId?: string;
}

/** A row of tabs that are links: each view of a page has its own address. */
export function TabLinks(props: { tabs: readonly TabLink[]; label: string }) {
  const location = useLocation();
  return (
    <nav class="flex shrink-0 gap-1 overflow-x-auto border-b" aria-label={props.label}>
      <For each={props.tabs}>
        {(t) => {
          const current = () => location.pathname === t.href;
          return (
            <A
              href={t.href}
              class="-mb-px inline-flex h-9 items-center gap-1.5 border-b-2 px-3 text-[13px] font-medium whitespace-nowrap transition-colors"
              classList={{ 'border-accent text-fg': current(), 'border-transparent text-muted hover:text-fg': !current() }}
              aria-current={current() ? 'page' : undefined}
              data-testid={t.testId}
            >
              {t.label}
              <Show when={t.count !== undefined}>
                <span
                  class="num rounded-full px-1.5 text-[11px] leading-[18px]"
                  classList={{
                    'bg-crit-soft text-crit': t.countTone === 'crit',
                    'bg-warn-soft text-warn': t.countTone === 'warn',
                    'bg-surface-3 text-muted': !t.countTone,
                  }}
                >
                  {t.count}
                </span>
              </Show>
            </A>
          );
        }}
      </For>
    </nav>
  );
}
