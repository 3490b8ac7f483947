import { z } from 'zod';

/*
 * Uptime monitors (issue 7): what a monitor is (input and stored form), what one check found, and
 * the incidents, maintenance windows and status pages around them. One schema per wire type; the
 * server validates every body with these, the web and the monitors file use the same.
 */

export const monitorTypes = ['http', 'tcp', 'dns', 'ping', 'push'] as const;
export const MonitorType = z.enum(monitorTypes);
export type MonitorType = z.infer<typeof MonitorType>;

export const dnsRecordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'PTR', 'CAA'] as const;

export const MONITOR_LIMITS = {
  intervalS: { min: 1, max: 86_400 },
  timeoutMs: { min: 100, max: 120_000 },
  retries: { max: 10 },
  maxBodyBytes: { default: 1024 * 1024, max: 16 * 1024 * 1024 },
  headers: { max: 50 },
} as const;

const name = z.string().trim().min(1).max(200);
const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9._:\-[\]]+$/, 'a hostname or IP address');
/** "200-299", "301", "2xx": accepted HTTP status codes */
const statusRange = z.string().regex(/^([1-5]\d\d(-[1-5]\d\d)?|[1-5]xx)$/, 'a status code, a range like 200-299, or 2xx');

const Common = {
  name,
  description: z.string().max(2000).optional(),
  /** seconds between checks (drift-free: from the scheduled time, not the end of the last check) */
  intervalS: z.number().int().min(MONITOR_LIMITS.intervalS.min).max(MONITOR_LIMITS.intervalS.max).default(60),
  /** per check; must be shorter than the interval */
  timeoutMs: z.number().int().min(MONITOR_LIMITS.timeoutMs.min).max(MONITOR_LIMITS.timeoutMs.max).default(10_000),
  /** failed checks retried this many times (state `pending`) before the monitor is down */
  retries: z.number().int().min(0).max(MONITOR_LIMITS.retries.max).default(1),
  retryIntervalS: z.number().int().min(1).max(3600).default(20),
  enabled: z.boolean().default(true),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  group: z.string().trim().min(1).max(100).optional(),
};

export const JsonPathAssertion = z.object({
  /** dotted path with [index], e.g. `status`, `checks[0].ok`, `data.items.length` */
  path: z.string().min(1).max(500),
  op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'contains', 'exists']),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
export type JsonPathAssertion = z.infer<typeof JsonPathAssertion>;

export const HttpMonitorInput = z.object({
  ...Common,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), z.string().max(8192)).default({}),
  body: z.string().max(64 * 1024).optional(),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('basic'), username: z.string().max(200), password: z.string().max(1000) }),
    z.object({ kind: z.literal('bearer'), token: z.string().min(1).max(4000) }),
  ]).optional(),
  acceptedStatus: z.array(statusRange).min(1).default(['200-299']),
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  keyword: z.object({ value: z.string().min(1).max(1000), invert: z.boolean().default(false), caseSensitive: z.boolean().default(false) }).optional(),
  jsonPath: z.array(JsonPathAssertion).max(20).default([]),
  verifyTls: z.boolean().default(true),
  /** warn (state stays up, result says so) when the certificate expires within this many days; 0 = never */
  certExpiryDays: z.number().int().min(0).max(365).default(14),
  /** reuse connections between checks (then DNS/connect/TLS are 0 on reuse, labelled in results) */
  keepAlive: z.boolean().default(false),
  ipFamily: z.union([z.literal(4), z.literal(6)]).optional(),
  maxBodyBytes: z.number().int().min(0).max(MONITOR_LIMITS.maxBodyBytes.max).default(MONITOR_LIMITS.maxBodyBytes.default),
});

export const TcpMonitorInput = z.object({ ...Common, type: z.literal('tcp'), host, port: z.number().int().min(1).max(65535) });

export const DnsMonitorInput = z.object({
  ...Common,
  type: z.literal('dns'),
  /** the name to resolve */
  hostname: host,
  recordType: z.enum(dnsRecordTypes).default('A'),
  /** `ip` or `ip:port`; the system resolver when absent */
  resolver: z.string().regex(/^(\[[0-9A-Fa-f:]+\]|[0-9.]+|[0-9A-Fa-f:]+)(:\d{1,5})?$/, 'an IP address, optionally with :port').optional(),
  /** up only when the answer contains every one of these (compared as text, case-insensitive) */
  expected: z.array(z.string().min(1).max(500)).max(20).default([]),
});

export const PingMonitorInput = z.object({ ...Common, type: z.literal('ping'), host, count: z.number().int().min(1).max(10).default(1) });

