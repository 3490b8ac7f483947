import { AlertRuleInput, type AlertCondition, type AlertRule, type ResourceType, type Severity } from '@pulse/protocol';

/*
 * The create / edit form of an alert rule: what its fields hold (text, as typed), the body they
 * make, and the errors beside each field, checked with the protocol's schema before anything is
 * sent and read back from a 400 when the server still refuses.
 */

export type ConditionKind = AlertCondition['kind'];
export const CONDITION_KINDS: { value: ConditionKind; label: string; hint: string }[] = [
  { value: 'threshold', label: 'Threshold', hint: 'A metric above or below a level' },
  { value: 'status', label: 'Status', hint: 'Offline, degraded or unknown' },
  { value: 'detail', label: 'Detail', hint: 'A reported detail has a value' },
  { value: 'age', label: 'Age', hint: 'A timestamp grows too old' },
  { value: 'increase', label: 'Increase', hint: 'A counter grows too fast' },
];

export type StatusValue = Extract<AlertCondition, { kind: 'status' }>['statuses'][number];
export const STATUS_VALUES: StatusValue[] = ['offline', 'degraded', 'unknown'];

export type DurationUnit = 's' | 'min' | 'h' | 'd';
export const UNIT_SECONDS: Record<DurationUnit, number> = { s: 1, min: 60, h: 3_600, d: 86_400 };
export const DURATION_UNITS: { value: DurationUnit; label: string }[] = [
  { value: 's', label: 'seconds' },
  { value: 'min', label: 'minutes' },
  { value: 'h', label: 'hours' },
  { value: 'd', label: 'days' },
];

/** A duration as typed: a figure and its unit. */
export interface Duration {
  n: string;
  unit: DurationUnit;
}

export interface RuleForm {
  name: string;
  enabled: boolean;
  severity: Severity;
  types: ResourceType[];
  /** comma-separated */
  tags: string;
  resourceIds: string[];
  kind: ConditionKind;
  /** threshold and increase */
  metric: string;
  op: '>' | '<';
  trigger: string;
  clear: string;
  statuses: StatusValue[];
  /** detail and age */
  path: string;
  /** comma-separated; true/false and numbers are themselves */
  values: string;
  maxAge: Duration;
  missingFires: boolean;
  increase: string;
  window: Duration;
  forDuration: Duration;
  channels: string[];
  renotify: Duration;
  escalateAfter: Duration;
  escalateTo: string[];
}

/** Field key → message. */
export type FieldErrors = Record<string, string>;

/** Seconds as the largest unit that holds them whole: 300 → 5 min, 7200 → 2 h. */
export function durationOf(seconds: number): Duration {
  for (const unit of ['d', 'h', 'min'] as const) if (seconds > 0 && seconds % UNIT_SECONDS[unit] === 0) return { n: String(seconds / UNIT_SECONDS[unit]), unit };
  return { n: String(seconds), unit: 's' };
}

export const secondsOf = (d: Duration) => (d.n.trim() === '' ? Number.NaN : Number(d.n) * UNIT_SECONDS[d.unit]);

/** "5 min", "2 h", "never" for 0 when `zero` says so. */
export function durationText(seconds: number, zero = '0 s'): string {
  if (!seconds) return zero;
  const d = durationOf(seconds);
  return `${d.n} ${d.unit}`;
}

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    enabled: true,
    severity: 'warning',
    types: [],
    tags: '',
    resourceIds: [],
    kind: 'threshold',
    metric: '',
    op: '>',
    trigger: '',
    clear: '',
    statuses: ['offline'],
    path: '',
    values: '',
    maxAge: { n: '7', unit: 'd' },
    missingFires: false,
    increase: '3',
    window: { n: '5', unit: 'min' },
    forDuration: { n: '5', unit: 'min' },
    channels: [],
    renotify: { n: '0', unit: 'h' },
    escalateAfter: { n: '0', unit: 'min' },
    escalateTo: [],
  };
}

