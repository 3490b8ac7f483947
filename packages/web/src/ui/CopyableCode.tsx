import { createSignal, onCleanup, Show } from 'solid-js';
import Check from 'lucide-solid/icons/check';
import Copy from 'lucide-solid/icons/copy';

/** Copies with the Clipboard API where the page may (HTTPS, localhost), else by selecting and execCommand. */
async function copyText(text: string, fallbackFrom: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain HTTP on a LAN address has no Clipboard API; the old way still works from a click.
    const range = document.createRange();
    range.selectNodeContents(fallbackFrom);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return document.execCommand('copy');
  }
}

/**
 * A command or secret in a monospace box, wrapped rather than cut, with a Copy button. `multiline`
 * keeps the text's line breaks and indentation, for a snippet of code.
 */
export function CopyableCode(props: { text: string; label?: string; multiline?: boolean; testId?: string }) {
  const [copied, setCopied] = createSignal<boolean | undefined>();
  let code!: HTMLElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    setCopied(await copyText(props.text, code));
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(undefined), 2_000);
  };
  return (
    <div class="flex items-start gap-2 rounded-lg border bg-surface-2 p-1.5 pl-3" data-testid={props.testId}>
      <code
        ref={code}
        class="min-w-0 flex-1 py-1.5 font-mono text-[12.5px] leading-relaxed text-fg select-all"
        classList={{ 'break-all': !props.multiline, 'whitespace-pre-wrap break-words': props.multiline }}
        data-testid={props.testId && `${props.testId}-text`}
      >
        {props.text}
      </code>
      <button
        type="button"
        class="inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md border bg-surface px-2.5 text-xs font-medium text-fg shadow-card transition-colors hover:bg-surface-3"
        onClick={() => void copy()}
        aria-label={props.label ?? 'Copy'}
        data-testid={props.testId && `${props.testId}-copy`}
      >
        <Show when={copied()} fallback={<Copy size={13} class="text-muted" />}>
          <Check size={13} class="text-ok" />
        </Show>
        {copied() === true ? 'Copied' : copied() === false ? 'Select and copy' : 'Copy'}
      </button>
    </div>
  );
}
