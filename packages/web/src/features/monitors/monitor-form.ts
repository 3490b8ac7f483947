import { MONITOR_LIMITS, MonitorInput, type JsonPathAssertion, type MonitorInputBody, type MonitorType } from '@pulse/protocol';
import type { MonitorView } from './monitor-model';

/*
 * The create / edit form of a monitor: what the fields hold (text, as typed), the body they make,
 * and the errors to show beside each field, checked with the same schema the server uses before
 * anything is sent, and read back from a 400 when the server still refuses.
 */

export interface HeaderRow {
  name: string;
  value: string;
}

export type JsonOp = JsonPathAssertion['op'];
export const JSON_OPS: JsonOp[] = ['==', '!=', '<', '<=', '>', '>=', 'contains', 'exists'];

export interface JsonRow {
  path: string;
  op: JsonOp;
  value: string;
}

export type AuthKind = 'none' | 'basic' | 'bearer';

export interface MonitorForm {
  type: MonitorType;
  name: string;
  description: string;
  group: string;
  tags: string;
  intervalS: string;
  /** seconds in the form; the API takes ms */
  timeoutS: string;
  retries: string;
  retryIntervalS: string;
  enabled: boolean;
  url: string;
  method: string;
  headers: HeaderRow[];
  body: string;
  authKind: AuthKind;
  username: string;
  password: string;
  token: string;
  /** comma-separated: "200-299, 301" */
  acceptedStatus: string;
  followRedirects: boolean;
  maxRedirects: string;
  keyword: string;
  keywordInvert: boolean;
  keywordCaseSensitive: boolean;
  jsonPath: JsonRow[];
  verifyTls: boolean;
  certExpiryDays: string;
  keepAlive: boolean;
  ipFamily: 'any' | '4' | '6';
  /** KiB in the form; the API takes bytes */
  maxBodyKiB: string;
  host: string;
  port: string;
  count: string;
  hostname: string;
  recordType: string;
  resolver: string;
  /** one expected answer per line */
  expected: string;
  graceS: string;
}

/** Field key → message; row fields are `headers.2.name`, `jsonPath.0.path`. */
export type FieldErrors = Record<string, string>;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** What the server masks secrets with in a MonitorView; sent back untouched it means "keep the stored one". */
export const MASKED = '********';

