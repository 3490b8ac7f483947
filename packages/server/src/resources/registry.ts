import type { MetricSample, Resource, ResourceDiff, ResourcePatch, ResourceStatus } from '@pulse/protocol';
import { createIdentityIndex, identitiesConflict, isMachineType, mergeIdentities } from './identity.js';
import type { ObservedResource, Observation } from './observation.js';

export interface RegistryChange {
  diff: ResourceDiff;
  /** Full current state of each resource in `diff.upsert`. */
  changed: Resource[];
  /** One sample per observed resource: its metrics at the observation time. */
  samples: Array<{ id: string } & MetricSample>;
}

export type RegistryListener = (change: RegistryChange) => void;

const SCALAR_FIELDS = ['type', 'name', 'parentId', 'source', 'status'] as const;
const JSON_FIELDS = ['identity', 'tags'] as const;

/** Only the fields of `next` that differ from `prev`; `metrics`/`details` only by changed key. */
export function diffResource(prev: Resource | undefined, next: Resource): ResourcePatch | undefined {
  if (!prev) return next;
  const patch: ResourcePatch = { id: next.id };
  let changed = false;
  for (const f of SCALAR_FIELDS) {
    if (prev[f] !== next[f]) {
      (patch as Record<string, unknown>)[f] = next[f];
      changed = true;
    }
  }
  for (const f of JSON_FIELDS) {
    if (!sameJson(prev[f], next[f])) {
      (patch as Record<string, unknown>)[f] = next[f];
      changed = true;
    }
  }
  // for-in and no intermediate arrays: this runs for every resource of every poll (6,400 per
  // cycle in bench/proxmox), and what it allocates is what the collector then has to chase
  let metrics: Record<string, number | null> | undefined;
  for (const k in next.metrics) {
    const v = next.metrics[k]!;
    if (prev.metrics[k] !== v) (metrics ??= {})[k] = v;
  }
  // Without this a client keeps a figure the source stopped reporting (a failed check's phases).
  for (const k in prev.metrics) if (!(k in next.metrics)) (metrics ??= {})[k] = null;
  if (metrics) {
    patch.metrics = metrics;
    changed = true;
  }
  let details: Record<string, unknown> | undefined;
  for (const k in next.details) {
    const v = next.details[k];
    if (!sameJson(prev.details[k], v)) (details ??= {})[k] = v;
  }
  if (details) {
    patch.details = details;
    changed = true;
  }
  if (!changed) return undefined;
  patch.lastSeen = next.lastSeen;
  return patch;
}

/**
 * Whether two JSON-like values would serialise alike, compared in place: keys in any order, a key
 * holding undefined counts as absent (JSON drops it). Comparing JSON.stringify texts built two
 * strings per detail of every resource on every poll.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    keys++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) keys--;
  return keys === 0;
}

/**
 * `next` with each part that equals `prev`'s replaced by `prev`'s own object, or `prev` itself when
 * nothing differs. A source builds every resource afresh each poll; keeping the objects already
 * held lets the fresh copies die as soon as the observation is applied instead of living a whole
 * cycle in the registry, to be promoted and collected as old-generation garbage, which is what the
 * heap grows by between full collections (bench/proxmox, inspector sampling of promoted objects:
 * the registry's part of a 500-node cycle went from ~5.5 to ~4 MB). `diffResource` then finds most
 * parts identical without walking them. `next` is the registry's once handed over.
 */
export function reuseUnchanged(prev: ObservedResource, next: ObservedResource): ObservedResource {
  const metrics = sameJson(prev.metrics, next.metrics) ? prev.metrics : next.metrics;
  const details = reuseDetails(prev.details, next.details);
  const identity = sameJson(prev.identity, next.identity) ? prev.identity : next.identity;
  const tags = sameJson(prev.tags, next.tags) ? prev.tags : next.tags;
  if (metrics === prev.metrics && details === prev.details && identity === prev.identity && tags === prev.tags
    && prev.id === next.id && prev.type === next.type && prev.name === next.name && prev.parentId === next.parentId
    && prev.source === next.source && prev.status === next.status) return prev;
  next.metrics = metrics;
  next.details = details;
  next.identity = identity;
  next.tags = tags;
  return next;
}

/** `prev` when every key is alike; else `next` holding `prev`'s value under each key that is. */
function reuseDetails(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  let same = true;
  for (const k in next) {
    const v = next[k];
    if (v === prev[k]) continue;
    if (sameJson(prev[k], v)) {
      if (typeof v === 'object' && v !== null) next[k] = prev[k];
    } else same = false;
  }
  if (!same) return next;
  for (const k in prev) if (prev[k] !== undefined && !(k in next)) return next;
  return prev;
}

/** What one source last said about one resource. */
interface Contribution {
  source: string;
  /** the id the source uses; differs from the resource's when identity matching joined them */
  observedId: string;
  observed: ObservedResource;
  at: number;
  /** remembered from before a restart, not confirmed since; dropped when any source reports the resource */
  restored: boolean;
}

