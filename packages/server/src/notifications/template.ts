import type { Notification } from '@pulse/protocol';
import { groupKeyOf, headline, plainText } from './message.js';

/*
 * The webhook body template: text with `{{field.path}}` holes, and `{{field.path | json}}` for a whole
 * JSON value (an array, an object, a number). No expressions, no calls, no loops: a template can only
 * read fields of the notification, and only its own data (never a prototype). Every hole is escaped
 * for the body's content type, so a title with a quote cannot break out of a JSON string.
 */

export type TemplateMode = 'json' | 'form' | 'text';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

interface Hole {
  path: string[];
  raw: boolean;
}
type Part = string | Hole;

const HOLE = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;
const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export interface CompiledTemplate {
  /** the field paths the template reads, for validation */
  paths: string[][];
  render(context: unknown): string;
}

export function compileTemplate(source: string, mode: TemplateMode): CompiledTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(HOLE)) {
    const at = match.index;
    checkLiteral(source.slice(last, at), last);
    parts.push(source.slice(last, at));
    const [, pathText = '', filter] = match;
    if (filter !== undefined && filter !== 'json') throw new TemplateError(`unknown filter "${filter}" at character ${at + 1}: the only one is "json"`);
    const path = pathText.split('.');
    if (!pathText || path.some((s) => !SEGMENT.test(s) || FORBIDDEN.has(s))) {
      throw new TemplateError(`"{{${pathText}}}" at character ${at + 1} is not a field path like alerts.0.resourceName`);
    }
    parts.push({ path, raw: filter === 'json' });
    last = at + match[0].length;
  }
  checkLiteral(source.slice(last), last);
  parts.push(source.slice(last));
  return {
    paths: parts.filter((p): p is Hole => typeof p !== 'string').map((p) => p.path),
    render: (context) => parts.map((p) => typeof p === 'string' ? p : encode(lookup(context, p.path), p.raw, mode)).join(''),
  };
}

/** A `{{` outside a well-formed hole is a typo, reported rather than sent as is (`}}` alone is valid JSON: `{"a":{"b":1}}`). */
function checkLiteral(text: string, offset: number): void {
  const at = text.indexOf('{{');
  if (at !== -1) throw new TemplateError(`unmatched "{{" at character ${offset + at + 1}`);
}

function lookup(context: unknown, path: string[]): unknown {
  let value = context;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function encode(value: unknown, raw: boolean, mode: TemplateMode): string {
  const text = raw ? JSON.stringify(value ?? null) : value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (mode === 'form') return encodeURIComponent(text);
  // Inside a JSON string: the string's own escaping without its quotes; `| json` places a whole value.
  if (mode === 'json' && !raw) return JSON.stringify(text).slice(1, -1);
  return text;
}

/** What a template can read: the notification plus a few ready-made fields. */
export function templateContext(n: Notification): Record<string, unknown> {
  return {
    ...n, atIso: new Date(n.at).toISOString(), headline: headline(n), text: plainText(n), groupKey: groupKeyOf(n),
    count: n.alerts.length, alert: n.alerts[0],
  };
}

const SAMPLE: Notification = {
  id: 'rule:sample:firing:0', kind: 'firing', severity: 'warning', title: 'Sample', summary: 'Sample', at: 0, url: 'https://pulse.example/alerts/1',
  alerts: [{
    id: 'a', ruleId: 'r', ruleName: 'r', resourceId: 'host:x', resourceName: 'x', severity: 'warning', state: 'firing', message: 'm', value: 1,
    pendingSince: 0, firedAt: 0, acknowledgedAt: 0, acknowledgedBy: 'u', resolvedAt: 0, snoozedUntil: 0, held: 'cap', parentAlertId: 'p', flapping: false,
  }],
  suppressed: [{ resourceId: 'ct:1', resourceName: 'ct1', ruleName: 'r' }],
};

/** Refuses a template that names unknown fields or, for JSON, does not render valid JSON. */
export function checkTemplate(source: string, mode: TemplateMode): void {
  const template = compileTemplate(source, mode);
  const context = templateContext(SAMPLE);
  for (const path of template.paths) {
    if (lookup(context, path.map((s) => /^\d+$/.test(s) ? '0' : s)) === undefined) {
      throw new TemplateError(`unknown field "${path.join('.')}"; fields: ${Object.keys(context).join(', ')}`);
    }
  }
  if (mode === 'json') {
    try {
      JSON.parse(template.render(context));
    } catch (err) {
      throw new TemplateError(`the body does not come out as valid JSON (${(err as Error).message}); put text holes inside quotes and use "| json" for whole values`);
    }
  }
}