/** A stored rule in the form, to edit it. */
export function ruleFormOf(r: AlertRule): RuleForm {
  const f = emptyRuleForm();
  Object.assign(f, {
    name: r.name,
    enabled: r.enabled,
    severity: r.severity,
    types: [...r.target.types],
    tags: r.target.tags.join(', '),
    resourceIds: [...r.target.resourceIds],
    kind: r.condition.kind,
    forDuration: r.forS ? durationOf(r.forS) : { n: '0', unit: 'min' },
    channels: [...r.channels],
    renotify: r.renotifyS ? durationOf(r.renotifyS) : { n: '0', unit: 'h' },
    escalateAfter: r.escalateAfterS ? durationOf(r.escalateAfterS) : { n: '0', unit: 'min' },
    escalateTo: [...r.escalateTo],
  });
  const c = r.condition;
  switch (c.kind) {
    case 'threshold':
      Object.assign(f, { metric: c.metric, op: c.op, trigger: String(c.trigger), clear: String(c.clear) });
      break;
    case 'status':
      f.statuses = [...c.statuses];
      break;
    case 'detail':
      Object.assign(f, { path: c.path, values: c.values.map(String).join(', ') });
      break;
    case 'age':
      Object.assign(f, { path: c.path, maxAge: durationOf(c.maxAgeS), missingFires: c.missingFires });
      break;
    case 'increase':
      Object.assign(f, { metric: c.metric, increase: String(c.increase), window: durationOf(c.windowS) });
      break;
  }
  return f;
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A detail value as typed: true/false and numbers are themselves, anything else text. */
export function detailValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

export function conditionOf(form: RuleForm): AlertCondition {
  switch (form.kind) {
    case 'threshold':
      return { kind: 'threshold', metric: form.metric.trim(), op: form.op, trigger: num(form.trigger), clear: num(form.clear) };
    case 'status':
      return { kind: 'status', statuses: [...form.statuses] };
    case 'detail':
      return { kind: 'detail', path: form.path.trim(), values: list(form.values).map(detailValue) };
    case 'age':
      return { kind: 'age', path: form.path.trim(), maxAgeS: secondsOf(form.maxAge), missingFires: form.missingFires };
    case 'increase':
      return { kind: 'increase', metric: form.metric.trim(), increase: num(form.increase), windowS: secondsOf(form.window) };
  }
}

/** The body a form makes (NaN where a figure is unreadable; validate says so). */
export function ruleBodyOf(form: RuleForm): AlertRuleInput {
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    severity: form.severity,
    target: { types: [...form.types], tags: list(form.tags), resourceIds: [...form.resourceIds] },
    condition: conditionOf(form),
    forS: secondsOf(form.forDuration),
    channels: [...form.channels],
    renotifyS: secondsOf(form.renotify),
    escalateAfterS: secondsOf(form.escalateAfter),
    escalateTo: form.escalateAfter.n.trim() === '0' ? [] : [...form.escalateTo],
  };
}

/**
 * The hysteresis rule: an alert on "above 90" clears only at or below its clear level, which must
 * therefore not be above the trigger (and for "below", not below it). Equal levels are allowed but
 * give no hysteresis, which the form points out.
 */
export function hysteresisError(op: '>' | '<', trigger: number, clear: number): string | undefined {
  if (!Number.isFinite(trigger) || !Number.isFinite(clear)) return undefined;
  if (op === '>' && clear > trigger) return `Must be at or below the trigger (${trigger}): the alert clears when the value falls back to this level.`;
  if (op === '<' && clear < trigger) return `Must be at or above the trigger (${trigger}): the alert clears when the value climbs back to this level.`;
  return undefined;
}

export function hysteresisHint(op: '>' | '<', trigger: number, clear: number): string {
  if (!Number.isFinite(trigger) || !Number.isFinite(clear)) return op === '>' ? 'Fires above the trigger; clears only once the value is back at or below the clear level.' : 'Fires below the trigger; clears only once the value is back at or above the clear level.';
  if (hysteresisError(op, trigger, clear)) return `With "${op === '>' ? 'above' : 'below'}", the clear level must be ${op === '>' ? 'at or below' : 'at or above'} the trigger, or the alert would clear while it still fires.`;
  if (trigger === clear) return 'No hysteresis: a value hovering around the trigger will fire and clear over and over.';
  return op === '>' ? `Fires above ${trigger}; stays firing until the value is back at or below ${clear}.` : `Fires below ${trigger}; stays firing until the value is back at or above ${clear}.`;
}

