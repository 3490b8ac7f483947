import { Show, splitProps, type JSX } from 'solid-js';

export interface TextFieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> {
  label: string;
  /** Shown under the field in the error colour; marks the input invalid. */
  error?: string;
  hint?: string;
  trailing?: JSX.Element;
  onValue?: (value: string) => void;
  testId?: string;
}

export function TextField(props: TextFieldProps) {
  const [own, rest] = splitProps(props, ['label', 'error', 'hint', 'trailing', 'onValue', 'testId', 'id', 'class']);
  const id = () => own.id ?? `field-${own.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div class={own.class}>
      <label for={id()} class="mb-1.5 block text-[13px] font-medium text-fg">
        {own.label}
      </label>
      <div class="relative">
        <input
          {...rest}
          id={id()}
          data-testid={own.testId}
          aria-invalid={own.error ? 'true' : undefined}
          aria-describedby={own.error || own.hint ? `${id()}-note` : undefined}
          onInput={(e) => own.onValue?.(e.currentTarget.value)}
          class="h-10 w-full rounded-lg border bg-surface px-3 text-sm text-fg shadow-card transition-colors outline-none placeholder:text-faint hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring aria-invalid:border-crit aria-invalid:focus:ring-crit-soft"
          classList={{ 'pr-10': !!own.trailing }}
        />
        <Show when={own.trailing}>
          <div class="absolute inset-y-0 right-1 flex items-center">{own.trailing}</div>
        </Show>
      </div>
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
