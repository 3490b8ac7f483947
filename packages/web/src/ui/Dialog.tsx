import { createEffect, Show, type JSX, type ParentProps } from 'solid-js';

/**
 * A modal with a title, a body and a row of buttons; the native <dialog> gives focus trapping,
 * Escape and the backdrop. ConfirmDialog is the one-question case of it.
 */
export function Dialog(props: ParentProps<{ open: boolean; title: string; footer?: JSX.Element; onClose: () => void; testId?: string }>) {
  let dialog!: HTMLDialogElement;
  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog
      ref={dialog}
      class="m-auto w-[min(440px,calc(100vw-2rem))] rounded-xl border bg-surface p-0 text-fg shadow-pop backdrop:bg-scrim"
      onClose={() => props.open && props.onClose()}
      data-testid={props.testId}
    >
      <div class="p-5">
        <h2 class="text-[15px] font-semibold tracking-[-0.01em]">{props.title}</h2>
        <div class="mt-3 text-[13px] leading-relaxed text-muted">{props.children}</div>
      </div>
      <Show when={props.footer}>
        <div class="flex justify-end gap-2 border-t bg-surface-2 px-5 py-3">{props.footer}</div>
      </Show>
    </dialog>
  );
}