export const PushMonitorInput = z.object({
  ...Common,
  type: z.literal('push'),
  /** down when no push arrived for intervalS + graceS */
  graceS: z.number().int().min(0).max(86_400).default(0),
});

export const MonitorInput = z.discriminatedUnion('type', [HttpMonitorInput, TcpMonitorInput, DnsMonitorInput, PingMonitorInput, PushMonitorInput]);
export type MonitorInput = z.infer<typeof MonitorInput>;
/** What a client sends (defaults not yet applied). */
export type MonitorInputBody = z.input<typeof MonitorInput>;

export const monitorStates = ['up', 'down', 'pending', 'paused', 'maintenance', 'unknown'] as const;
export const MonitorState = z.enum(monitorStates);
export type MonitorState = z.infer<typeof MonitorState>;

/** µs per phase of one HTTP(S) check; absent phases did not happen (e.g. no TLS, reused connection). */
export const CheckTimings = z.object({
  dnsUs: z.number().int().nonnegative().optional(),
  connectUs: z.number().int().nonnegative().optional(),
  tlsUs: z.number().int().nonnegative().optional(),
  ttfbUs: z.number().int().nonnegative().optional(),
  downloadUs: z.number().int().nonnegative().optional(),
  totalUs: z.number().int().nonnegative(),
});
export type CheckTimings = z.infer<typeof CheckTimings>;

export const checkPhases = ['dns', 'connect', 'tls', 'request', 'ttfb', 'download', 'assert'] as const;

export const CertificateInfo = z.object({
  subject: z.string(), issuer: z.string(), validFrom: z.number(), validTo: z.number(), daysLeft: z.number(),
  fingerprint256: z.string(), altNames: z.array(z.string()).optional(),
});

export const CheckResult = z.object({
  monitorId: z.string(),
  /** when the check was due (ms); the schedule's own time, not when it started */
  scheduledAt: z.number(),
  startedAt: z.number(),
  status: z.enum(['up', 'down']),
  /** why it is down (or a warning while up, e.g. a certificate about to expire) */
  reason: z.object({
    /** e.g. dns.not_found, tcp.refused, timeout.connect, tls.expired, http.status, http.keyword, json.assertion, ping.loss */
    code: z.string(),
    message: z.string(),
    phase: z.enum(checkPhases).optional(),
  }).optional(),
  warning: z.object({ code: z.string(), message: z.string() }).optional(),
  timings: CheckTimings,
  /** true when the HTTP check reused a kept-alive connection */
  reused: z.boolean().optional(),
  ip: z.string().optional(),
  httpStatus: z.number().int().optional(),
  tls: z.object({ protocol: z.string().optional(), cipher: z.string().optional(), certificate: CertificateInfo.optional() }).optional(),
  /** DNS answers, ping round trips... small type-specific facts for the detail page */
  facts: z.record(z.string(), z.unknown()).optional(),
  /** 0 for the scheduled check, 1.. for retries */
  attempt: z.number().int().nonnegative().default(0),
  /** which worker ran it (`local` in one process) */
  worker: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const Incident = z.object({
  id: z.string(), monitorId: z.string(), startedAt: z.number(), endedAt: z.number().nullable(),
  reason: z.object({ code: z.string(), message: z.string() }),
});
export type Incident = z.infer<typeof Incident>;

export const MaintenanceWindowInput = z.object({
  title: z.string().trim().min(1).max(200),
  /** monitors it covers; empty = all */
  monitorIds: z.array(z.string()).max(10_000).default([]),
  /** one-off: startsAt/endsAt (ms). Recurring: an RRULE-like weekly/daily rule with a duration */
  startsAt: z.number().int(),
  endsAt: z.number().int(),
  recurrence: z.object({
    freq: z.enum(['daily', 'weekly']),
    /** 0 = Sunday ... 6 = Saturday, for weekly */
    weekdays: z.array(z.number().int().min(0).max(6)).max(7).default([]),
    /** IANA zone the times are meant in, e.g. Europe/Berlin */
    timezone: z.string().max(64).default('UTC'),
    until: z.number().int().optional(),
  }).optional(),
}).refine((w) => w.endsAt > w.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] });
export type MaintenanceWindowInput = z.infer<typeof MaintenanceWindowInput>;

export const StatusPageInput = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** sections shown in order, each a named list of monitors */
  groups: z.array(z.object({ name: z.string().trim().min(1).max(200), monitorIds: z.array(z.string()).max(500) })).max(50),
  logoUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  footer: z.string().max(2000).optional(),
  showIncidents: z.boolean().default(true),
  /** show response time figures publicly */
  showResponseTimes: z.boolean().default(true),
});
export type StatusPageInput = z.infer<typeof StatusPageInput>;
