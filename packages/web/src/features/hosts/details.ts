import type { Resource } from '@pulse/protocol';
import { metric } from '../infrastructure/model';

/*
 * Readers for a host's `details`. The wire type leaves details open (`unknown` per key) and any
 * source may omit any part, so each reader keeps what it can read and drops what it cannot.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export const cpuModes = ['user', 'system', 'iowait', 'steal', 'nice', 'irq', 'softirq', 'idle'] as const;
export type CpuMode = (typeof cpuModes)[number];

export interface Filesystem {
  mount: string;
  device?: string;
  fstype?: string;
  total?: number;
  used?: number;
  available?: number;
  percent?: number;
  readonly: boolean;
}

export interface Disk {
  name: string;
  readBps?: number;
  writeBps?: number;
  readIops?: number;
  writeIops?: number;
  utilPercent?: number;
}

export interface NetInterface {
  name: string;
  rxBps?: number;
  txBps?: number;
  rxPackets?: number;
  txPackets?: number;
  rxErrors?: number;
  txErrors?: number;
  up?: boolean;
  speedMbps?: number;
}

export const processStates = ['running', 'sleeping', 'blocked', 'zombie', 'stopped', 'idle'] as const;
export type ProcessState = (typeof processStates)[number];
export type Processes = Partial<Record<ProcessState | 'total', number>>;

export interface SystemInfo {
  hostname?: string;
  kernel?: string;
  os?: string;
  cpuModel?: string;
  bootTime?: number;
}

/** Busy percentage per core, in core order. */
export function coresOf(r: Resource): number[] {
  const cores = r.details['cores'];
  return Array.isArray(cores) ? cores.map((c) => num(c) ?? 0) : [];
}

/** CPU time share per mode in percent; falls back to the flat `cpu.<mode>` metrics. */
export function cpuModesOf(r: Resource): Partial<Record<CpuMode, number>> {
  const d = isObj(r.details['cpuModes']) ? r.details['cpuModes'] : {};
  const out: Partial<Record<CpuMode, number>> = {};
  for (const mode of cpuModes) {
    const v = num(d[mode]) ?? metric(r, `cpu.${mode}`);
    if (v !== undefined) out[mode] = v;
  }
  return out;
}

export function filesystemsOf(r: Resource): Filesystem[] {
  return list(r.details['filesystems'])
    .filter((f) => str(f['mount']))
    .map((f) => {
      const total = num(f['total']);
      const used = num(f['used']);
      return {
        mount: str(f['mount'])!,
        device: str(f['device']),
        fstype: str(f['fstype']),
        total,
        used,
        available: num(f['available']),
        percent: num(f['percent']) ?? (total && used !== undefined ? (used / total) * 100 : undefined),
        readonly: f['readonly'] === true,
      };
    });
}

export function disksOf(r: Resource): Disk[] {
  return list(r.details['disks'])
    .filter((d) => str(d['name']))
    .map((d) => ({
      name: str(d['name'])!,
      readBps: num(d['readBps']),
      writeBps: num(d['writeBps']),
      readIops: num(d['readIops']),
      writeIops: num(d['writeIops']),
      utilPercent: num(d['utilPercent']),
    }));
}

export function interfacesOf(r: Resource): NetInterface[] {
  return list(r.details['interfaces'])
    .filter((i) => str(i['name']))
    .map((i) => ({
      name: str(i['name'])!,
      rxBps: num(i['rxBps']),
      txBps: num(i['txBps']),
      rxPackets: num(i['rxPackets']),
      txPackets: num(i['txPackets']),
      rxErrors: num(i['rxErrors']),
      txErrors: num(i['txErrors']),
      up: typeof i['up'] === 'boolean' ? i['up'] : undefined,
      speedMbps: num(i['speedMbps']),
    }));
}

/** Process counts by state; falls back to the flat `procs.*` metrics. */
export function processesOf(r: Resource): Processes {
  const d = isObj(r.details['processes']) ? r.details['processes'] : {};
  const out: Processes = {};
  for (const state of [...processStates, 'total'] as const) {
    const v = num(d[state]) ?? metric(r, `procs.${state}`);
    if (v !== undefined) out[state] = v;
  }
  return out;
}

export function systemOf(r: Resource): SystemInfo {
  const s = isObj(r.details['system']) ? r.details['system'] : {};
  return {
    hostname: str(s['hostname']),
    kernel: str(s['kernel']),
    os: str(s['os']),
    cpuModel: str(s['cpuModel']),
    bootTime: num(s['bootTime']),
  };
}

/**
 * Memory split the way `free` shows it: used (what programs hold, cache excluded), buffers+cache
 * (reclaimable) and free. Missing parts are derived from the others when possible.
 */
export function memoryOf(r: Resource) {
  const total = metric(r, 'mem.total');
  const available = metric(r, 'mem.available');
  const used = metric(r, 'mem.used') ?? (total !== undefined && available !== undefined ? total - available : undefined);
  const buffers = metric(r, 'mem.buffers');
  const cached = metric(r, 'mem.cached');
  const cache = buffers === undefined && cached === undefined ? undefined : (buffers ?? 0) + (cached ?? 0);
  const free = metric(r, 'mem.free') ?? (total !== undefined && used !== undefined && cache !== undefined ? Math.max(0, total - used - cache) : undefined);
  return { total, available, used, cache, free };
}
