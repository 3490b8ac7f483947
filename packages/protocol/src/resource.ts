import { z } from 'zod';

export const resourceTypes = [
  'host', 'node', 'vm', 'system-container', 'app-container', 'docker-host', 'storage',
  'datastore', 'backup', 'ceph', 'disk', 'monitor', 'app',
] as const;
export const ResourceType = z.enum(resourceTypes);
export type ResourceType = z.infer<typeof ResourceType>;

export const resourceStatuses = ['online', 'degraded', 'offline', 'unknown'] as const;
export const ResourceStatus = z.enum(resourceStatuses);
export type ResourceStatus = z.infer<typeof ResourceStatus>;

/** What lets the registry recognise one machine reported by two sources. */
export const ResourceIdentity = z.object({
  machineId: z.string().optional(),
  /** SMBIOS system UUID: what a hypervisor and the agent inside its VM both know */
  dmiUuid: z.string().optional(),
  hostnames: z.array(z.string()).optional(),
  macs: z.array(z.string()).optional(),
  ips: z.array(z.string()).optional(),
});
export type ResourceIdentity = z.infer<typeof ResourceIdentity>;

/**
 * One thing Pulse watches. `metrics` is flat (`cpu`, `mem.used`, ...) so a diff can carry single
 * keys; `details` holds structured parts (per-core CPU, filesystems, interfaces) replaced per key.
 */
export const Resource = z.object({
  id: z.string().min(1),
  type: ResourceType,
  name: z.string(),
  parentId: z.string().optional(),
  source: z.string(),
  status: ResourceStatus,
  metrics: z.record(z.string(), z.number()),
  details: z.record(z.string(), z.unknown()),
  identity: ResourceIdentity,
  tags: z.array(z.string()),
  lastSeen: z.number(),
});
export type Resource = z.infer<typeof Resource>;

/**
 * Only the fields that changed; `metrics` and `details` carry only their changed keys. A metric the
 * resource no longer reports (a phase a failed check never reached) comes as `null`: remove it.
 */
export type ResourcePatch = { id: string } & Partial<Omit<Resource, 'id' | 'metrics'>> & { metrics?: Record<string, number | null> };
export const ResourcePatch = Resource.partial().extend({ id: z.string().min(1), metrics: z.record(z.string(), z.number().nullable()).optional() });

/** What the `resources` channel publishes after its snapshot. */
export const ResourceDiff = z.object({
  upsert: z.array(ResourcePatch),
  remove: z.array(z.string()),
});
export type ResourceDiff = z.infer<typeof ResourceDiff>;

export const ResourcesSnapshot = z.object({ resources: z.array(Resource) });
export type ResourcesSnapshot = z.infer<typeof ResourcesSnapshot>;

/** One collection of a resource's metrics, published on `resource:<id>`. */
export const MetricSample = z.object({ t: z.number(), metrics: z.record(z.string(), z.number()) });
export type MetricSample = z.infer<typeof MetricSample>;

/**
 * Applies a patch as the registry meant it: top-level fields replace, `metrics` and `details`
 * merge key by key. Returns a new object; the input is not touched.
 */
export function applyResourcePatch(base: Resource | undefined, patch: ResourcePatch): Resource | undefined {
  if (!base) {
    const parsed = Resource.safeParse(patch.metrics ? { ...patch, metrics: presentMetrics({}, patch.metrics) } : patch);
    return parsed.success ? parsed.data : undefined;
  }
  const next: Resource = { ...base, ...patch } as Resource;
  if (patch.metrics) next.metrics = presentMetrics(base.metrics, patch.metrics);
  if (patch.details) next.details = { ...base.details, ...patch.details };
  return next;
}

/** `base` with `changes` applied: numbers set, nulls removed. */
function presentMetrics(base: Record<string, number>, changes: Record<string, number | null>): Record<string, number> {
  const out = { ...base };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
