import { Index } from 'solid-js';
import { toneFill, type Tone } from './tone';

export interface StripBar {
  key: string;
  tone: Tone;
  /** The tooltip: what the bar stands for. */
  title: string;
  /** Dimmer, for spans with no data. */
  empty?: boolean;
}

/** A row of equal thin bars, one per span (a day, a check), coloured by tone: a history at a glance. */
export function BarStrip(props: { bars: readonly StripBar[]; height?: number; label?: string; testId?: string }) {
  return (
    <div class="flex w-full items-stretch gap-[2px]" style={{ height: `${props.height ?? 28}px` }} role="img" aria-label={props.label} data-testid={props.testId}>
      <Index each={props.bars}>
        {(b) => (
          <div
            class={`min-w-[2px] flex-1 rounded-[2px] transition-opacity hover:opacity-70 ${b().empty ? 'bg-track' : toneFill[b().tone]}`}
            title={b().title}
            data-tone={b().empty ? 'empty' : b().tone}
          />
        )}
      </Index>
    </div>
  );
}