const put = (errors: FieldErrors, field: string, message: string) => {
  if (!errors[field]) errors[field] = message;
};

function checkDuration(errors: FieldErrors, field: string, d: Duration, minS: number, maxS: number, what: string) {
  const text = d.n.trim();
  const s = secondsOf(d);
  if (text === '' || !Number.isFinite(s)) return put(errors, field, `A number: ${what}.`);
  if (!Number.isInteger(s)) return put(errors, field, 'Must come to whole seconds.');
  if (s < minS || s > maxS) put(errors, field, `Must be between ${durationText(minS)} and ${durationText(maxS)}.`);
}

/** Every problem the form has, by field; empty when it can be sent. */
export function validateRule(form: RuleForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.name.trim()) put(errors, 'name', 'Give the rule a name.');
  switch (form.kind) {
    case 'threshold': {
      if (!form.metric.trim()) put(errors, 'metric', 'Pick the metric to watch.');
      const t = num(form.trigger);
      const c = num(form.clear);
      if (!Number.isFinite(t)) put(errors, 'trigger', 'A number: the level that fires the alert.');
      if (!Number.isFinite(c)) put(errors, 'clear', 'A number: the level that clears it.');
      const h = hysteresisError(form.op, t, c);
      if (h) put(errors, 'clear', h);
      break;
    }
    case 'status':
      if (!form.statuses.length) put(errors, 'statuses', 'Pick at least one status.');
      break;
    case 'detail':
      if (!form.path.trim()) put(errors, 'path', 'The detail to read, e.g. health or lastBackup.status.');
      if (!list(form.values).length) put(errors, 'values', 'At least one value, e.g. unhealthy.');
      break;
    case 'age':
      if (!form.path.trim()) put(errors, 'path', 'The timestamp to read, e.g. lastBackup.time.');
      checkDuration(errors, 'maxAge', form.maxAge, 1, 3650 * 86_400, 'how old is too old');
      break;
    case 'increase': {
      if (!form.metric.trim()) put(errors, 'metric', 'Pick the counter to watch.');
      const inc = num(form.increase);
      if (!Number.isFinite(inc) || inc <= 0) put(errors, 'increase', 'A number above 0.');
      checkDuration(errors, 'window', form.window, 1, 7 * 86_400, 'the window');
      break;
    }
  }
  checkDuration(errors, 'forDuration', form.forDuration, 0, 86_400, '0 fires at once');
  checkDuration(errors, 'renotify', form.renotify, 0, 7 * 86_400, '0 never reminds');
  checkDuration(errors, 'escalateAfter', form.escalateAfter, 0, 7 * 86_400, '0 never escalates');
  if (secondsOf(form.escalateAfter) > 0 && !form.escalateTo.length) put(errors, 'escalateTo', 'Pick the channels to escalate to, or set the delay to 0.');
  if (list(form.tags).some((t) => t.length > 50)) put(errors, 'tags', 'A tag is at most 50 characters.');

  const parsed = AlertRuleInput.safeParse(ruleBodyOf(form));
  if (!parsed.success) for (const issue of parsed.error.issues) put(errors, fieldOfPath(issue.path as (string | number)[], form), sentence(issue.message));
  return errors;
}

