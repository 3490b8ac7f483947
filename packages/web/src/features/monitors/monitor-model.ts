import type { CheckResult, MonitorInput, MonitorState, MonitorType, Resource } from '@pulse/protocol';
import { monitorStates, monitorTypes } from '@pulse/protocol';
import { isObject, readNumber, readString } from '../../lib/read-json';
import type { Tone } from '../../ui/tone';

/*
 * What the uptime pages know about one monitor, from the two places it comes from
 * (packages/server/src/monitors/CONTRACT.md): the live resource `monitor:<id>` (state, reason,
 * latest figures, pushed over the socket) and the monitors API (the definition, uptime 24 h).
 */

export const RESOURCE_PREFIX = 'monitor:';

export const resourceIdOf = (monitorId: string) => `${RESOURCE_PREFIX}${monitorId}`;
export const monitorIdOf = (resourceId: string) => (resourceId.startsWith(RESOURCE_PREFIX) ? resourceId.slice(RESOURCE_PREFIX.length) : resourceId);
export const monitorHref = (monitorId: string) => `/uptime/${encodeURIComponent(monitorId)}`;

export interface Reason {
  code: string;
  message: string;
  phase?: string;
}

/** A stored monitor as `GET /api/monitors` shows it: secrets masked, with its current state. */
export type MonitorView = MonitorInput & {
  id: string;
  createdAt: number;
  updatedAt: number;
  state: MonitorState;
  lastCheckAt?: number;
  reason?: Reason | null;
  uptime24h?: number | null;
  pushUrl?: string;
};

export const stateTone: Record<MonitorState, Tone> = { up: 'ok', down: 'crit', pending: 'warn', paused: 'unknown', maintenance: 'accent', unknown: 'unknown' };
export const stateLabel: Record<MonitorState, string> = { up: 'Up', down: 'Down', pending: 'Pending', paused: 'Paused', maintenance: 'Maintenance', unknown: 'Unknown' };
export const typeLabel: Record<MonitorType, string> = { http: 'HTTP', tcp: 'TCP', dns: 'DNS', ping: 'Ping', push: 'Push' };

const isState = (v: unknown): v is MonitorState => typeof v === 'string' && (monitorStates as readonly string[]).includes(v);
const isType = (v: unknown): v is MonitorType => typeof v === 'string' && (monitorTypes as readonly string[]).includes(v);

/** The state a resource's status stands for when its details carry none (the contract's mapping, reversed). */
const fromStatus: Record<Resource['status'], MonitorState> = { online: 'up', offline: 'down', degraded: 'pending', unknown: 'unknown' };

function readReason(v: unknown): Reason | undefined {
  if (!isObject(v)) return undefined;
  const code = readString(v['code']);
  const message = readString(v['message']);
  if (!code && !message) return undefined;
  return { code: code ?? '', message: message ?? '', phase: readString(v['phase']) };
}

export interface TlsFacts {
  protocol?: string;
  cipher?: string;
  issuer?: string;
  subject?: string;
  validTo?: number;
  daysLeft?: number;
}

function readTls(v: unknown, certDays: number | undefined): TlsFacts | undefined {
  if (!isObject(v)) return certDays === undefined ? undefined : { daysLeft: certDays };
  const cert = isObject(v['certificate']) ? v['certificate'] : {};
  return {
    protocol: readString(v['protocol']),
    cipher: readString(v['cipher']),
    issuer: readString(cert['issuer']),
    subject: readString(cert['subject']),
    validTo: readNumber(cert['validTo']),
    daysLeft: readNumber(cert['daysLeft']) ?? certDays,
  };
}

/** One monitor's live figures, read from its resource. */
export interface MonitorLive {
  id: string;
  name: string;
  type?: MonitorType;
  target?: string;
  state: MonitorState;
  reason?: Reason;
  warning?: Reason;
  lastCheckAt?: number;
  ip?: string;
  tls?: TlsFacts;
  intervalS?: number;
  group?: string;
  reused?: boolean;
  worker?: string;
  /** total response time of the last check, ms */
  rt?: number;
  httpStatus?: number;
}

export function monitorLive(r: Resource): MonitorLive {
  const d = r.details;
  const num = (k: string) => readNumber(r.metrics[k]);
  const state = isState(d['state']) ? d['state'] : fromStatus[r.status];
  return {
    id: monitorIdOf(r.id),
    name: r.name,
    type: isType(d['monitorType']) ? d['monitorType'] : undefined,
    target: readString(d['target']),
    state,
    reason: readReason(d['reason']),
    warning: readReason(d['warning']),
    lastCheckAt: readNumber(d['lastCheckAt']) ?? (r.lastSeen > 1e12 ? r.lastSeen : undefined),
    ip: readString(d['ip']),
    tls: readTls(d['tls'], num('cert.days')),
    intervalS: readNumber(d['interval']),
    group: readString(d['group']),
    reused: d['reused'] === true,
    worker: readString(d['worker']),
    rt: num('rt'),
    httpStatus: num('http.status'),
  };
}

/** Where a monitor points, in one line: the URL, host:port, the name resolved, or "push". */
export function targetOf(m: MonitorInput): string {
  switch (m.type) {
    case 'http':
      return m.url;
    case 'tcp':
      return `${m.host}:${m.port}`;
    case 'dns':
      return `${m.hostname} (${m.recordType ?? 'A'})`;
    case 'ping':
      return m.host;
    case 'push':
      return 'push';
  }
}

