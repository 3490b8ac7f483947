import { createEffect, onCleanup } from 'solid-js';

/** Names the browser tab after the page ("vm · Pulse"), restoring the plain name on leaving. */
export function usePageTitle(title: () => string | undefined): void {
  createEffect(() => {
    const t = title();
    document.title = t ? `${t} · Pulse` : 'Pulse';
  });
  onCleanup(() => (document.title = 'Pulse'));
}
