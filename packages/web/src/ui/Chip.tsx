import type { JSX } from 'solid-js';
import { toneSoft, toneText, type Tone } from './tone';

/** A small label: a tag, a flag. Neutral by default; a tone tints it. */
export function Chip(props: { children: JSX.Element; tone?: Tone; title?: string; icon?: JSX.Element; testId?: string; class?: string }) {
  return (
    <span
      class={`inline-flex h-[18px] max-w-full shrink-0 items-center gap-1 truncate rounded-md px-1.5 text-[11px] leading-none font-medium whitespace-nowrap ${
        props.tone ? `${toneSoft[props.tone]} ${toneText[props.tone]}` : 'border bg-surface-2 text-muted'
      } ${props.class ?? ''}`}
      title={props.title}
      data-testid={props.testId}
    >
      {props.icon}
      {props.children}
    </span>
  );
}
