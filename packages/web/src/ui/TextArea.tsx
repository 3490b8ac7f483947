import { Show, splitProps, type JSX } from 'solid-js';

export interface TextAreaProps extends Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'onInput'> {
  label: string;
  /** Shown under the field in the error colour; marks it invalid. */
  error?: string;
  hint?: string;
  onValue?: (value: string) => void;
  testId?: string;
}

/** TextField's multi-line sibling: lists of addresses, a pasted certificate. */
export function TextArea(props: TextAreaProps) {
  const [own, rest] = splitProps(props, ['label', 'error', 'hint', 'onValue', 'testId', 'id', 'class']);
  const id = () => own.id ?? `field-${own.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div class={own.class}>
      <label for={id()} class="mb-1.5 block text-[13px] font-medium text-fg">
        {own.label}
      </label>
      <textarea
        {...rest}
        id={id()}
        data-testid={own.testId}
        aria-invalid={own.error ? 'true' : undefined}
        aria-describedby={own.error || own.hint ? `${id()}-note` : undefined}
        onInput={(e) => own.onValue?.(e.currentTarget.value)}
        class="block w-full rounded-lg border bg-surface px-3 py-2 font-mono text-[12.5px] leading-relaxed text-fg shadow-card transition-colors outline-none placeholder:font-sans placeholder:text-faint hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring aria-invalid:border-crit aria-invalid:focus:ring-crit-soft"
      />
      <Show when={own.error || own.hint}>
        <p
          id={`${id()}-note`}
          class="mt-1.5 text-xs"
          classList={{ 'text-crit': !!own.error, 'text-muted': !own.error }}
          data-testid={own.testId ? `${own.testId}-note` : undefined}
        >
          {own.error ?? own.hint}
        </p>
      </Show>
    </div>
  );
}
