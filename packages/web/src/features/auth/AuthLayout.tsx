import { Show, type ParentProps } from 'solid-js';
import { useTheme } from '../../lib/theme';
import { Logo } from '../../ui/Logo';
import { ThemeToggle } from '../../ui/ThemeToggle';
import { useSession } from './session';

/** The frame of the pages seen before signing in: one centred card on a quiet background. */
export function AuthLayout(props: ParentProps<{ title: string; subtitle: string; testId: string }>) {
  const theme = useTheme();
  const session = useSession();
  return (
    <div class="relative flex min-h-screen flex-col items-center justify-center px-4 py-12" data-testid={props.testId}>
      <div
        class="pointer-events-none absolute inset-x-0 top-0 h-72 opacity-70"
        style={{ background: 'radial-gradient(60% 100% at 50% 0%, var(--accent-soft), transparent)' }}
      />
      <div class="absolute top-4 right-4">
        <ThemeToggle theme={theme.theme()} onToggle={theme.toggle} />
      </div>
      <div class="relative w-full max-w-[380px]">
        <div class="mb-8 flex justify-center">
          <Logo size={32} />
        </div>
        <div class="rounded-2xl border bg-surface p-7 shadow-pop">
          <h1 class="text-lg font-semibold tracking-[-0.01em] text-fg">{props.title}</h1>
          <p class="mt-1 mb-6 text-[13px] leading-relaxed text-muted">{props.subtitle}</p>
          {props.children}
        </div>
        <Show when={session.version()}>
          <p class="num mt-6 text-center text-xs text-faint">Pulse {session.version()}</p>
        </Show>
      </div>
    </div>
  );
}

export function FormAlert(props: ParentProps<{ testId?: string; tone?: 'error' | 'info' }>) {
  return (
    <div
      role="alert"
      data-testid={props.testId}
      class="mb-5 rounded-lg border px-3 py-2.5 text-[13px] leading-snug"
      classList={{
        'border-crit/30 bg-crit-soft text-crit': props.tone !== 'info',
        'border-accent/30 bg-accent-soft text-fg': props.tone === 'info',
      }}
    >
      {props.children}
    </div>
  );
}
