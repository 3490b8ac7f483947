import { toneText, type Tone } from './tone';

/** A 0-100 figure in a ring that fills with it, coloured by tone: a score at a glance. */
export function ScoreRing(props: { value: number | undefined; tone: Tone; size?: number; label?: string; testId?: string }) {
  const size = () => props.size ?? 44;
  const stroke = () => Math.max(3, Math.round(size() / 11));
  const r = () => (size() - stroke()) / 2;
  const circumference = () => 2 * Math.PI * r();
  const filled = () => {
    const v = props.value;
    return v === undefined || !Number.isFinite(v) ? 0 : Math.min(100, Math.max(0, v)) / 100;
  };
  return (
    <div
      class={`relative inline-flex shrink-0 items-center justify-center ${toneText[props.tone]}`}
      style={{ width: `${size()}px`, height: `${size()}px` }}
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={props.value === undefined ? undefined : Math.round(props.value)}
      data-testid={props.testId}
    >
      <svg width={size()} height={size()} class="absolute inset-0 -rotate-90">
        <circle cx={size() / 2} cy={size() / 2} r={r()} fill="none" stroke="var(--track)" stroke-width={stroke()} />
        <circle
          cx={size() / 2}
          cy={size() / 2}
          r={r()}
          fill="none"
          stroke="currentColor"
          stroke-width={stroke()}
          stroke-linecap="round"
          stroke-dasharray={`${circumference()}`}
          stroke-dashoffset={`${circumference() * (1 - filled())}`}
          style={{ transition: 'stroke-dashoffset 500ms ease-out' }}
        />
      </svg>
      <span class="num relative font-semibold text-fg" style={{ 'font-size': `${Math.round(size() * 0.3)}px` }} data-testid={props.testId && `${props.testId}-value`}>
        {props.value === undefined || !Number.isFinite(props.value) ? '—' : Math.round(props.value)}
      </span>
    </div>
  );
}
