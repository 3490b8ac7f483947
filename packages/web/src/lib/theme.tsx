import { createContext, createEffect, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'pulse.theme';

interface ThemeController {
  theme: Accessor<Theme>;
  toggle(): void;
}

const ThemeContext = createContext<ThemeController>();

function readSaved(): Theme | undefined {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : undefined;
  } catch {
    return undefined; // storage disabled (privacy mode): fall back to the system preference
  }
}

/**
 * The theme follows the system until the user picks one; the pick is remembered. index.html
 * applies the same rule before first paint, this keeps it in sync afterwards.
 */
export function ThemeProvider(props: ParentProps) {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const [saved, setSaved] = createSignal<Theme | undefined>(readSaved());
  const [system, setSystem] = createSignal<Theme>(media.matches ? 'dark' : 'light');
  const onSystemChange = (e: MediaQueryListEvent) => setSystem(e.matches ? 'dark' : 'light');
  media.addEventListener('change', onSystemChange);
  onCleanup(() => media.removeEventListener('change', onSystemChange));

  const theme = () => saved() ?? system();

  createEffect(() => {
    const root = document.documentElement;
    const next = theme();
    // Without this every element with a colour transition fades on its own clock.
    root.classList.add('theme-switching');
    requestAnimationFrame(() => requestAnimationFrame(() => root.classList.remove('theme-switching')));
    root.dataset.theme = next;
    root.classList.toggle('dark', next === 'dark');
    root.classList.toggle('light', next === 'light');
  });

  const toggle = () => {
    const next: Theme = theme() === 'dark' ? 'light' : 'dark';
    setSaved(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; the choice still holds for this tab
    }
  };

  return <ThemeContext.Provider value={{ theme, toggle }}>{props.children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeController {
  const ctx = useContext(ThemeContext);
  if (!ctx) throw new Error('useTheme outside <ThemeProvider>');
  return ctx;
}
