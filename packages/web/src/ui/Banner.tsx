import { Show, type JSX, type ParentProps } from 'solid-js';
import CircleAlert from 'lucide-solid/icons/circle-alert';
import CircleCheck from 'lucide-solid/icons/circle-check';
import Info from 'lucide-solid/icons/info';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';

type BannerTone = 'info' | 'ok' | 'warn' | 'crit';

const frame: Record<BannerTone, string> = {
  info: 'border-accent/30 bg-accent-soft',
  ok: 'border-ok/30 bg-ok-soft',
  warn: 'border-warn/35 bg-warn-soft',
  crit: 'border-crit/30 bg-crit-soft',
};
const icons: Record<BannerTone, () => JSX.Element> = {
  info: () => <Info size={15} class="mt-px shrink-0 text-accent" />,
  ok: () => <CircleCheck size={15} class="mt-px shrink-0 text-ok" />,
  warn: () => <TriangleAlert size={15} class="mt-px shrink-0 text-warn" />,
  crit: () => <CircleAlert size={15} class="mt-px shrink-0 text-crit" />,
};

/** A message across the page about the thing shown: something to know, to check, or gone wrong. */
export function Banner(props: ParentProps<{ tone: BannerTone; title?: JSX.Element; action?: JSX.Element; testId?: string }>) {
  return (
    <div class={`flex items-start gap-2.5 rounded-lg border px-3 py-2.5 text-[13px] text-fg ${frame[props.tone]}`} role={props.tone === 'info' || props.tone === 'ok' ? 'note' : 'alert'} data-testid={props.testId}>
      {icons[props.tone]()}
      <div class="min-w-0 flex-1 leading-relaxed">
        <Show when={props.title}>
          <div class="font-medium">{props.title}</div>
        </Show>
        <div classList={{ 'text-muted': !!props.title }}>{props.children}</div>
      </div>
      <Show when={props.action}>
        <div class="shrink-0">{props.action}</div>
      </Show>
    </div>
  );
}
