import type { ResourceIdentity, ResourceType } from '@pulse/protocol';

/**
 * Types that are one machine however it is seen: a Proxmox VM and the host the agent inside it
 * reports, the server's own host and an agent on the same box.
 */
const MACHINE_TYPES: ReadonlySet<ResourceType> = new Set(['host', 'node', 'vm', 'system-container']);

// Firmware that never set a real SMBIOS UUID reports one of these on every board.
const JUNK_DMI = /^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12}|03000200-0400-0500-0006-000700080009)$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

const machineIdOf = (identity: ResourceIdentity): string | undefined => {
  const id = identity.machineId?.trim().toLowerCase();
  return id && !/^0+$/.test(id) ? id : undefined;
};

const dmiUuidOf = (identity: ResourceIdentity): string | undefined => {
  const id = identity.dmiUuid?.trim().toLowerCase();
  return id && !JUNK_DMI.test(id) ? id : undefined;
};

/** `pve1.lan` and `PVE1` are the same name; `localhost` names nothing. */
function shortHostname(name: string): string | undefined {
  const short = name.trim().toLowerCase().split('.')[0];
  return short && short !== 'localhost' ? short : undefined;
}

/** Proxmox writes `BC:24:11:...`, Linux `bc:24:11:...`, Windows `BC-24-11-...`. */
function normalMac(mac: string): string | undefined {
  const m = mac.trim().toLowerCase().replace(/-/g, ':');
  return MAC.test(m) && m !== '00:00:00:00:00:00' ? m : undefined;
}

export const isMachineType = (type: ResourceType): boolean => MACHINE_TYPES.has(type);

/**
 * An address that can name one machine: not loopback, link-local or a Docker bridge
 * (172.17-31.x.x: every Docker host has 172.17.0.1), which many machines share.
 */
function machineIp(ip: string): string | undefined {
  const a = ip.trim().toLowerCase();
  if (!a || a === '::1' || a.startsWith('127.') || a.startsWith('169.254.') || a.startsWith('fe80:')) return undefined;
  if (/^172\.(1[7-9]|2\d|3[01])\./.test(a)) return undefined;
  return a;
}

/**
 * The keys under which a resource can be recognised, strongest first: machine id, DMI UUID, then
 * each pair of hostname and MAC (a MAC alone is too weak: cloned VMs share them), then each pair of
 * hostname and IP (how Proxmox knows its nodes: name and cluster address).
 */
export function identityKeys(type: ResourceType, identity: ResourceIdentity): string[] {
  if (!isMachineType(type)) return [];
  const keys: string[] = [];
  const machineId = machineIdOf(identity);
  if (machineId) keys.push(`machine:${machineId}`);
  const dmi = dmiUuidOf(identity);
  if (dmi) keys.push(`dmi:${dmi}`);
  const names = [...new Set((identity.hostnames ?? []).map(shortHostname).filter((n) => n !== undefined))];
  const macs = [...new Set((identity.macs ?? []).map(normalMac).filter((m) => m !== undefined))];
  for (const name of names) for (const mac of macs) keys.push(`host-mac:${name}|${mac}`);
  const ips = [...new Set((identity.ips ?? []).map(machineIp).filter((ip) => ip !== undefined))];
  for (const name of names) for (const ip of ips) keys.push(`host-ip:${name}|${ip}`);
  return keys;
}

/** Two identities that name different machines outright: a weaker key must not join them. */
export function identitiesConflict(a: ResourceIdentity, b: ResourceIdentity): boolean {
  const [ma, mb] = [machineIdOf(a), machineIdOf(b)];
  if (ma && mb && ma !== mb) return true;
  const [da, db] = [dmiUuidOf(a), dmiUuidOf(b)];
  return Boolean(da && db && da !== db);
}

/** Everything any of the identities says, first one's machine id and DMI UUID winning. */
export function mergeIdentities(identities: ResourceIdentity[]): ResourceIdentity {
  const out: ResourceIdentity = {};
  const lists = { hostnames: new Set<string>(), macs: new Set<string>(), ips: new Set<string>() };
  for (const identity of identities) {
    if (identity.machineId && !out.machineId) out.machineId = identity.machineId;
    if (identity.dmiUuid && !out.dmiUuid) out.dmiUuid = identity.dmiUuid;
    for (const key of ['hostnames', 'macs', 'ips'] as const) for (const v of identity[key] ?? []) lists[key].add(v);
  }
  for (const key of ['hostnames', 'macs', 'ips'] as const) if (lists[key].size) out[key] = [...lists[key]];
  return out;
}

/** Which resources each identity key points at. A key can point at several (cloned VMs share a machine id). */
export function createIdentityIndex() {
  const byKey = new Map<string, Set<string>>();
  const keysOf = new Map<string, string[]>();

  function remove(id: string): void {
    for (const key of keysOf.get(id) ?? []) {
      const ids = byKey.get(key);
      ids?.delete(id);
      if (ids?.size === 0) byKey.delete(key);
    }
    keysOf.delete(id);
  }

  return {
    set(id: string, type: ResourceType, identity: ResourceIdentity): void {
      const keys = identityKeys(type, identity);
      const old = keysOf.get(id);
      if (old && old.length === keys.length && old.every((k, i) => k === keys[i])) return;
      remove(id);
      if (!keys.length) return;
      keysOf.set(id, keys);
      for (const key of keys) {
        let ids = byKey.get(key);
        if (!ids) byKey.set(key, (ids = new Set()));
        ids.add(id);
      }
    },
    delete: remove,
    /** Resources sharing a key with `identity`, those matched by stronger keys first. */
    candidates(type: ResourceType, identity: ResourceIdentity): string[] {
      const out = new Set<string>();
      for (const key of identityKeys(type, identity)) for (const id of byKey.get(key) ?? []) out.add(id);
      return [...out];
    },
  };
}
export type IdentityIndex = ReturnType<typeof createIdentityIndex>;
