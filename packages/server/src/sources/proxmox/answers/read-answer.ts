import type { z } from 'zod';
import { ProxmoxError } from '../client/errors.js';
import { describeIssues, droppedProblems } from './coerce.js';

/*
 * The one door from the client's `unknown` into typed answers. An answer that is the wrong kind of
 * thing throws `proxmox.bad_response` naming the API path and the field; items a tolerant list
 * left out are counted and described so the poller can log them and go on.
 */

export interface Answer<T> {
  value: T;
  /** how many list items were left out because they did not validate */
  dropped: number;
  /** one line per item left out: `<what><path>[index] field: problem` */
  problems: string[];
}

/**
 * Finds the problems recorded by listOf anywhere in the output, with the path that leads there.
 * The path is a stack of segments joined only when a problem is found: building a string per
 * field made /cluster/resources (thousands of rows, every cycle) allocate one per value read.
 * Likewise an object enters `seen` only when it has problems or something to descend into: a leaf
 * (every row of /cluster/resources) can neither close a cycle nor be counted twice, and a Set of
 * thousands of rows was a tenth of what reading that answer allocated once rows were compiled.
 */
function collect(value: unknown, path: Array<string | number>, out: string[], seen: Set<object>): void {
  if (typeof value !== 'object' || value === null) return;
  let marked = false;
  const problems = droppedProblems(value);
  if (problems) {
    if (!firstVisit(value, seen)) return;
    marked = true;
    for (const p of problems) out.push(`${pathText(path)}${p}`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      if (!marked && !firstVisit(value, seen)) return;
      marked = true;
      path.push(i);
      collect(item, path, out, seen);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    const item = (value as Record<string, unknown>)[k];
    if (typeof item !== 'object' || item === null) continue;
    if (!marked && !firstVisit(value, seen)) return;
    marked = true;
    path.push(k);
    collect(item, path, out, seen);
    path.pop();
  }
}

/** false when `value` was reached before: a cycle, or one object in two places. */
function firstVisit(value: object, seen: Set<object>): boolean {
  if (seen.has(value)) return false;
  seen.add(value);
  return true;
}

/** `a.b[2].c`, as the problems name where they are. */
function pathText(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text;
}

/**
 * Validates `data` (the `data` member of a Proxmox answer) against `schema`.
 * @param what the API path it came from, e.g. `/nodes/pve1/status`, used in messages
 */
export function readAnswer<S extends z.ZodType>(schema: S, data: unknown, what: string): Answer<z.output<S>> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ProxmoxError(
      'proxmox.bad_response',
      `Proxmox's answer to ${what} is not what its API describes (${describeIssues(parsed.error)}). ` +
        'The server may run an unsupported version or a proxy may have changed the answer.',
    );
  }
  const problems: string[] = [];
  collect(parsed.data, [], problems, new Set());
  return { value: parsed.data, dropped: problems.length, problems: problems.map((p) => `${what} ${p}`) };
}
