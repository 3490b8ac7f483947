import type { Resource } from '@pulse/protocol';
import type { Entry } from './lifecycle.js';

/*
 * Root-cause suppression. Resources hang under parents by `parentId` (container → host or
 * docker-host, guest → node, disk/storage → node, datastore → PBS server). While an ancestor is
 * down, the alerts of everything under it are held ("claimed") by the topmost down ancestor, and that
 * ancestor's own notification lists them: "host down, 30 containers affected" is one message.
 */

/** Deeper than any real tree (node → VM → docker-host → container); stops a parentId cycle. */
const MAX_DEPTH = 16;

export interface DependencyOptions {
  resources: (id: string) => Resource | undefined;
  /** the resource has an open alert whose condition is being offline */
  hasOfflineAlert: (resourceId: string) => boolean;
}

export function createDependencies(options: DependencyOptions) {
  /** claimer resource id → alerts it holds */
  const claims = new Map<string, Set<Entry>>();

  function isDown(id: string): boolean {
    const r = options.resources(id);
    return r !== undefined && (r.status === 'offline' || options.hasOfflineAlert(id));
  }

  return {
    isDown,
    /** The topmost down ancestor of a resource, if any: the root cause its alerts belong to. */
    rootCauseOf(resourceId: string): string | undefined {
      let found: string | undefined;
      let id = options.resources(resourceId)?.parentId;
      for (let depth = 0; id !== undefined && id !== resourceId && depth < MAX_DEPTH; depth++) {
        const parent = options.resources(id);
        if (!parent) break;
        if (parent.status === 'offline' || options.hasOfflineAlert(id)) found = id;
        id = parent.parentId;
      }
      return found;
    },
    claim(claimer: string, entry: Entry): void {
      entry.claimer = claimer;
      let set = claims.get(claimer);
      if (!set) claims.set(claimer, (set = new Set()));
      set.add(entry);
    },
    unclaim(entry: Entry): void {
      if (entry.claimer === undefined) return;
      const set = claims.get(entry.claimer);
      set?.delete(entry);
      if (set?.size === 0) claims.delete(entry.claimer);
      entry.claimer = undefined;
    },
    claimedBy(claimer: string): ReadonlySet<Entry> | undefined {
      return claims.get(claimer);
    },
    /** Claimers that came back: their held alerts go back to normal delivery. */
    recovered(): string[] {
      const out: string[] = [];
      for (const claimer of claims.keys()) if (!isDown(claimer)) out.push(claimer);
      return out;
    },
  };
}
export type Dependencies = ReturnType<typeof createDependencies>;
