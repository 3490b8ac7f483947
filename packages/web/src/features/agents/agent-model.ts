import type { AgentInfo, AgentStatus, DockerState, InstallToken } from '@pulse/protocol';
import { formatCount, formatDuration, formatNumber, plural } from '../../lib/format';
import type { Tone } from '../../ui/tone';

/* How agents, their Docker engines, clocks and install tokens read on screen. */

export const agentStatusView: Record<AgentStatus, { label: string; tone: Tone; title: string }> = {
  online: { label: 'Online', tone: 'ok', title: 'Reporting on schedule' },
  offline: { label: 'Offline', tone: 'crit', title: 'Missed several reports in a row; its host and containers show as offline' },
  never: { label: 'Waiting', tone: 'unknown', title: 'Enrolled, but no report has arrived yet' },
};

export interface DockerView {
  label: string;
  tone: Tone;
  /** The engine's or Pulse's words, for a tooltip or a line under the label. */
  detail?: string;
}

/** "Docker Engine - Community 27.3.1" → "Docker 27.3.1"; "Podman Engine 5.2.2" → "Podman 5.2.2". */
export function engineShortName(engine: string | undefined): string | undefined {
  if (!engine) return undefined;
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(engine)?.[1];
  const product = /podman/i.test(engine) ? 'Podman' : /docker/i.test(engine) ? 'Docker' : engine.split(/\s+/)[0];
  return version ? `${product} ${version}` : engine;
}

/**
 * An agent's view of its container engine. No engine at all is a fact of the machine (neutral); an
 * engine that answers wrongly needs a look.
 */
export function dockerView(docker: DockerState | null | undefined): DockerView {
  if (!docker) return { label: '—', tone: 'unknown', detail: 'The agent has not said whether this machine runs Docker.' };
  switch (docker.state) {
    case 'ok':
      return {
        label: engineShortName(docker.engine) ?? 'Docker',
        tone: 'ok',
        detail: [docker.engine, docker.apiVersion && `API ${docker.apiVersion}`].filter(Boolean).join(' · ') || undefined,
      };
    case 'unavailable':
      return { label: 'No Docker', tone: 'unknown', detail: docker.message ?? 'No Docker or Podman socket on this machine.' };
    case 'error':
      return { label: 'Docker error', tone: 'warn', detail: docker.message ?? 'The engine answered, but not in a way the agent could read.' };
  }
}

/** Past this, the server corrects an agent's times and says so (the agent service's threshold). */
export const SKEW_WARN_MS = 2_000;

export const hasSkew = (skewMs: number | undefined | null): skewMs is number =>
  typeof skewMs === 'number' && Math.abs(skewMs) > SKEW_WARN_MS;

/** Seconds under a minute with a decimal, longer as a duration: "5.2 s", "3m 10s". */
function skewAmount(ms: number): string {
  const s = Math.abs(ms) / 1000;
  return s < 60 ? `${formatNumber(s, 1)} s` : formatDuration(s);
}

/**
 * The clock difference in words. The server measures its clock minus the agent's: positive means
 * the agent's clock is behind.
 */
export function skewText(skewMs: number): string {
  return `${skewAmount(skewMs)} ${skewMs > 0 ? 'behind' : 'ahead of'} the server`;
}

/** "10 s", "1 min", "2.5 min". */
export function formatInterval(ms: number | undefined | null): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return '—';
  if (ms < 60_000) return `${formatNumber(ms / 1000, ms % 1000 === 0 ? 0 : 1)} s`;
  const min = ms / 60_000;
  return `${formatNumber(min, Number.isInteger(min) ? 0 : 1)} min`;
}

/** "0 of 1", "3 of 10": how much of an install token is used. */
export const tokenUses = (t: Pick<InstallToken, 'uses' | 'maxUses'>): string => `${formatCount(t.uses)} of ${formatCount(t.maxUses)}`;

/** Until when an install token may enrol machines, the way people say it. */
export const EXPIRY_CHOICES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
] as const;
export const DEFAULT_EXPIRY_HOURS = 24;

export const MAX_USES_LIMIT = 1000;

/** The "machines" field as the API's maxUses, or why it cannot be. */
export function parseMaxUses(text: string): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { error: 'A whole number of machines, 1 or more.' };
  const value = Number(trimmed);
  if (value < 1) return { error: 'At least 1 machine.' };
  if (value > MAX_USES_LIMIT) return { error: `At most ${formatCount(MAX_USES_LIMIT)} machines per token.` };
  return { value };
}

/** Agents that need a look first, then by name. */
export function sortAgents(list: readonly AgentInfo[]): AgentInfo[] {
  const rank: Record<AgentStatus, number> = { offline: 0, never: 1, online: 2 };
  return [...list].sort((a, b) => rank[a.status] - rank[b.status] || a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

/** Tokens that can still enrol: not expired and not used up (the server lists revoked ones nowhere). */
export function activeTokens(list: readonly InstallToken[], now: number): InstallToken[] {
  return list.filter((t) => t.expiresAt > now && t.uses < t.maxUses).sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * What removing an agent does, in words: its token dies, its containers go, and its host goes too
 * unless another source (the server itself, a hypervisor) also reports it.
 */
export function removalConsequence(what: { hostName: string; alsoReportedBy: readonly string[]; containers: number }): string {
  const n = what.containers;
  const theirs = n === 0 ? '' : `its ${plural(n, 'container')}`;
  const goes = n === 1 ? 'leaves' : 'leave';
  const stays = `${what.hostName} stays, as ${what.alsoReportedBy.join(' and ')} also ${what.alsoReportedBy.length === 1 ? 'reports' : 'report'} it.`;
  const middle =
    what.alsoReportedBy.length === 0
      ? n === 0 ? 'Its host leaves Pulse.' : `Its host and ${theirs} leave Pulse.`
      : n === 0 ? stays : `${theirs[0]!.toUpperCase()}${theirs.slice(1)} ${goes} Pulse; ${stays}`;
  return `Its token stops working at once. ${middle} The agent keeps running on the machine, its reports refused, until you uninstall it there.`;
}
