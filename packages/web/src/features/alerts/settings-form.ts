import { AlertSettings } from '@pulse/protocol';
import { type Duration, type DurationUnit, type FieldErrors, UNIT_SECONDS } from './rule-form';

/*
 * The noise settings form (`/alerts/settings`): the fields as typed, the body they make, and the
 * errors beside each field — checked with the protocol's schema before sending and read back from
 * the server's 400. The limits quoted to the user are the schema's own, so they cannot drift.
 */

export interface SettingsForm {
  cooldown: Duration;
  /** notifications per resource per hour */
  cap: string;
  groupWindow: Duration;
  /** state changes that make an alert flapping */
  flapChanges: string;
  flapWindow: Duration;
  quietEnabled: boolean;
  /** "HH:MM", as an <input type="time"> gives it */
  quietStart: string;
  quietEnd: string;
  timezone: string;
}

export type SettingsField = keyof SettingsForm;

/** Units each duration offers: the group window is at most 10 minutes, the others up to a day. */
export const SETTINGS_UNITS: Record<'cooldown' | 'groupWindow' | 'flapWindow', DurationUnit[]> = {
  cooldown: ['s', 'min', 'h'],
  groupWindow: ['s', 'min'],
  flapWindow: ['s', 'min', 'h'],
};

/** Seconds in the largest of `units` that holds them whole: 300 → 5 min, 45 → 45 s. */
export function durationIn(seconds: number, units: readonly DurationUnit[]): Duration {
  const big = [...units].sort((a, b) => UNIT_SECONDS[b] - UNIT_SECONDS[a]);
  for (const unit of big) if (seconds > 0 && seconds % UNIT_SECONDS[unit] === 0) return { n: String(seconds / UNIT_SECONDS[unit]), unit };
  return { n: String(seconds), unit: units.includes('s') ? 's' : big[big.length - 1]! };
}

export function settingsFormOf(s: AlertSettings): SettingsForm {
  return {
    cooldown: durationIn(s.cooldownS, SETTINGS_UNITS.cooldown),
    cap: String(s.perResourceHourlyCap),
    groupWindow: durationIn(s.groupWindowS, SETTINGS_UNITS.groupWindow),
    flapChanges: String(s.flapChanges),
    flapWindow: durationIn(s.flapWindowS, SETTINGS_UNITS.flapWindow),
    quietEnabled: s.quietHours.enabled,
    quietStart: s.quietHours.start,
    quietEnd: s.quietHours.end,
    timezone: s.quietHours.timezone,
  };
}

export const defaultSettingsForm = (): SettingsForm => settingsFormOf(AlertSettings.parse({}));

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const seconds = (d: Duration) => num(d.n) * UNIT_SECONDS[d.unit];

/** The PUT body. Blank or non-numeric fields become NaN, which the schema refuses. */
export function settingsBodyOf(f: SettingsForm): AlertSettings {
  return {
    cooldownS: seconds(f.cooldown),
    perResourceHourlyCap: num(f.cap),
    groupWindowS: seconds(f.groupWindow),
    flapChanges: num(f.flapChanges),
    flapWindowS: seconds(f.flapWindow),
    quietHours: { enabled: f.quietEnabled, start: f.quietStart, end: f.quietEnd, timezone: f.timezone },
  };
}

/** Body key → form field. */
const FIELD_OF: Record<string, SettingsField> = {
  cooldownS: 'cooldown', perResourceHourlyCap: 'cap', groupWindowS: 'groupWindow', flapChanges: 'flapChanges', flapWindowS: 'flapWindow',
  enabled: 'quietEnabled', start: 'quietStart', end: 'quietEnd', timezone: 'timezone',
};

/** The form field a body path names (`quietHours.start` → quietStart); undefined for the form as a whole. */
export function settingsFieldOf(path: readonly (string | number)[]): SettingsField | undefined {
  const key = path[0] === 'quietHours' ? path[1] : path[0];
  return typeof key === 'string' ? FIELD_OF[key] : undefined;
}

type NumberKey = 'cooldownS' | 'perResourceHourlyCap' | 'groupWindowS' | 'flapChanges' | 'flapWindowS';
/** [min, max] of a number in the schema. */
export function limitsOf(key: NumberKey): [number, number] {
  const n = AlertSettings.shape[key].unwrap();
  return [n.minValue ?? 0, n.maxValue ?? Number.MAX_SAFE_INTEGER];
}

