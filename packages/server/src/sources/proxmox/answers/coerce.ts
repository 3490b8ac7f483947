import { z } from 'zod';

/*
 * Building blocks for the answer schemas. Proxmox's Perl and Rust APIs are loose about types:
 * numbers arrive as numeric strings ("0.05", loadavg, cpuinfo.mhz), booleans as 0/1 or "1", PMG
 * sends null for "none", keys are omitted when a sample is missing, and versions add fields. These
 * accept every spelling of the right thing and reject the wrong thing, so a schema failure means
 * garbage, not a quirk. The coercions are exported for fast-reader.ts, whose compiled readers must
 * coerce exactly as these blocks do.
 */

/** null means "none" in PMG and in some PVE fields; treated like an omitted key. */
export const nullToUndefined = (v: unknown): unknown => (v === null ? undefined : v);

/** "0.05" -> 0.05; anything that is not a finite numeric string is left for the schema to reject. */
export function numeric(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const text = v.trim();
  if (text === '') return v;
  const n = Number(text);
  return Number.isFinite(n) ? n : v;
}

/** A required number, sent as a JSON number or a numeric string. */
export const num = z.preprocess(numeric, z.number());

/** An optional number: omitted, null, a JSON number or a numeric string. */
export const optNum = z.preprocess((v) => numeric(nullToUndefined(v)), z.number().optional()).optional();

/**
 * A number where the API writes "N/A" (or "", or null) for "not known": disks/list `wearout` on HDDs
 * and disks whose SMART data could not be read (pve-storage Diskmanage.pm initialises it to 'N/A').
 */
export const numOrNA = z
  .preprocess((v) => (v === null || v === '' || (typeof v === 'string' && /^n\/?a$/i.test(v.trim())) ? undefined : numeric(v)), z.number().optional())
  .optional();

/** 0/1, "0"/"1", true/false: Perl's booleans as JSON. */
export function boolish(v: unknown): unknown {
  if (v === null) return undefined;
  if (v === 1 || v === '1' || v === 'true') return true;
  if (v === 0 || v === '0' || v === 'false' || v === '') return false;
  return v;
}
export const optFlag = z.preprocess(boolish, z.boolean().optional()).optional();

/** A string the API sometimes sends as a number (vmid as a task id, backup ids "100"). */
export const textual = (v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v);
export const text = z.preprocess(textual, z.string());
export const optText = z.preprocess((v) => textual(nullToUndefined(v)), z.string().optional()).optional();

/** Where readAnswer finds the problems of the items a list left out (see listOf). */
export const DROPPED: unique symbol = Symbol('proxmox.dropped');

type WithDropped = { [DROPPED]?: string[] };

/** The problems recorded on a list's output, if any items were left out. */
export function droppedProblems(value: unknown): string[] | undefined {
  return Array.isArray(value) ? (value as WithDropped)[DROPPED] : undefined;
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${where}${first.message}${more}`;
}

/**
 * A list whose bad items are left out instead of failing the whole answer: one half-written guest
 * must not hide the other 200. What was left out, and why, rides on the output array under a
 * symbol (invisible to JSON and spread) so readAnswer can count it without module state. A null
 * list (PMG's "none") reads as empty; a non-list is garbage and fails.
 */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === null ? [] : v), z.array(z.unknown()).transform((entries) => keepReadable(entries, item)));
}

/**
 * listOf's rule for the entries of a list: keep what `item` reads, record why the others were left
 * out. `read` is a compiled reader tried first (fast-reader.ts); what it refuses `item` decides.
 */
export function keepReadable<T extends z.ZodType>(entries: readonly unknown[], item: T, read?: (entry: unknown) => unknown): Array<z.output<T>> {
  const kept: Array<z.output<T>> = [];
  let problems: string[] | undefined;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const fast = read ? read(entry) : z.INVALID;
    if (fast !== z.INVALID) {
      kept.push(fast as z.output<T>);
      continue;
    }
    const parsed = item.safeParse(entry);
    if (parsed.success) kept.push(parsed.data);
    else (problems ??= []).push(`[${index}] ${describeIssues(parsed.error)}`);
  }
  if (problems) Object.defineProperty(kept, DROPPED, { value: problems, enumerable: false });
  return kept;
}

/** For readAnswer's error text. */
export { describeIssues };