/** "expected a number" → "Expected a number."; the schema's own words otherwise. */
function sentence(message: string): string {
  const m = message.trim();
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** The form field a body path names (from the schema's issues or the server's 400). */
export function fieldOfPath(path: readonly (string | number)[], form: Pick<RuleForm, 'kind'>): string {
  const [head, second] = path;
  switch (head) {
    case 'target':
      return second === 'types' || second === 'tags' || second === 'resourceIds' ? second : 'target';
    case 'condition':
      switch (second) {
        case 'maxAgeS':
          return 'maxAge';
        case 'windowS':
          return 'window';
        case 'metric':
        case 'op':
        case 'trigger':
        case 'clear':
        case 'statuses':
        case 'path':
        case 'values':
        case 'missingFires':
        case 'increase':
          return second;
        default:
          // The server's hysteresis check names only `condition` ("condition: clear (95) must be at or below…").
          return form.kind === 'threshold' ? 'clear' : 'kind';
      }
    case 'forS':
      return 'forDuration';
    case 'renotifyS':
      return 'renotify';
    case 'escalateAfterS':
      return 'escalateAfter';
    case 'name':
    case 'severity':
    case 'channels':
    case 'escalateTo':
    case 'enabled':
      return head;
    default:
      return 'form';
  }
}

const FIELDS = new Set(['name', 'severity', 'types', 'tags', 'resourceIds', 'kind', 'metric', 'op', 'trigger', 'clear', 'statuses', 'path', 'values', 'maxAge', 'missingFires', 'increase', 'window', 'forDuration', 'channels', 'renotify', 'escalateAfter', 'escalateTo']);

/**
 * A 400 from the server as field errors. `validation.failed` lists problems as `body.<path>: <message>`
 * joined by "; " (packages/server/src/api/errors.ts); `alert.unknown_metric` is about the metric.
 * What names no field is kept for the form.
 */
export function ruleServerErrors(code: string, message: string, form: Pick<RuleForm, 'kind'>): FieldErrors {
  if (code === 'alert.unknown_metric') return { metric: message || 'No resource reports this metric.' };
  if (code === 'rule.name_taken') return { name: message || 'Another rule has this name.' };
  const errors: FieldErrors = {};
  const rest: string[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = /^(?:body\.?)?([A-Za-z][\w.-]*):\s*(.+)$/.exec(part.trim());
    const field = m ? fieldOfPath(m[1]!.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), form) : 'form';
    if (m && FIELDS.has(field)) put(errors, field, sentence(m[2]!));
    else if (part.trim()) rest.push(part.trim());
  }
  if (rest.length) errors['form'] = rest.join(' ');
  return errors;
}

/** Edit distance, for "did you mean" on metric names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * Metrics to offer after an unknown one: those the server's message names (it suggests known
 * ones), then the closest known names; at most `max`.
 */
export function suggestMetrics(message: string, typed: string, known: readonly string[], max = 5): string[] {
  // The server names its suggestions in quotes: `No resource reports a metric named "x". Did you mean "cpu", "load1"?`
  const mean = message.split(/did you mean/i)[1] ?? '';
  const named = [...mean.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).filter((w) => w !== typed);
  const t = typed.trim().toLowerCase();
  // Shared parts first ("mem.pct" → "mem.percent"), then by edit distance; as the server ranks them.
  const parts = t.split(/[._\-\s]+/).filter(Boolean);
  const close = [...known]
    .filter((k) => k !== typed)
    .map((k) => {
      const kl = k.toLowerCase();
      const shared = kl.includes(t) || t.includes(kl) || parts.some((p) => kl.split(/[._-]+/).includes(p));
      return { k, d: distance(t, kl) - (shared ? 100 : 0) };
    })
    .filter((x) => x.d <= Math.max(3, Math.floor(t.length / 2)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .map((x) => x.k);
  return [...new Set([...named, ...close])].slice(0, max);
}

/** Metric names reported by resources of these types (every type when none), sorted. */
export function metricsSeen(resources: readonly { type: ResourceType; metrics: Record<string, number> }[], types: readonly ResourceType[]): string[] {
  const want = new Set(types);
  const seen = new Set<string>();
  for (const r of resources) if (want.size === 0 || want.has(r.type)) for (const k of Object.keys(r.metrics)) seen.add(k);
  return [...seen].sort();
}

/** The condition in words, for the rule list: "cpu > 90 (clears at 80)". */
export function conditionText(c: AlertCondition): string {
  switch (c.kind) {
    case 'threshold':
      return `${c.metric} ${c.op} ${c.trigger}${c.clear !== c.trigger ? ` (clears at ${c.clear})` : ''}`;
    case 'status':
      return `status is ${c.statuses.join(' or ')}`;
    case 'detail':
      return `${c.path} = ${c.values.map(String).join(' or ')}`;
    case 'age':
      return `${c.path} older than ${durationText(c.maxAgeS)}${c.missingFires ? ' (or missing)' : ''}`;
    case 'increase':
      return `${c.metric} grows by ≥ ${c.increase} in ${durationText(c.windowS)}`;
  }
}
