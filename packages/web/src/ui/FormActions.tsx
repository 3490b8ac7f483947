import { Button } from './Button';

/** A form's footer: the submit button (busy while saving) and Cancel. */
export function FormActions(props: { submitLabel: string; busy: boolean; onCancel: () => void; testId?: string }) {
  return (
    <div class="flex gap-2 border-t bg-surface-2 px-5 py-3">
      <Button variant="primary" type="submit" busy={props.busy} testId={props.testId}>
        {props.submitLabel}
      </Button>
      <Button variant="ghost" onClick={() => props.onCancel()}>
        Cancel
      </Button>
    </div>
  );
}