export function emptyForm(type: MonitorType = 'http'): MonitorForm {
  return {
    type,
    name: '',
    description: '',
    group: '',
    tags: '',
    intervalS: '60',
    timeoutS: '10',
    retries: '1',
    retryIntervalS: '20',
    enabled: true,
    url: '',
    method: 'GET',
    headers: [],
    body: '',
    authKind: 'none',
    username: '',
    password: '',
    token: '',
    acceptedStatus: '200-299',
    followRedirects: true,
    maxRedirects: '5',
    keyword: '',
    keywordInvert: false,
    keywordCaseSensitive: false,
    jsonPath: [],
    verifyTls: true,
    certExpiryDays: '14',
    keepAlive: false,
    ipFamily: 'any',
    maxBodyKiB: String(MONITOR_LIMITS.maxBodyBytes.default / 1024),
    host: '',
    port: '',
    count: '1',
    hostname: '',
    recordType: 'A',
    resolver: '',
    expected: '',
    graceS: '0',
  };
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** A stored monitor in the form, to edit it. */
export function formOf(m: MonitorView): MonitorForm {
  const f = emptyForm(m.type);
  Object.assign(f, {
    name: m.name,
    description: m.description ?? '',
    group: m.group ?? '',
    tags: (m.tags ?? []).join(', '),
    intervalS: str(m.intervalS ?? 60),
    timeoutS: str((m.timeoutMs ?? 10_000) / 1000),
    retries: str(m.retries ?? 1),
    retryIntervalS: str(m.retryIntervalS ?? 20),
    enabled: m.enabled !== false,
  });
  switch (m.type) {
    case 'http':
      Object.assign(f, {
        url: m.url,
        method: m.method ?? 'GET',
        headers: Object.entries(m.headers ?? {}).map(([name, value]) => ({ name, value })),
        body: m.body ?? '',
        authKind: m.auth?.kind ?? 'none',
        username: m.auth?.kind === 'basic' ? m.auth.username : '',
        password: m.auth?.kind === 'basic' ? m.auth.password : '',
        token: m.auth?.kind === 'bearer' ? m.auth.token : '',
        acceptedStatus: (m.acceptedStatus ?? ['200-299']).join(', '),
        followRedirects: m.followRedirects !== false,
        maxRedirects: str(m.maxRedirects ?? 5),
        keyword: m.keyword?.value ?? '',
        keywordInvert: m.keyword?.invert ?? false,
        keywordCaseSensitive: m.keyword?.caseSensitive ?? false,
        jsonPath: (m.jsonPath ?? []).map((a) => ({ path: a.path, op: a.op, value: a.value === undefined ? '' : a.value === null ? 'null' : String(a.value) })),
        verifyTls: m.verifyTls !== false,
        certExpiryDays: str(m.certExpiryDays ?? 14),
        keepAlive: m.keepAlive === true,
        ipFamily: m.ipFamily ? (String(m.ipFamily) as '4' | '6') : 'any',
        maxBodyKiB: str(Math.round((m.maxBodyBytes ?? MONITOR_LIMITS.maxBodyBytes.default) / 1024)),
      });
      break;
    case 'tcp':
      Object.assign(f, { host: m.host, port: str(m.port) });
      break;
    case 'ping':
      Object.assign(f, { host: m.host, count: str(m.count ?? 1) });
      break;
    case 'dns':
      Object.assign(f, { hostname: m.hostname, recordType: m.recordType ?? 'A', resolver: m.resolver ?? '', expected: (m.expected ?? []).join('\n') });
      break;
    case 'push':
      Object.assign(f, { graceS: str(m.graceS ?? 0) });
      break;
  }
  return f;
}

/** A JSON assertion's value as typed: numbers, true/false and null are themselves, anything else text. */
export function assertionValue(op: JsonOp, text: string): JsonPathAssertion['value'] {
  if (op === 'exists') return undefined;
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return text;
}

interface NumberRule {
  field: keyof MonitorForm;
  min: number;
  max: number;
  unit: string;
  integer?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

const COMMON_NUMBERS: NumberRule[] = [
  { field: 'intervalS', min: MONITOR_LIMITS.intervalS.min, max: MONITOR_LIMITS.intervalS.max, unit: 'seconds', integer: true },
  { field: 'timeoutS', min: MONITOR_LIMITS.timeoutMs.min / 1000, max: MONITOR_LIMITS.timeoutMs.max / 1000, unit: 'seconds' },
  { field: 'retries', min: 0, max: MONITOR_LIMITS.retries.max, unit: '', integer: true },
  { field: 'retryIntervalS', min: 1, max: 3600, unit: 'seconds', integer: true },
];

const TYPE_NUMBERS: Record<MonitorType, NumberRule[]> = {
  http: [
    { field: 'maxRedirects', min: 0, max: 20, unit: '', integer: true },
    { field: 'certExpiryDays', min: 0, max: 365, unit: 'days', integer: true },
    { field: 'maxBodyKiB', min: 0, max: MONITOR_LIMITS.maxBodyBytes.max / 1024, unit: 'KiB', integer: true },
  ],
  tcp: [{ field: 'port', min: 1, max: 65535, unit: '', integer: true }],
  dns: [],
  ping: [{ field: 'count', min: 1, max: 10, unit: '', integer: true }],
  push: [{ field: 'graceS', min: 0, max: 86_400, unit: 'seconds', integer: true }],
};

function checkNumber(form: MonitorForm, rule: NumberRule, errors: FieldErrors): number | undefined {
  const text = String(form[rule.field]).trim();
  const range = `between ${fmt(rule.min)} and ${fmt(rule.max)}${rule.unit ? ` ${rule.unit}` : ''}`;
  if (text === '') {
    errors[rule.field] = `Required: ${range}.`;
    return undefined;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) {
    errors[rule.field] = rule.integer ? `A whole number ${range}.` : `A number ${range}.`;
    return undefined;
  }
  if (n < rule.min || n > rule.max) {
    errors[rule.field] = `Must be ${range}.`;
    return undefined;
  }
  return n;
}

const list = (text: string, sep: RegExp) =>
  text
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

/** The body a form makes, numbers as numbers (NaN where unreadable; checkNumber has said so). */
export function bodyOf(form: MonitorForm): MonitorInputBody {
  const n = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const opt = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const common = {
    name: form.name.trim(),
    description: opt(form.description),
    group: opt(form.group),
    tags: list(form.tags, /,/),
    intervalS: n(form.intervalS),
    timeoutMs: Math.round(n(form.timeoutS) * 1000),
    retries: n(form.retries),
    retryIntervalS: n(form.retryIntervalS),
    enabled: form.enabled,
  };
  switch (form.type) {
    case 'http':
      return {
        ...common,
        type: 'http',
        url: form.url.trim(),
        method: form.method as (typeof HTTP_METHODS)[number],
        headers: Object.fromEntries(form.headers.filter((h) => h.name.trim() || h.value).map((h) => [h.name.trim(), h.value])),
        body: form.method === 'GET' || form.method === 'HEAD' ? undefined : form.body || undefined,
        auth:
          form.authKind === 'basic'
            ? { kind: 'basic', username: form.username, password: form.password }
            : form.authKind === 'bearer'
              ? { kind: 'bearer', token: form.token }
              : undefined,
        acceptedStatus: list(form.acceptedStatus, /[,\s]+/),
        followRedirects: form.followRedirects,
        maxRedirects: n(form.maxRedirects),
        keyword: form.keyword ? { value: form.keyword, invert: form.keywordInvert, caseSensitive: form.keywordCaseSensitive } : undefined,
        jsonPath: form.jsonPath.map((a) => ({ path: a.path.trim(), op: a.op, value: assertionValue(a.op, a.value) })),
        verifyTls: form.verifyTls,
        certExpiryDays: n(form.certExpiryDays),
        keepAlive: form.keepAlive,
        ipFamily: form.ipFamily === 'any' ? undefined : form.ipFamily === '4' ? 4 : 6,
        maxBodyBytes: n(form.maxBodyKiB) * 1024,
      };
    case 'tcp':
      return { ...common, type: 'tcp', host: form.host.trim(), port: n(form.port) };
    case 'ping':
      return { ...common, type: 'ping', host: form.host.trim(), count: n(form.count) };
    case 'dns':
      return { ...common, type: 'dns', hostname: form.hostname.trim(), recordType: form.recordType as 'A', resolver: opt(form.resolver), expected: list(form.expected, /\n/) };
    case 'push':
      return { ...common, type: 'push', graceS: n(form.graceS) };
  }
}

/** "a hostname or IP address" → "Must be a hostname or IP address."; zod's own texts as they are. */
function sentence(message: string): string {
  const m = message.trim();
  const s = /^an? /.test(m) ? `Must be ${m}` : m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * The form field a body path names (from the schema's issues or the server's 400): header rows by
 * their name, assertion rows by index, whole lists (statuses, expected answers, tags) as one field.
 */
export function fieldOfPath(path: readonly (string | number)[], form: MonitorForm): string {
  const [head, second, third] = path;
  switch (head) {
    case 'timeoutMs':
      return 'timeoutS';
    case 'maxBodyBytes':
      return 'maxBodyKiB';
    case 'headers': {
      if (second === undefined) return 'headers';
      const i = form.headers.findIndex((h) => h.name.trim() === String(second));
      if (i < 0) return 'headers';
      return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(form.headers[i]!.name.trim()) ? `headers.${i}.value` : `headers.${i}.name`;
    }
    case 'auth':
      return second === undefined || second === 'kind' ? 'auth' : `auth.${String(second)}`;
    case 'jsonPath':
      return second === undefined || typeof second !== 'number' && !/^\d+$/.test(String(second)) ? 'jsonPath' : `jsonPath.${second}.${third === 'value' ? 'value' : 'path'}`;
    case 'acceptedStatus':
    case 'keyword':
    case 'expected':
    case 'tags':
      return head;
    default:
      return head === undefined ? 'form' : String(head);
  }
}

/**
 * The paths the server's checks can read (packages/server/src/monitors/monitor-service.ts checks the
 * same): `a.b[0]`, `$.x`, `['odd key']`; no empty steps or open brackets.
 */
const STEP = String.raw`(?:[^.[\]\s'"]+|\[\d+\]|\[(?:'[^']*'|"[^"]*")\])`;
const JSON_PATH = new RegExp(String.raw`^(?:\$\.?)?${STEP}(?:\.[^.[\]\s'"]+|\[\d+\]|\[(?:'[^']*'|"[^"]*")\])*$`);

const FORM_KEYS = new Set<string>(Object.keys(emptyForm()));
/** Whether the form shows errors for this key beside a field. */
export function isFieldKey(key: string): boolean {
  return FORM_KEYS.has(key) || /^(headers\.\d+\.(name|value)|jsonPath\.\d+\.(path|value)|auth\.(username|password|token))$/.test(key);
}

/** Adds `message` for `field` unless one is there already (the first problem of a field is the one shown). */
const put = (errors: FieldErrors, field: string, message: string) => {
  if (!errors[field]) errors[field] = message;
};

/** Every problem the form has, by field; empty when it can be sent. */
export function validate(form: MonitorForm): FieldErrors {
  const errors: FieldErrors = {};
  const numbers = [...COMMON_NUMBERS, ...TYPE_NUMBERS[form.type]].map((rule) => [rule.field, checkNumber(form, rule, errors)] as const);
  const value = Object.fromEntries(numbers) as Partial<Record<keyof MonitorForm, number>>;
  if (value.intervalS !== undefined && value.timeoutS !== undefined && value.timeoutS * 1000 >= value.intervalS * 1000) {
    put(errors, 'timeoutS', `Must be shorter than the interval (${fmt(value.intervalS)} s).`);
  }
  if (!form.name.trim()) put(errors, 'name', 'Give the monitor a name.');
  if (form.type === 'http') {
    if (!form.url.trim()) put(errors, 'url', 'Required: the address to check, e.g. https://example.com/health.');
    const names = new Map<string, number>();
    form.headers.forEach((h, i) => {
      const key = h.name.trim().toLowerCase();
      if (!key && h.value) put(errors, `headers.${i}.name`, 'Name the header.');
      if (key && names.has(key)) put(errors, `headers.${i}.name`, 'This header is already set above.');
      if (key) names.set(key, i);
    });
    if (form.headers.length > MONITOR_LIMITS.headers.max) put(errors, 'headers', `At most ${MONITOR_LIMITS.headers.max} headers.`);
    if (!list(form.acceptedStatus, /[,\s]+/).length) put(errors, 'acceptedStatus', 'At least one status code, a range like 200-299, or 2xx.');
    form.jsonPath.forEach((a, i) => {
      if (a.path.trim() && !JSON_PATH.test(a.path.trim())) put(errors, `jsonPath.${i}.path`, 'Not a path like status, checks[0].ok or $.data.items.length.');
      if (a.op !== 'exists' && a.value.trim() === '') put(errors, `jsonPath.${i}.value`, 'A value to compare with.');
    });
  }
  if ((form.type === 'tcp' || form.type === 'ping') && !form.host.trim()) put(errors, 'host', 'Required: a hostname or IP address.');
  if (form.type === 'dns' && !form.hostname.trim()) put(errors, 'hostname', 'Required: the name to resolve.');

  const parsed = MonitorInput.safeParse(bodyOf(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path as (string | number)[], form);
      // A number this form checked already has the friendlier message.
      // A record key's own problem ("an HTTP header name") sits inside zod's "Invalid key in record".
      const inner = (issue as { issues?: { message?: string }[] }).issues?.find((i) => i.message)?.message;
      put(errors, field, sentence(inner ?? issue.message));
    }
  }
  return errors;
}

/**
 * A 400 from the server as field errors. Its message lists problems as `body.<path>: <message>`,
 * joined by "; " (packages/server/src/api/errors.ts); what names no field is kept for the form.
 */
export function serverErrors(code: string, message: string, form: MonitorForm): FieldErrors {
  if (code === 'monitor.name_taken') return { name: message || 'Another monitor has this name.' };
  const errors: FieldErrors = {};
  const rest: string[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = /^(?:body\.?)?([A-Za-z][\w.-]*):\s*(.+)$/.exec(part.trim());
    const field = m ? fieldOfPath(m[1]!.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), form) : 'form';
    if (m && isFieldKey(field)) put(errors, field, sentence(m[2]!));
    else if (part.trim()) rest.push(m && !isFieldKey(field) && m[1] !== 'body' ? part.trim() : (m?.[2] ?? part.trim()));
  }
  if (rest.length) errors['form'] = rest.join(' ');
  return errors;
}
