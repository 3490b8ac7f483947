import { Show } from 'solid-js';
import Moon from 'lucide-solid/icons/moon';
import Sun from 'lucide-solid/icons/sun';
import { IconButton } from './Button';

export function ThemeToggle(props: { theme: 'light' | 'dark'; onToggle: () => void }) {
  const next = () => (props.theme === 'dark' ? 'light' : 'dark');
  return (
    <IconButton label={`Switch to ${next()} theme`} onClick={() => props.onToggle()} testId="theme-toggle">
      <Show when={props.theme === 'dark'} fallback={<Moon size={16} />}>
        <Sun size={16} />
      </Show>
    </IconButton>
  );
}
