import { toneFill, toneSoft, toneText, type Tone } from './tone';

export function StatusBadge(props: { tone: Tone; label: string; title?: string; testId?: string }) {
  return (
    <span
      class={`inline-flex h-[22px] shrink-0 items-center gap-1.5 rounded-full px-2 text-xs font-medium whitespace-nowrap ${toneSoft[props.tone]} ${toneText[props.tone]}`}
      title={props.title}
      data-testid={props.testId}
    >
      <span class={`size-1.5 shrink-0 rounded-full ${toneFill[props.tone]}`} />
      {props.label}
    </span>
  );
}

/** A bare coloured dot, for dense lists. */
export function StatusDot(props: { tone: Tone; class?: string }) {
  return <span class={`inline-block size-2 shrink-0 rounded-full ${toneFill[props.tone]} ${props.class ?? ''}`} />;
}
