import { toneFill, usageTone, type Tone } from './tone';

export interface MetricBarProps {
  /** 0-100; undefined draws an empty track. */
  value: number | undefined;
  /** Fixed colour; by default the bar turns warn/crit as it fills. */
  tone?: Tone;
  size?: 'xs' | 'sm' | 'md';
  class?: string;
  label?: string;
}

const heights = { xs: 'h-1', sm: 'h-1.5', md: 'h-2' } as const;

export function MetricBar(props: MetricBarProps) {
  const width = () => {
    const v = props.value;
    return v === undefined || !Number.isFinite(v) ? 0 : Math.min(100, Math.max(0, v));
  };
  const tone = () => props.tone ?? usageTone(props.value);
  return (
    <div
      class={`w-full overflow-hidden rounded-full bg-track ${heights[props.size ?? 'sm']} ${props.class ?? ''}`}
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={props.value === undefined ? undefined : Math.round(width())}
    >
      <div
        class={`h-full rounded-full transition-[width] duration-500 ease-out ${toneFill[tone()]}`}
        style={{ width: `${width()}%` }}
      />
    </div>
  );
}
