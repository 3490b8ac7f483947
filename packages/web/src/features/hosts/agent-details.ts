import { DockerState, type Resource } from '@pulse/protocol';
import { isObject, readNumber, readString } from '../../lib/read-json';

/*
 * What an agent adds to its host's `details`: who reports (agent version, interval), how far its
 * clock is off, its container engine, and what the server had to drop from its reports.
 */

export interface AgentFacts {
  id?: string;
  version?: string;
  arch?: string;
  node?: string;
  intervalMs?: number;
}

/** Undefined for a host no agent reports. */
export function agentOf(r: Resource): AgentFacts | undefined {
  const a = r.details['agent'];
  if (!isObject(a)) return undefined;
  return { id: readString(a['id']), version: readString(a['version']), arch: readString(a['arch']), node: readString(a['node']), intervalMs: readNumber(a['intervalMs']) };
}

/** Server clock minus agent clock in ms (0 when within 2 s), undefined when not reported. */
export function clockSkewOf(r: Resource): number | undefined {
  return readNumber(r.details['clockSkewMs']);
}

export function dockerOf(r: Resource): DockerState | undefined {
  const parsed = DockerState.safeParse(r.details['docker']);
  return parsed.success ? parsed.data : undefined;
}

/** Lines the server wrote about figures it dropped from the agent's last report. */
export function reportProblemsOf(r: Resource): string[] {
  const list = r.details['reportProblems'];
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && p.length > 0) : [];
}
