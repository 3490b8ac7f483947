import { z } from 'zod';
import { ResourceType } from './resource.js';

/*
 * Alerts and notifications (issue 8): rules, overrides, alert instances, channels and what goes out.
 * One schema per wire type; the engine, the API, the web and the notifications queue share them.
 */

export const severities = ['info', 'warning', 'critical'] as const;
export const Severity = z.enum(severities);
export type Severity = z.infer<typeof Severity>;

/** Which resources a rule (or override) is about; all given parts must match; empty = everything. */
export const AlertTarget = z.object({
  types: z.array(ResourceType).max(20).default([]),
  tags: z.array(z.string().min(1).max(50)).max(20).default([]),
  resourceIds: z.array(z.string().min(1).max(300)).max(1000).default([]),
});
export type AlertTarget = z.infer<typeof AlertTarget>;

export const AlertCondition = z.discriminatedUnion('kind', [
  /** metric above (op '>') or below ('<') `trigger`, clearing only past `clear` (hysteresis) */
  z.object({ kind: z.literal('threshold'), metric: z.string().min(1).max(100), op: z.enum(['>', '<']), trigger: z.number(), clear: z.number() }),
  /** the resource's status is one of these (e.g. offline) */
  z.object({ kind: z.literal('status'), statuses: z.array(z.enum(['offline', 'degraded', 'unknown'])).min(1) }),
  /** a detail equals one of the values (e.g. health = unhealthy, oomKilled = true, lastBackup.status = failed) */
  z.object({ kind: z.literal('detail'), path: z.string().min(1).max(200), values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }),
  /** a timestamp metric or detail (ms) older than `maxAgeS` (e.g. backup.last), or absent when `missingFires` */
  z.object({ kind: z.literal('age'), path: z.string().min(1).max(200), maxAgeS: z.number().int().positive(), missingFires: z.boolean().default(false) }),
  /** a counter metric grew by at least `increase` within `windowS` (e.g. restarts: a restart loop) */
  z.object({ kind: z.literal('increase'), metric: z.string().min(1).max(100), increase: z.number().positive(), windowS: z.number().int().positive() }),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;

export const AlertRuleInput = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  severity: Severity.default('warning'),
  target: AlertTarget.prefault({}),
  condition: AlertCondition,
  /** the condition must hold this long before the alert fires (pending until then) */
  forS: z.number().int().min(0).max(86_400).default(0),
  /** channel ids; empty = the default routing (by severity and tag) */
  channels: z.array(z.string()).max(50).default([]),
  /** remind while still firing and unacknowledged; 0 = never */
  renotifyS: z.number().int().min(0).max(7 * 86_400).default(0),
  /** unacknowledged this long → also notify `escalateTo` */
  escalateAfterS: z.number().int().min(0).max(7 * 86_400).default(0),
  escalateTo: z.array(z.string()).max(50).default([]),
});
export type AlertRuleInput = z.infer<typeof AlertRuleInput>;
export const AlertRule = AlertRuleInput.extend({ id: z.string(), builtIn: z.boolean(), createdAt: z.number(), updatedAt: z.number() });
export type AlertRule = z.infer<typeof AlertRule>;

/** Per resource, tag or type: silence, monitor-only (record, never notify), or other thresholds for a rule. */
export const AlertOverrideInput = z.object({
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('resource'), resourceId: z.string().min(1).max(300) }),
    z.object({ kind: z.literal('tag'), tag: z.string().min(1).max(50) }),
    z.object({ kind: z.literal('type'), type: ResourceType }),
  ]),
  /** a rule id, or absent for every rule */
  ruleId: z.string().optional(),
  mode: z.enum(['no-alerts', 'monitor-only', 'threshold']),
  trigger: z.number().optional(),
  clear: z.number().optional(),
}).refine((o) => o.mode !== 'threshold' || (o.trigger !== undefined && o.clear !== undefined && o.ruleId !== undefined), {
  message: 'a threshold override needs ruleId, trigger and clear', path: ['trigger'],
});
export type AlertOverrideInput = z.infer<typeof AlertOverrideInput>;

