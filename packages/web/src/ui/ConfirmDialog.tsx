import { createEffect, createSignal, Show, type JSX } from 'solid-js';
import { Button } from './Button';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  /** Resolves when done; a rejection's message shows in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  danger?: boolean;
  testId?: string;
}

/**
 * A modal question before something that cannot be undone. The native <dialog> gives focus
 * trapping, Escape and the backdrop for free.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  let dialog!: HTMLDialogElement;
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  createEffect(() => {
    if (props.open && !dialog.open) {
      setError(undefined);
      dialog.showModal();
    } else if (!props.open && dialog.open) dialog.close();
  });

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError((err as Error).message || 'That did not work. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="m-auto w-[min(440px,calc(100vw-2rem))] rounded-xl border bg-surface p-0 text-fg shadow-pop backdrop:bg-scrim"
      onClose={() => props.open && props.onClose()}
      data-testid={props.testId}
    >
      <div class="p-5">
        <h2 class="text-[15px] font-semibold tracking-[-0.01em]">{props.title}</h2>
        <div class="mt-2 text-[13px] leading-relaxed text-muted">{props.children}</div>
        <Show when={error()}>
          <p class="mt-3 text-[13px] text-crit" data-testid={props.testId && `${props.testId}-error`}>
            {error()}
          </p>
        </Show>
      </div>
      <div class="flex justify-end gap-2 border-t bg-surface-2 px-5 py-3">
        <Button variant="secondary" onClick={() => props.onClose()} disabled={busy()} testId={props.testId && `${props.testId}-cancel`}>
          Cancel
        </Button>
        <Button
          variant={props.danger ? 'danger' : 'primary'}
          busy={busy()}
          onClick={() => void confirm()}
          testId={props.testId && `${props.testId}-confirm`}
        >
          {props.confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