/** One row of the monitors list: the definition where the API has it, live figures over it. */
export interface MonitorRow {
  id: string;
  name: string;
  type?: MonitorType;
  target: string;
  state: MonitorState;
  reason?: Reason;
  group?: string;
  lastCheckAt?: number;
  rt?: number;
  uptime24h?: number;
  intervalS?: number;
  tags: string[];
}

/**
 * The list's rows: every monitor either source knows (one just created has no resource yet; without
 * the API only resources are there). Live state wins, except that the API knows a pause first.
 */
export function mergeRows(resources: readonly Resource[], views: readonly MonitorView[] | undefined): MonitorRow[] {
  const byId = new Map<string, MonitorRow>();
  for (const r of resources) {
    if (r.type !== 'monitor') continue;
    const l = monitorLive(r);
    byId.set(l.id, { id: l.id, name: l.name, type: l.type, target: l.target ?? '', state: l.state, reason: l.reason, group: l.group, lastCheckAt: l.lastCheckAt, rt: l.rt, intervalS: l.intervalS, tags: r.tags });
  }
  for (const v of views ?? []) {
    const live = byId.get(v.id);
    const paused = v.enabled === false || v.state === 'paused';
    byId.set(v.id, {
      id: v.id,
      name: v.name,
      type: v.type,
      target: targetOf(v),
      state: paused ? 'paused' : (live?.state ?? v.state),
      reason: live ? live.reason : (v.reason ?? undefined),
      group: v.group ?? live?.group,
      lastCheckAt: live?.lastCheckAt ?? v.lastCheckAt,
      rt: live?.rt,
      uptime24h: typeof v.uptime24h === 'number' ? v.uptime24h : undefined,
      intervalS: v.intervalS,
      tags: v.tags ?? live?.tags ?? [],
    });
  }
  return [...byId.values()];
}

const TIMEOUT_PHASE: Record<string, string> = {
  dns: 'the DNS answer',
  connect: 'the connection',
  tls: 'the TLS handshake',
  ttfb: 'the first byte',
  download: 'the rest of the body',
  total: 'the check to finish',
};

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;

/**
 * Why a monitor is down, in one sentence: the server's message when it sent one, else one built from
 * the reason code ("Timed out waiting for the first byte after 10 s").
 */
export function reasonText(reason: Reason | undefined, timeoutMs?: number): string | undefined {
  if (!reason) return undefined;
  if (reason.message) return reason.message.charAt(0).toUpperCase() + reason.message.slice(1);
  const [family, detail] = reason.code.split('.');
  if (family === 'timeout' && detail) {
    const what = TIMEOUT_PHASE[detail] ?? detail;
    return `Timed out waiting for ${what}${timeoutMs ? ` after ${seconds(timeoutMs)}` : ''}`;
  }
  const known: Record<string, string> = {
    'dns.not_found': 'The name does not resolve',
    'dns.timeout': 'The DNS server did not answer',
    'dns.unexpected': 'The DNS answer is not the expected one',
    'tcp.refused': 'Connection refused',
    'tcp.unreachable': 'Host unreachable',
    'tcp.reset': 'Connection reset',
    'tls.expired': 'The certificate has expired',
    'tls.untrusted': 'The certificate is not trusted',
    'tls.hostname': 'The certificate does not match the host name',
    'tls.failed': 'The TLS handshake failed',
    'http.status': 'Unexpected HTTP status',
    'http.too_many_redirects': 'Too many redirects',
    'http.keyword': 'The keyword is missing from the page',
    'http.keyword_present': 'The keyword is on the page',
    'json.invalid': 'The answer is not JSON',
    'json.assertion': 'A JSON assertion failed',
    'ping.loss': 'No answer to ping',
    'ping.unavailable': 'Ping is not available on the server',
    'push.missing': 'No push arrived in time',
    'push.down': 'The last push reported down',
    'tls.expires_soon': 'The certificate expires soon',
  };
  return known[reason.code] ?? reason.code;
}

/** "99.98%", with more digits the closer it is to 100 so 99.95 and 99.999 read apart. */
export function formatUptime(percent: number | null | undefined): string {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) return '—';
  if (percent >= 100) return '100%';
  if (percent >= 99.9) return `${(Math.floor(percent * 1000) / 1000).toFixed(3).replace(/0+$/, '')}%`;
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
}

/** Uptime colour: green from 99.9, amber from 99, red below. */
export function uptimeTone(percent: number | null | undefined): Tone {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) return 'unknown';
  if (percent >= 99.9) return 'ok';
  if (percent >= 99) return 'warn';
  return 'crit';
}

/** "184 ms", "1.24 s" */
export function formatMs(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1).replace(/\.0$/, '')} ms`;
  return `${ms.toFixed(2).replace(/\.?0+$/, '')} ms`;
}

/** "every 60 s", "every 5 min" */
export function formatInterval(s: number | undefined): string {
  if (s === undefined) return '—';
  if (s % 3600 === 0) return `every ${s / 3600} h`;
  if (s % 60 === 0) return `every ${s / 60} min`;
  return `every ${s} s`;
}

/** The response time of a result in ms. */
export const resultMs = (r: CheckResult) => r.timings.totalUs / 1000;
