import { Show } from 'solid-js';
import Eye from 'lucide-solid/icons/eye';
import EyeOff from 'lucide-solid/icons/eye-off';

export function PasswordReveal(props: { shown: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      class="inline-flex size-8 items-center justify-center rounded-md text-faint hover:text-fg"
      aria-label={props.shown ? 'Hide password' : 'Show password'}
      onClick={() => props.onToggle()}
    >
      <Show when={props.shown} fallback={<Eye size={15} />}>
        <EyeOff size={15} />
      </Show>
    </button>
  );
}
