import { Show, splitProps, type JSX, type ParentProps } from 'solid-js';
import { Spinner } from './Spinner';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

const variants: Record<Variant, string> = {
  primary: 'bg-accent text-accent-fg hover:bg-accent-hover shadow-card',
  secondary: 'border bg-surface text-fg hover:bg-surface-2 shadow-card',
  ghost: 'text-muted hover:bg-surface-2 hover:text-fg',
  danger: 'bg-crit text-accent-fg hover:opacity-90 shadow-card',
};

export interface ButtonProps extends ParentProps, Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  variant?: Variant;
  busy?: boolean;
  testId?: string;
}

export function Button(props: ButtonProps) {
  const [own, rest] = splitProps(props, ['variant', 'busy', 'class', 'children', 'testId', 'disabled']);
  return (
    <button
      type="button"
      {...rest}
      disabled={own.disabled || own.busy}
      data-testid={own.testId}
      class={`inline-flex h-9 items-center justify-center gap-2 rounded-lg px-3.5 text-[13px] font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${variants[own.variant ?? 'secondary']} ${own.class ?? ''}`}
    >
      <Show when={own.busy}>
        <Spinner size={14} />
      </Show>
      {own.children}
    </button>
  );
}

export function IconButton(props: ParentProps<{ label: string; onClick: () => void; testId?: string }>) {
  return (
    <button
      type="button"
      class="inline-flex size-8 items-center justify-center rounded-lg text-muted transition-colors hover:bg-surface-2 hover:text-fg"
      aria-label={props.label}
      title={props.label}
      onClick={() => props.onClick()}
      data-testid={props.testId}
    >
      {props.children}
    </button>
  );
}
