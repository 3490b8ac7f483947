import type { ObservedResource } from '../../../resources/observation.js';
import type { CephDf, CephStatus } from '../answers/index.js';
import { put, putUsage } from './figures.js';
import { cephId, sourceId } from './ids.js';

export interface CephCheck {
  code: string;
  severity: string;
  summary: string;
}

/**
 * The cluster's Ceph as one resource: health and its checks from `ceph status`, usage from
 * `ceph df` (raw bytes, what the OSDs hold) or else pgmap, OSD counts from osdmap (nested one level
 * deeper before Luminous).
 */
export function normalizeCeph(connection: string, status: CephStatus, df?: CephDf): ObservedResource {
  const health = status.health.status;
  const checks: CephCheck[] = Object.entries(status.health.checks ?? {})
    .filter(([, check]) => check.muted !== true)
    .map(([code, check]) => ({ code, severity: check.severity ?? health, summary: check.summary?.message ?? code }));
  const metrics: Record<string, number> = {};
  if (df) putUsage(metrics, 'disk', df.stats.total_used_raw_bytes ?? df.stats.total_used_bytes, df.stats.total_bytes);
  else putUsage(metrics, 'disk', status.pgmap?.bytes_used, status.pgmap?.bytes_total);
  const osd = status.osdmap?.num_osds !== undefined ? status.osdmap : status.osdmap?.osdmap;
  put(metrics, 'osd.total', osd?.num_osds);
  put(metrics, 'osd.up', osd?.num_up_osds);
  put(metrics, 'osd.in', osd?.num_in_osds);
  return {
    id: cephId(connection),
    type: 'ceph',
    name: 'Ceph',
    source: sourceId('pve', connection),
    status: health === 'HEALTH_OK' ? 'online' : 'degraded',
    metrics,
    details: { health, checks, ...(status.fsid ? { fsid: status.fsid } : {}) },
    identity: {},
    tags: [],
  };
}