interface Entry {
  id: string;
  /** in arrival order; the one whose id the resource took (else the first) is the owner */
  contributions: Contribution[];
  resource?: Resource;
}

/** `agent:1f2e...` and `agent:9a8b...` are one family: two of them never describe the same machine. */
const familyOf = (source: string): string => source.split(':', 1)[0]!;

/** Seen alive by anyone wins over offline: a VM whose agent died is still running. Degraded says more than online. */
function mergedStatus(contributions: Contribution[]): ResourceStatus {
  const statuses = new Set(contributions.map((c) => c.observed.status));
  for (const status of ['degraded', 'online', 'offline'] as const) if (statuses.has(status)) return status;
  return 'unknown';
}

/**
 * The live state of everything Pulse watches. Sources hand it observations; it keeps the current
 * resources and tells its listeners what changed, as diffs.
 *
 * One machine seen by several sources (the server's own host and an agent on it, a VM and the agent
 * inside it) is one resource: an observed resource with no resource of its id joins an existing
 * machine that shares an identity key with it (machine id > DMI UUID > hostname + MAC, see
 * identity.ts), unless that machine already has a source of the same family or a conflicting
 * machine id / DMI UUID. The joined resource keeps the first owner's id, type, name and source; its
 * metrics and details are merged key by key, the most recent report winning; `details.alsoSeenBy`
 * lists the other sources; it is online while any source sees it alive. A complete observation
 * withdraws only its own source's part, and the resource goes when no source reports it.
 */
