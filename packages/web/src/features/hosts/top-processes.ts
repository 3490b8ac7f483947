import type { Resource } from '@pulse/protocol';
import { isObject, readNumber } from '../../lib/read-json';

/** A process among a host's busiest or largest; CPU is % of ONE core, as top shows it. */
export interface TopProcess {
  pid: number;
  name: string;
  cpuPercent?: number;
  rssBytes?: number;
}

export interface TopProcesses {
  byCpu: TopProcess[];
  byMemory: TopProcess[];
}

function readList(v: unknown): TopProcess[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).flatMap((p): TopProcess[] => {
    const pid = readNumber(p['pid']);
    if (pid === undefined) return [];
    return [{ pid, name: typeof p['name'] === 'string' && p['name'] ? p['name'] : `pid ${pid}`, cpuPercent: readNumber(p['cpuPercent']), rssBytes: readNumber(p['rssBytes']) }];
  });
}

/** Undefined when the host reports no process list (sources other than the host collector). */
export function topProcessesOf(r: Resource): TopProcesses | undefined {
  const t = r.details['topProcesses'];
  if (!isObject(t)) return undefined;
  return { byCpu: readList(t['byCpu']), byMemory: readList(t['byMemory']) };
}
