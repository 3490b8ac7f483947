import type { Resource } from '@pulse/protocol';
import { formatAgo, formatDuration } from '../../lib/format';
import type { Tone } from '../../ui/tone';
import { metric, netRates } from '../infrastructure/model';
import { isObject, readNumber, readString } from '../../lib/read-json';

/*
 * A container as the Workloads list and the container page show it, read from the resource the
 * Docker collector built (agent or remote engine). Every field may be missing: an engine that
 * could not be inspected gives the list entry only.
 */

export type ContainerState = 'running' | 'exited' | 'paused' | 'restarting' | 'dead' | 'created' | 'removing' | 'unknown';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface PortBinding {
  privatePort: number;
  publicPort?: number;
  ip?: string;
  type: string;
}

export interface ContainerFacts {
  image?: string;
  state: ContainerState;
  /** The engine's own words: "Up 5 minutes (healthy)", "Exited (137) 2 hours ago". */
  statusText?: string;
  health: ContainerHealth;
  ports: PortBinding[];
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  oomKilled: boolean;
  /** The engine's error for the container (a failed start). */
  error?: string;
  /** Why Pulse's figures for it are missing or stale. */
  collectError?: string;
  composeProject?: string;
  composeService?: string;
}

const STATES = new Set<string>(['running', 'exited', 'paused', 'restarting', 'dead', 'created', 'removing']);
const HEALTHS = new Set<string>(['healthy', 'unhealthy', 'starting']);

/** Engines report 0001-01-01 for "never"; anything before 2000 is that. */
const when = (v: unknown): number | undefined => {
  const ms = readNumber(v);
  return ms !== undefined && ms > 946_684_800_000 ? ms : undefined;
};

export function containerFactsOf(r: Resource): ContainerFacts {
  const d = r.details;
  const state = readString(d['state']);
  const health = readString(d['health']);
  const ports = Array.isArray(d['ports'])
    ? d['ports'].filter(isObject).flatMap((p): PortBinding[] => {
        const privatePort = readNumber(p['privatePort']);
        if (privatePort === undefined) return [];
        return [{ privatePort, publicPort: readNumber(p['publicPort']), ip: readString(p['ip']), type: readString(p['type']) ?? 'tcp' }];
      })
    : [];
  return {
    image: readString(d['image']),
    state: state && STATES.has(state) ? (state as ContainerState) : 'unknown',
    statusText: readString(d['status']),
    health: health && HEALTHS.has(health) ? (health as ContainerHealth) : 'none',
    ports,
    createdAt: when(d['createdAt']),
    startedAt: when(d['startedAt']),
    finishedAt: when(d['finishedAt']),
    exitCode: readNumber(d['exitCode']),
    oomKilled: d['oomKilled'] === true,
    error: readString(d['error']),
    collectError: readString(d['collectError']),
    composeProject: readString(d['composeProject']),
    composeService: readString(d['composeService']),
  };
}

const isStopped = (f: ContainerFacts) => f.state === 'exited' || f.state === 'dead';

/** States in which a container has processes, and so live figures. */
const HAS_FIGURES = new Set<ContainerState>(['running', 'paused', 'restarting']);

/** It stopped in a way someone should look at: killed for memory, or a non-zero exit. */
export function diedBadly(f: ContainerFacts): boolean {
  return isStopped(f) && (f.oomKilled || (f.exitCode !== undefined && f.exitCode !== 0) || f.state === 'dead');
}

export interface StateView {
  label: string;
  tone: Tone;
}

/**
 * The state in a word or two, coloured by what it asks of you: running and healthy is fine; unhealthy,
 * restarting or paused wants a look; a crash or an OOM kill is bad; a clean exit (a finished job)
 * or a container never started is neutral.
 */
export function stateView(f: ContainerFacts): StateView {
  switch (f.state) {
    case 'running':
      if (f.health === 'unhealthy') return { label: 'Unhealthy', tone: 'warn' };
      if (f.health === 'starting') return { label: 'Starting', tone: 'accent' };
      return { label: f.health === 'healthy' ? 'Healthy' : 'Running', tone: 'ok' };
    case 'exited':
    case 'dead': {
      const verb = f.state === 'dead' ? 'Dead' : 'Exited';
      if (f.oomKilled) return { label: 'OOM-killed', tone: 'crit' };
      if (f.exitCode === undefined) return { label: verb, tone: f.state === 'dead' ? 'crit' : 'unknown' };
      return { label: `${verb} (${f.exitCode})`, tone: diedBadly(f) ? 'crit' : 'unknown' };
    }
    case 'restarting':
      return { label: 'Restarting', tone: 'warn' };
    case 'paused':
      return { label: 'Paused', tone: 'warn' };
    case 'created':
      return { label: 'Created', tone: 'unknown' };
    case 'removing':
      return { label: 'Removing', tone: 'unknown' };
    default:
      return { label: 'Unknown', tone: 'unknown' };
  }
}

