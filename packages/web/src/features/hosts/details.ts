import type { Resource } from '@pulse/protocol';
import { metric } from '../infrastructure/model';
import { isObject, readNumber, readString, readObjects } from '../../lib/read-json';

/*
 * Readers for a host's `details`. The wire type leaves details open (`unknown` per key) and any
 * source may omit any part, so each reader keeps what it can read and drops what it cannot.
 */

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
  return Array.isArray(cores) ? cores.map((c) => readNumber(c) ?? 0) : [];
}

/** CPU time share per mode in percent; falls back to the flat `cpu.<mode>` metrics. */
export function cpuModesOf(r: Resource): Partial<Record<CpuMode, number>> {
  const d = isObject(r.details['cpuModes']) ? r.details['cpuModes'] : {};
  const out: Partial<Record<CpuMode, number>> = {};
  for (const mode of cpuModes) {
    const v = readNumber(d[mode]) ?? metric(r, `cpu.${mode}`);
    if (v !== undefined) out[mode] = v;
  }
  return out;
}

export function filesystemsOf(r: Resource): Filesystem[] {
  return readObjects(r.details['filesystems'])
    .filter((f) => readString(f['mount']))
    .map((f) => {
      const total = readNumber(f['total']);
      const used = readNumber(f['used']);
      return {
        mount: readString(f['mount'])!,
        device: readString(f['device']),
        fstype: readString(f['fstype']),
        total,
        used,
        available: readNumber(f['available']),
        percent: readNumber(f['percent']) ?? (total && used !== undefined ? (used / total) * 100 : undefined),
        readonly: f['readonly'] === true,
      };
    });
}

export function disksOf(r: Resource): Disk[] {
  return readObjects(r.details['disks'])
    .filter((d) => readString(d['name']))
    .map((d) => ({
      name: readString(d['name'])!,
      readBps: readNumber(d['readBps']),
      writeBps: readNumber(d['writeBps']),
      readIops: readNumber(d['readIops']),
      writeIops: readNumber(d['writeIops']),
      utilPercent: readNumber(d['utilPercent']),
    }));
}

export function interfacesOf(r: Resource): NetInterface[] {
  return readObjects(r.details['interfaces'])
    .filter((i) => readString(i['name']))
    .map((i) => ({
      name: readString(i['name'])!,
      rxBps: readNumber(i['rxBps']),
      txBps: readNumber(i['txBps']),
      rxPackets: readNumber(i['rxPackets']),
      txPackets: readNumber(i['txPackets']),
      rxErrors: readNumber(i['rxErrors']),
      txErrors: readNumber(i['txErrors']),
      up: typeof i['up'] === 'boolean' ? i['up'] : undefined,
      speedMbps: readNumber(i['speedMbps']),
    }));
}

/** Process counts by state; falls back to the flat `procs.*` metrics. */
export function processesOf(r: Resource): Processes {
  const d = isObject(r.details['processes']) ? r.details['processes'] : {};
  const out: Processes = {};
  for (const state of [...processStates, 'total'] as const) {
    const v = readNumber(d[state]) ?? metric(r, `procs.${state}`);
    if (v !== undefined) out[state] = v;
  }
  return out;
}

export function systemOf(r: Resource): SystemInfo {
  const s = isObject(r.details['system']) ? r.details['system'] : {};
  return {
    hostname: readString(s['hostname']),
    kernel: readString(s['kernel']),
    os: readString(s['os']),
    cpuModel: readString(s['cpuModel']),
    bootTime: readNumber(s['bootTime']),
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
