import { readdirSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { isPhysicalInterface } from './interfaces.js';
import { readUtf8 } from './kernel-files.js';
import type { ReadText } from './kernel-files.js';

/** A small text file's trimmed content, or undefined when it is missing, unreadable or empty. */
export function readOptionalText(path: string, read: ReadText = readUtf8): string | undefined {
  try {
    return read(path).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The systemd/D-Bus machine id, which survives hostname and NIC changes and so is the best key for
 * recognising this host across restarts and across sources. Absent in some minimal containers.
 */
export function readMachineId(paths: string[]): string | undefined {
  for (const path of paths) {
    const id = readOptionalText(path);
    if (id && /^[0-9a-f]{32}$/i.test(id)) return id.toLowerCase();
  }
  return undefined;
}

/** The kernel's hostname (UTS namespace); os.hostname() only if procfs cannot be read. */
export function readHostname(procRoot: string, read: ReadText = readUtf8): string {
  return readOptionalText(`${procRoot}/sys/kernel/hostname`, read) ?? osHostname();
}

/** MACs of the non-virtual interfaces, sorted so identity does not change with readdir order. */
export function readMacs(sysRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(sysRoot, 'class/net'));
  } catch {
    return [];
  }
  const macs = new Set<string>();
  for (const name of names) {
    if (!isPhysicalInterface(name)) continue;
    const mac = readOptionalText(join(sysRoot, 'class/net', name, 'address'))?.toLowerCase();
    // Tunnels and loopback-like links have an all-zero or missing address: nothing to match on.
    if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && mac !== '00:00:00:00:00:00') macs.add(mac);
  }
  return [...macs].sort();
}

/** Firmware placeholders that many boards ship with, so they identify nothing. */
const placeholderUuids = new Set([
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '03000200-0400-0500-0006-000700080009',
]);

/**
 * The SMBIOS system UUID (`/sys/class/dmi/id/product_uuid`). For a VM it is the UUID the hypervisor
 * gave it (Proxmox's `smbios1: uuid=`), which lets the registry match an agent's host to the VM the
 * hypervisor reports. The file is readable by root only, and absent without DMI (ARM boards,
 * containers with a masked /sys), so undefined is the usual answer for an unprivileged reader.
 */
export function readDmiUuid(sysRoot: string): string | undefined {
  const uuid = readOptionalText(join(sysRoot, 'class/dmi/id/product_uuid'))?.toLowerCase();
  if (!uuid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) return undefined;
  return placeholderUuids.has(uuid) ? undefined : uuid;
}