/** 90 → "90 s", 600 → "10 min", 86400 → "24 h". */
export function secondsText(s: number): string {
  if (s >= 3_600 && s % 3_600 === 0) return `${s / 3_600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

const WHOLE: Record<NumberKey, { field: SettingsField; duration: boolean }> = {
  cooldownS: { field: 'cooldown', duration: true },
  perResourceHourlyCap: { field: 'cap', duration: false },
  groupWindowS: { field: 'groupWindow', duration: true },
  flapChanges: { field: 'flapChanges', duration: false },
  flapWindowS: { field: 'flapWindow', duration: true },
};

/** Whether Intl takes the zone (aliases like Etc/UTC included, which supportedValuesOf leaves out). */
export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const isClock = (hhmm: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(hhmm);

/** Every problem the form has, by field; empty when it can be sent. */
export function validateSettings(f: SettingsForm): FieldErrors {
  const errors: FieldErrors = {};
  const body = settingsBodyOf(f);
  for (const [key, { field, duration }] of Object.entries(WHOLE) as [NumberKey, (typeof WHOLE)[NumberKey]][]) {
    const v = body[key];
    const [min, max] = limitsOf(key);
    const range = duration ? `between ${secondsText(min)} and ${secondsText(max)}` : `a whole number from ${min} to ${max}`;
    if (!Number.isFinite(v)) errors[field] = duration ? `A duration ${range}.` : `Must be ${range}.`;
    else if (!Number.isInteger(v)) errors[field] = duration ? 'Whole seconds only.' : `Must be ${range}.`;
    else if (v < min || v > max) errors[field] = `Must be ${range}.`;
  }
  if (!isClock(f.quietStart)) errors['quietStart'] = 'A time of day, e.g. 22:00.';
  if (!isClock(f.quietEnd)) errors['quietEnd'] = 'A time of day, e.g. 07:00.';
  else if (f.quietEnabled && f.quietStart === f.quietEnd) errors['quietEnd'] = 'Start and end are the same, so quiet hours would never begin.';
  if (!f.timezone) errors['timezone'] = 'Pick a time zone.';
  else if (!isKnownZone(f.timezone)) errors['timezone'] = `"${f.timezone}" is not a time zone this browser knows; pick one from the list.`;

  // The schema has the last word: whatever it refuses that the checks above let through.
  const parsed = AlertSettings.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = settingsFieldOf(issue.path as (string | number)[]) ?? 'form';
      errors[field] ??= issue.message;
    }
  }
  return errors;
}

/**
 * A 400 from the server as field errors. `validation.failed` lists problems as `body.<path>: <message>`
 * joined by "; " (packages/server/src/api/errors.ts); what names no field is kept for the form.
 */
export function settingsServerErrors(message: string): FieldErrors {
  const errors: FieldErrors = {};
  const rest: string[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = /^(?:body\.?)?([A-Za-z][\w.]*):\s*(.+)$/.exec(part.trim());
    const field = m ? settingsFieldOf(m[1]!.split('.')) : undefined;
    if (field) errors[field] ??= sentence(m![2]!);
    else if (part.trim()) rest.push(part.trim());
  }
  if (rest.length) errors['form'] = rest.join(' ');
  return errors;
}

function sentence(message: string): string {
  const m = message.trim();
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** The IANA zones to choose from: the browser's list, with UTC and the current value always in it. */
export function timeZones(current?: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Older engines have no supportedValuesOf; UTC and the stored zone still make a valid choice.
  }
  const all = new Set(['UTC', ...zones]);
  if (current) all.add(current);
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

/** "Europe/Berlin (UTC+01:00)" at `at`, for the select. */
export function zoneLabel(zone: string, at = Date.now()): string {
  try {
    const part = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    const offset = part?.value === 'GMT' ? 'UTC' : part?.value.replace('GMT', 'UTC');
    return offset && zone !== 'UTC' ? `${zone.replace(/_/g, ' ')} (${offset})` : zone.replace(/_/g, ' ');
  } catch {
    return zone;
  }
}
