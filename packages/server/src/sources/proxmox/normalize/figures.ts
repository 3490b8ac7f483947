/* Arithmetic every normaliser shares: rounding, percentages and the usage metric triples. */

/** Rounds to 0.01 so unchanged figures stay equal and diffs stay small. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** 0-1 fraction (PVE's cpu, wait) to percent. */
export const fractionToPercent = (f: number | undefined): number | undefined => (f === undefined ? undefined : round2(f * 100));

export function percentOf(used: number | undefined, total: number | undefined): number | undefined {
  return used === undefined || total === undefined || !(total > 0) ? undefined : round2((used / total) * 100);
}

/** Sets key = value only when value is a finite number, so absent stays absent. */
export function put(metrics: Record<string, number>, key: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) metrics[key] = value;
}

/** `<prefix>.used`, `<prefix>.total`, `<prefix>.percent` (percent only for disk and mem). */
export function putUsage(
  metrics: Record<string, number>,
  prefix: 'mem' | 'disk' | 'swap',
  used: number | undefined,
  total: number | undefined,
): void {
  // A total of 0 is "not known" (offline node, storage not mounted), not "empty".
  if (total === undefined || !(total > 0)) return;
  put(metrics, `${prefix}.total`, total);
  if (used === undefined) return;
  const clamped = Math.min(Math.max(used, 0), total);
  put(metrics, `${prefix}.used`, clamped);
  if (prefix !== 'swap') put(metrics, `${prefix}.percent`, percentOf(clamped, total));
}

/** "0.52" x3 (already numbers after the schema) to load1/5/15. */
export function putLoad(metrics: Record<string, number>, loadavg: number[] | undefined): void {
  if (!loadavg) return;
  put(metrics, 'load1', loadavg[0]);
  put(metrics, 'load5', loadavg[1]);
  put(metrics, 'load15', loadavg[2]);
}

/** s -> ms for epoch times; 0 and negatives mean "never" in Proxmox answers. */
export const secondsToMs = (s: number | undefined): number | undefined => (s !== undefined && s > 0 ? s * 1000 : undefined);

/** The error as details carry it: code and message, nothing else (no stack, no cause). */
export interface ErrorDetail {
  code: string;
  message: string;
}
export const errorDetail = (err: { code: string; message: string }): ErrorDetail => ({ code: err.code, message: err.message });