export const alertStates = ['pending', 'firing', 'acknowledged', 'resolved'] as const;
export const AlertState = z.enum(alertStates);
export type AlertState = z.infer<typeof AlertState>;

export const Alert = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  severity: Severity,
  state: AlertState,
  /** what it is about, in words: "CPU 97 % (trigger 90 %)" */
  message: z.string(),
  value: z.number().optional(),
  pendingSince: z.number(),
  firedAt: z.number().optional(),
  acknowledgedAt: z.number().optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: z.number().optional(),
  snoozedUntil: z.number().optional(),
  /** notifications held: monitor-only, quiet hours, flapping, or a parent that is down */
  held: z.enum(['monitor-only', 'quiet-hours', 'flapping', 'dependency', 'cap', 'snoozed']).optional(),
  /** the alert of the resource this one depends on, when held for `dependency` */
  parentAlertId: z.string().optional(),
  flapping: z.boolean().default(false),
});
export type Alert = z.infer<typeof Alert>;

/** Global noise control; rules carry their own for-duration, renotify and escalation. */
export const AlertSettings = z.object({
  /** least time between two notifications about one alert */
  cooldownS: z.number().int().min(0).max(86_400).default(300),
  /** most notifications per resource per hour; past it they are held and counted */
  perResourceHourlyCap: z.number().int().min(1).max(1000).default(10),
  /** alerts firing within this window are sent as one message per group (parent or rule) */
  groupWindowS: z.number().int().min(0).max(600).default(30),
  /** this many state changes within flapWindowS make an alert flapping (held until stable for flapWindowS) */
  flapChanges: z.number().int().min(2).max(100).default(5),
  flapWindowS: z.number().int().min(60).max(86_400).default(1800),
  quietHours: z.object({
    enabled: z.boolean().default(false),
    /** "22:00"–"07:00" local time in `timezone`; only `critical` gets through, the rest is sent after */
    start: z.string().regex(/^\d{2}:\d{2}$/).default('22:00'),
    end: z.string().regex(/^\d{2}:\d{2}$/).default('07:00'),
    timezone: z.string().max(64).default('UTC'),
  }).prefault({}),
});
export type AlertSettings = z.infer<typeof AlertSettings>;

export const channelTypes = ['email', 'webhook', 'slack', 'discord', 'teams', 'telegram', 'ntfy', 'gotify', 'pushover', 'matrix', 'pagerduty', 'opsgenie'] as const;
export const ChannelType = z.enum(channelTypes);
export type ChannelType = z.infer<typeof ChannelType>;

export const ChannelInput = z.object({
  name: z.string().trim().min(1).max(100),
  type: ChannelType,
  enabled: z.boolean().default(true),
  /** type-specific settings (URL, token, SMTP server...); secrets in it are encrypted at rest and masked in answers */
  config: z.record(z.string(), z.unknown()),
  /** default routing: channels with no explicit rule list receive alerts of at least this severity and, if given, these tags */
  minSeverity: Severity.default('warning'),
  tags: z.array(z.string()).max(20).default([]),
  sendResolved: z.boolean().default(true),
});
export type ChannelInput = z.infer<typeof ChannelInput>;

/** One message for one cause: what the engine hands the delivery queue. */
export const Notification = z.object({
  /** stable per (alert group, event): receivers drop duplicates by it */
  id: z.string(),
  kind: z.enum(['firing', 'resolved', 'reminder', 'escalation', 'test']),
  severity: Severity,
  title: z.string(),
  summary: z.string(),
  at: z.number(),
  alerts: z.array(Alert).min(1),
  /** alerts of dependants held under this one ("and 29 containers on it") */
  suppressed: z.array(z.object({ resourceId: z.string(), resourceName: z.string(), ruleName: z.string() })).default([]),
  /** link to the alert in the dashboard, when the public URL is configured */
  url: z.string().optional(),
});
export type Notification = z.infer<typeof Notification>;
