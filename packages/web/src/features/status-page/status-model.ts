import { isObject, readNumber, readObjects, readString, type JsonObject } from '../../lib/read-json';

/*
 * What `GET /api/public/status/:slug` answers, read tolerantly: the contract names what it carries
 * (the page's monitors with name, state, uptime, response time if shown, incidents if shown) but not
 * its exact shape, so each part is looked for under the names a server is likely to use.
 */

export type PublicState = 'up' | 'down' | 'pending' | 'paused' | 'maintenance' | 'unknown';

export interface DayBar {
  /** start of the day, ms */
  day: number;
  /** percent, or undefined for no data */
  uptime?: number;
  /** minutes down that day, when the server says */
  downMinutes?: number;
}

export interface PublicMonitor {
  name: string;
  state: PublicState;
  uptime: { '24h'?: number; '7d'?: number; '30d'?: number; '90d'?: number };
  responseMs?: number;
  days: DayBar[];
}

export interface PublicGroup {
  name: string;
  monitors: PublicMonitor[];
}

export interface PublicIncident {
  monitor?: string;
  startedAt: number;
  endedAt: number | null;
  message: string;
}

export interface PublicMaintenance {
  title: string;
  startsAt: number;
  endsAt: number;
  active: boolean;
}

export interface PublicStatus {
  title: string;
  /** the server's own verdict, when it sends one */
  overall?: Overall;
  description?: string;
  logoUrl?: string;
  footer?: string;
  showIncidents: boolean;
  showResponseTimes: boolean;
  groups: PublicGroup[];
  incidents: PublicIncident[];
  maintenance: PublicMaintenance[];
  updatedAt?: number;
}

const STATES: PublicState[] = ['up', 'down', 'pending', 'paused', 'maintenance', 'unknown'];
const readState = (v: unknown): PublicState => {
  if (typeof v === 'string' && (STATES as string[]).includes(v)) return v as PublicState;
  if (v === 'online' || v === 'operational') return 'up';
  if (v === 'offline') return 'down';
  if (v === 'degraded') return 'pending';
  return 'unknown';
};

const DAY = 86_400_000;

function readDay(o: JsonObject): DayBar | undefined {
  const raw = o['day'] ?? o['date'] ?? o['t'] ?? o['at'];
  const day = typeof raw === 'string' ? Date.parse(raw.length === 10 ? `${raw}T00:00:00` : raw) : readNumber(raw);
  if (day === undefined || Number.isNaN(day)) return undefined;
  const up = readNumber(o['uptime'] ?? o['percent'] ?? o['up'] ?? o['v']);
  return { day, uptime: up === undefined ? undefined : up <= 1 && (o['up'] !== undefined || o['v'] !== undefined) ? up * 100 : up, downMinutes: readNumber(o['downMinutes'] ?? o['down']) };
}

function readUptime(m: JsonObject): PublicMonitor['uptime'] {
  const u = isObject(m['uptime']) ? m['uptime'] : {};
  const pick = (...keys: string[]) => keys.map((k) => readNumber(u[k] ?? m[k])).find((v) => v !== undefined);
  return { '24h': pick('24h', 'uptime24h'), '7d': pick('7d', 'uptime7d'), '30d': pick('30d', 'uptime30d'), '90d': pick('90d', 'uptime90d') };
}

function readMonitor(m: JsonObject): PublicMonitor {
  const days = readObjects(m['days'] ?? m['daily'] ?? m['history'] ?? m['bars'])
    .map(readDay)
    .filter((d): d is DayBar => d !== undefined)
    .sort((a, b) => a.day - b.day);
  return {
    name: readString(m['name']) ?? 'Monitor',
    state: readState(m['state'] ?? m['status']),
    uptime: readUptime(m),
    responseMs: readNumber(m['responseTime'] ?? m['responseMs'] ?? m['rt'] ?? m['avgResponseMs']),
    days,
  };
}

