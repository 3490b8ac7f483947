/** The status colours every primitive shares; each maps to a token in styles.css. */
export type Tone = 'ok' | 'warn' | 'crit' | 'unknown' | 'accent';

export const toneText: Record<Tone, string> = {
  ok: 'text-ok',
  warn: 'text-warn',
  crit: 'text-crit',
  unknown: 'text-unknown',
  accent: 'text-accent',
};

export const toneFill: Record<Tone, string> = {
  ok: 'bg-ok',
  warn: 'bg-warn',
  crit: 'bg-crit',
  unknown: 'bg-unknown',
  accent: 'bg-accent',
};

export const toneSoft: Record<Tone, string> = {
  ok: 'bg-ok-soft',
  warn: 'bg-warn-soft',
  crit: 'bg-crit-soft',
  unknown: 'bg-unknown-soft',
  accent: 'bg-accent-soft',
};

/** Usage colour for a percentage: calm until it crosses `warn`, loud past `crit`. */
export function usageTone(percent: number | undefined, warn = 80, crit = 90): Tone {
  if (percent === undefined || !Number.isFinite(percent)) return 'unknown';
  if (percent >= crit) return 'crit';
  if (percent >= warn) return 'warn';
  return 'accent';
}