export const healthLabel: Record<ContainerHealth, string> = {
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  starting: 'Starting',
  none: 'No health check',
};

/** What a container whose figures are not current shows instead of its last known state. */
export const NO_DATA: StateView = { label: 'No data', tone: 'unknown' };

/**
 * The server says the container's figures are not current: its engine cannot be read (unknown), or
 * its agent stopped reporting (offline while it last ran; a running container is never offline
 * otherwise).
 */
export function isStale(r: Resource, f: ContainerFacts): boolean {
  return r.status === 'unknown' || (r.status === 'offline' && f.state === 'running');
}

/** The state to show: the engine's, unless it is not current. */
export const currentState = (r: Resource, f: ContainerFacts): StateView => (isStale(r, f) ? NO_DATA : stateView(f));

/** How long it has been up, or since when it is down: "Up 3h 12m", "Exited 5 min ago". */
export function uptimeText(f: ContainerFacts, now: number): string {
  if (f.state === 'running' || f.state === 'paused') {
    return f.startedAt === undefined ? 'Up' : `Up ${formatDuration((now - f.startedAt) / 1000)}`;
  }
  if (isStopped(f)) return f.finishedAt === undefined ? 'Stopped' : `Stopped ${formatAgo(f.finishedAt, now)}`;
  if (f.state === 'created') return 'Never started';
  if (f.state === 'restarting') return 'Restarting';
  return '—';
}

/** "0.0.0.0:8080→80/tcp" for a published port, "80/tcp" for one only the container network sees. */
export function portLabel(p: PortBinding): string {
  const inside = `${p.privatePort}/${p.type}`;
  if (p.publicPort === undefined) return inside;
  const ip = p.ip === undefined ? '' : p.ip.includes(':') ? `[${p.ip}]:` : `${p.ip}:`;
  return `${ip}${p.publicPort}→${inside}`;
}

/**
 * Published ports once each: engines list a binding per address family (0.0.0.0 and ::), which says
 * the same thing twice.
 */
export function portLabels(ports: readonly PortBinding[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of [...ports].sort((a, b) => (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.privatePort - b.privatePort)) {
    const wildcard = p.ip === '0.0.0.0' || p.ip === '::';
    const label = portLabel(wildcard ? { ...p, ip: undefined } : p);
    if (!seen.has(label)) {
      seen.add(label);
      out.push(label);
    }
  }
  return out;
}

/** One row of the Workloads list: the resource and what its columns show and sort by. */
export interface WorkloadRow {
  resource: Resource;
  facts: ContainerFacts;
  state: StateView;
  hostId?: string;
  hostName?: string;
  cpu?: number;
  memUsed?: number;
  memLimit?: number;
  memPercent?: number;
  rx?: number;
  tx?: number;
  restarts?: number;
}

/**
 * A container's figures only while it runs and reports: a live update names changed metrics, never
 * removed ones, so a stopped container's last CPU and memory would otherwise linger as if current.
 */
export function liveFigures(r: Resource, facts: ContainerFacts) {
  const live = HAS_FIGURES.has(facts.state) && !isStale(r, facts);
  const m = (key: string) => (live ? metric(r, key) : undefined);
  const memUsed = m('mem.used');
  const memLimit = m('mem.limit');
  const net = live ? netRates(r) : {};
  return {
    cpu: m('cpu'),
    memUsed,
    memLimit,
    memPercent: m('mem.percent') ?? (memUsed !== undefined && memLimit ? (memUsed / memLimit) * 100 : undefined),
    rx: net.rx,
    tx: net.tx,
    pids: m('pids'),
    diskRead: m('disk.read_bps'),
    diskWrite: m('disk.write_bps'),
  };
}

export function workloadRow(r: Resource, host: Resource | undefined): WorkloadRow {
  const facts = containerFactsOf(r);
  const { cpu, memUsed, memLimit, memPercent, rx, tx } = liveFigures(r, facts);
  return {
    resource: r,
    facts,
    state: currentState(r, facts),
    hostId: r.parentId,
    hostName: host?.name,
    cpu,
    memUsed,
    memLimit,
    memPercent,
    rx,
    tx,
    // Restarts count across runs, so they stay meaningful when stopped.
    restarts: metric(r, 'restarts'),
  };
}
