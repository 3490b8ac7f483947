/**
 * Significant digits kept of a non-integer value. Collectors report CPU shares and rates as full
 * doubles (23.456789012); their noise digits cost the XOR codec 5-7 bytes a point, while six digits
 * (an error of at most 5 in 10^6, far below a chart's pixel) let decimal mode store ~2.5. Integers
 * (bytes, counts) are kept exact.
 */
export const SIGNIFICANT_DIGITS = 6;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** `v` rounded to SIGNIFICANT_DIGITS, as the nearest double to that decimal (what parsing it would give). */
export function roundSignificant(v: number): number {
  if (Number.isInteger(v) || v === 0 || !Number.isFinite(v)) return v;
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const decimals = SIGNIFICANT_DIGITS - 1 - magnitude;
  if (decimals <= 0) {
    const step = POW10[-decimals] ?? 10 ** -decimals;
    return Math.round(v / step) * step;
  }
  // An integer divided by an exact power of ten is the correctly rounded double of that decimal.
  if (decimals <= 22) return Math.round(v * POW10[decimals]!) / POW10[decimals]!;
  return Number(v.toPrecision(SIGNIFICANT_DIGITS));
}

/**
 * How far a timestamp may sit from its series' rhythm and still be put on it: 2 % of the interval,
 * at most 50 ms. Collectors wake a few ms late each time; that jitter costs the delta-of-delta codec
 * about a byte a point, and snapping it costs nothing a chart could show.
 */
export function rhythmTolerance(intervalMs: number): number {
  return Math.min(50, Math.floor(intervalMs / 50));
}