export function readPublicStatus(v: unknown): PublicStatus | undefined {
  const root = isObject(v) && isObject(v['page']) ? { ...v['page'], ...v, page: undefined } : v;
  if (!isObject(root)) return undefined;
  const title = readString(root['title']);
  if (!title) return undefined;
  let groups = readObjects(root['groups']).map((g) => ({ name: readString(g['name']) ?? '', monitors: readObjects(g['monitors']).map(readMonitor) }));
  if (!groups.length && Array.isArray(root['monitors'])) groups = [{ name: '', monitors: readObjects(root['monitors']).map(readMonitor) }];
  const incidents = readObjects(root['incidents'])
    .map((i): PublicIncident | undefined => {
      const startedAt = readNumber(i['startedAt']);
      if (startedAt === undefined) return undefined;
      const reason = isObject(i['reason']) ? i['reason'] : {};
      return {
        monitor: readString(i['monitorName'] ?? i['monitor'] ?? i['name']),
        startedAt,
        endedAt: readNumber(i['endedAt']) ?? null,
        message: readString(i['reason']) ?? readString(reason['message']) ?? readString(i['message']) ?? readString(reason['code']) ?? 'Outage',
      };
    })
    .filter((i): i is PublicIncident => i !== undefined)
    .sort((a, b) => b.startedAt - a.startedAt);
  const maintenance = readObjects(root['maintenance'] ?? root['maintenanceWindows'])
    .map((w): PublicMaintenance | undefined => {
      const startsAt = readNumber(w['startsAt'] ?? w['from']);
      const endsAt = readNumber(w['endsAt'] ?? w['to']);
      if (startsAt === undefined || endsAt === undefined) return undefined;
      return { title: readString(w['title']) ?? 'Maintenance', startsAt, endsAt, active: w['active'] === true || (Date.now() >= startsAt && Date.now() < endsAt) };
    })
    .filter((w): w is PublicMaintenance => w !== undefined);
  const overall = readString(root['overall']);
  return {
    title,
    overall: overall === 'outage' ? 'major' : (['operational', 'degraded', 'partial', 'major', 'maintenance'] as string[]).includes(overall ?? '') ? (overall as Overall) : undefined,
    description: readString(root['description']),
    logoUrl: readString(root['logoUrl']),
    footer: readString(root['footer']),
    showIncidents: root['showIncidents'] !== false,
    showResponseTimes: root['showResponseTimes'] !== false,
    groups,
    incidents,
    maintenance,
    updatedAt: readNumber(root['updatedAt'] ?? root['generatedAt']),
  };
}

export type Overall = 'operational' | 'degraded' | 'partial' | 'major' | 'maintenance' | 'unknown';

/**
 * The banner at the top: everything up, some retrying, some down, all down, or in maintenance. The
 * server's verdict wins; its "degraded" with monitors down reads as the partial outage it is.
 */
export function overallOf(groups: readonly PublicGroup[], server?: Overall): Overall {
  const all = groups.flatMap((g) => g.monitors);
  if (server) return server === 'degraded' && all.some((m) => m.state === 'down') ? 'partial' : server;
  const judged = all.filter((m) => m.state !== 'paused');
  if (!judged.length) return 'unknown';
  const down = judged.filter((m) => m.state === 'down').length;
  if (down > 0) return down === judged.filter((m) => m.state === 'up' || m.state === 'down' || m.state === 'pending').length ? 'major' : 'partial';
  if (judged.some((m) => m.state === 'pending')) return 'degraded';
  if (judged.some((m) => m.state === 'maintenance')) return 'maintenance';
  if (judged.every((m) => m.state === 'unknown')) return 'unknown';
  return 'operational';
}

export const overallText: Record<Overall, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  partial: 'Partial outage',
  major: 'Major outage',
  maintenance: 'Under maintenance',
  unknown: 'Status unknown',
};

/**
 * The last `n` days, oldest first: the server's days as it cut them (UTC), the newest last, padded
 * at the old end with empty days when it sent fewer (a monitor younger than the strip).
 */
export function lastDays(days: readonly DayBar[], n: number, now: number): DayBar[] {
  const sorted = [...days].sort((a, b) => a.day - b.day).slice(-n);
  const newest = sorted.at(-1)?.day ?? Math.floor(now / DAY) * DAY;
  const first = newest - (n - 1) * DAY;
  const byDay = new Map(sorted.map((d) => [Math.round((d.day - first) / DAY), d]));
  return Array.from({ length: n }, (_, i) => byDay.get(i) ?? { day: first + i * DAY });
}

/** The uptime over the bars that have data, for "99.95% uptime" under the strip when the server sent no 90-day figure. */
export function averageOf(days: readonly DayBar[]): number | undefined {
  const known = days.filter((d) => d.uptime !== undefined);
  return known.length ? known.reduce((s, d) => s + d.uptime!, 0) / known.length : undefined;
}