export function createRegistry(options: { initial?: Resource[] } = {}) {
  const entries = new Map<string, Entry>();
  /** observed id -> resource id, for every contribution */
  const aliases = new Map<string, string>();
  /** source -> observed id -> resource id: what a complete observation may withdraw */
  const bySource = new Map<string, Map<string, string>>();
  const identities = createIdentityIndex();
  const listeners = new Set<RegistryListener>();

  function track(source: string, observedId: string, id: string): void {
    aliases.set(observedId, id);
    let owned = bySource.get(source);
    if (!owned) bySource.set(source, (owned = new Map()));
    owned.set(observedId, id);
  }

  function untrack(entry: Entry | undefined, source: string, observedId: string): void {
    if (!entry?.contributions.some((c) => c.observedId === observedId)) aliases.delete(observedId);
    const owned = bySource.get(source);
    owned?.delete(observedId);
    if (owned?.size === 0) bySource.delete(source);
  }

  for (const r of options.initial ?? []) {
    const { lastSeen, ...observed } = r;
    entries.set(r.id, { id: r.id, contributions: [{ source: r.source, observedId: r.id, observed, at: lastSeen, restored: true }], resource: r });
    track(r.source, r.id, r.id);
    identities.set(r.id, r.type, r.identity);
  }

  function canJoin(entry: Entry, source: string, observed: ObservedResource): boolean {
    if (!entry.resource || !isMachineType(entry.resource.type)) return false;
    const family = familyOf(source);
    if (entry.contributions.some((c) => familyOf(c.source) === family)) return false;
    return !identitiesConflict(entry.resource.identity, observed.identity);
  }

  function targetOf(source: string, observed: ObservedResource): string {
    const known = aliases.get(observed.id);
    if (known !== undefined && entries.has(known)) return known;
    if (entries.has(observed.id)) return observed.id;
    for (const id of identities.candidates(observed.type, observed.identity)) {
      const entry = entries.get(id);
      if (entry && canJoin(entry, source, observed)) return id;
    }
    return observed.id;
  }

  function contribute(id: string, source: string, observed: ObservedResource, at: number): { entry: Entry; contribution: Contribution } {
    let contribution: Contribution = { source, observedId: observed.id, observed, at, restored: false };
    let entry = entries.get(id);
    if (!entry) {
      entries.set(id, (entry = { id, contributions: [contribution] }));
    } else {
      // What the store remembered gives way to the first source that reports the resource again.
      if (entry.contributions[0]?.restored) {
        const restored = entry.contributions;
        entry.contributions = [];
        for (const old of restored) untrack(entry, old.source, old.observedId);
      }
      const i = entry.contributions.findIndex((c) => c.source === source && c.observedId === observed.id);
      if (i >= 0) {
        const old = entry.contributions[i]!;
        const kept = reuseUnchanged(old.observed, observed);
        if (kept === old.observed) {
          old.at = at;
          contribution = old;
        } else contribution.observed = kept;
        entry.contributions[i] = contribution;
      } else entry.contributions.push(contribution);
    }
    track(source, observed.id, id);
    return { entry, contribution };
  }

  function merge(entry: Entry): Resource {
    const all = entry.contributions;
    const owner = all.find((c) => c.observedId === entry.id) ?? all[0]!;
    const o = owner.observed;
    const parentId = o.parentId === undefined ? undefined : (aliases.get(o.parentId) ?? o.parentId);
    if (all.length === 1) {
      // Spelled out rather than spread: one shape for every resource, built without transitions.
      const next: Resource = parentId === undefined
        ? { id: entry.id, type: o.type, name: o.name, source: owner.source, status: o.status, metrics: o.metrics, details: o.details, identity: o.identity, tags: o.tags, lastSeen: owner.at }
        : { id: entry.id, type: o.type, name: o.name, parentId, source: owner.source, status: o.status, metrics: o.metrics, details: o.details, identity: o.identity, tags: o.tags, lastSeen: owner.at };
      // Diffs carry only present keys: once joined, say so when no longer.
      if (entry.resource?.details.alsoSeenBy !== undefined) next.details = { ...o.details, alsoSeenBy: [] };
      return next;
    }
    const others = all.filter((c) => c !== owner);
    const metrics: Record<string, number> = {};
    const details: Record<string, unknown> = {};
    for (const c of [...all].sort((a, b) => a.at - b.at)) {
      Object.assign(metrics, c.observed.metrics);
      Object.assign(details, c.observed.details);
    }
    details.alsoSeenBy = [...new Set(others.map((c) => c.source))].filter((s) => s !== owner.source).sort();
    return {
      id: entry.id, type: o.type, name: o.name, ...(parentId !== undefined ? { parentId } : {}),
      source: owner.source, status: mergedStatus(all), metrics, details,
      identity: mergeIdentities([o.identity, ...others.map((c) => c.observed.identity)]),
      tags: [...new Set(all.flatMap((c) => c.observed.tags))],
      lastSeen: Math.max(...all.map((c) => c.at)),
    };
  }

  function refresh(entry: Entry, change: RegistryChange): void {
    const prev = entry.resource;
    const next = merge(entry);
    entry.resource = next;
    // identity keys are strings built from every hostname, MAC and IP: rebuild them only when they can differ
    if (!prev || prev.type !== next.type || !sameJson(prev.identity, next.identity)) identities.set(entry.id, next.type, next.identity);
    const patch = diffResource(prev, next);
    if (patch) {
      change.diff.upsert.push(patch);
      change.changed.push(next);
    } else if (prev) {
      // Only lastSeen moved: keep the object already held (see reuseUnchanged), brought up to date.
      prev.lastSeen = next.lastSeen;
      entry.resource = prev;
    }
  }

  function withdraw(id: string, source: string, observedId: string, change: RegistryChange, touched: Set<Entry>): void {
    const entry = entries.get(id);
    if (entry) entry.contributions = entry.contributions.filter((c) => !(c.source === source && c.observedId === observedId));
    untrack(entry, source, observedId);
    if (!entry) return;
    if (entry.contributions.length) {
      touched.add(entry);
      return;
    }
    entries.delete(id);
    identities.delete(id);
    touched.delete(entry);
    change.diff.remove.push(id);
  }

  const emptyChange = (): RegistryChange => ({ diff: { upsert: [], remove: [] }, changed: [], samples: [] });
  function notify(change: RegistryChange): RegistryChange {
    if (change.diff.upsert.length || change.diff.remove.length || change.samples.length) {
      for (const listener of listeners) listener(change);
    }
    return change;
  }

  return {
    apply(observation: Observation): RegistryChange {
      const { source, at } = observation;
      const change = emptyChange();
      const seen = new Set<string>();
      const touched = new Set<Entry>();
      // Parents are resolved when resources merge, after every resource of the observation has its id.
      for (const observed of observation.resources) {
        seen.add(observed.id);
        const { entry, contribution } = contribute(targetOf(source, observed), source, observed, at);
        touched.add(entry);
        change.samples.push({ id: entry.id, t: at, metrics: contribution.observed.metrics });
      }
      if (observation.complete) {
        for (const [observedId, id] of bySource.get(source) ?? []) {
          if (!seen.has(observedId)) withdraw(id, source, observedId, change, touched);
        }
      }
      for (const entry of touched) refresh(entry, change);
      return notify(change);
    },
    /**
     * Gives everything `source` reports the status `status`, with no new sample: what a source does
     * when it loses contact (an agent that stopped reporting). Its next observation sets them again.
     */
    markSource(source: string, status: ResourceStatus): RegistryChange {
      const change = emptyChange();
      const touched = new Set<Entry>();
      for (const [observedId, id] of bySource.get(source) ?? []) {
        const entry = entries.get(id);
        for (const c of entry?.contributions ?? []) {
          if (c.source !== source || c.observedId !== observedId || c.observed.status === status) continue;
          c.observed = { ...c.observed, status };
          touched.add(entry!);
        }
      }
      for (const entry of touched) refresh(entry, change);
      return notify(change);
    },
    /** The id of the resource a source's own id ended up in, if it is known. */
    resolve(observedId: string): string | undefined {
      const id = aliases.get(observedId) ?? observedId;
      return entries.has(id) ? id : undefined;
    },
    get: (id: string): Resource | undefined => entries.get(id)?.resource,
    list: (): Resource[] => [...entries.values()].map((e) => e.resource).filter((r) => r !== undefined),
    get size() {
      return entries.size;
    },
    subscribe(listener: RegistryListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type Registry = ReturnType<typeof createRegistry>;
