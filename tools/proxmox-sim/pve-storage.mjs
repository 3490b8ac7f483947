import { snapshotsOf } from './backups.mjs';
import { hash, unit } from './random.mjs';
import { ApiError, enumParam, route } from './routes.mjs';

/*
 * PVE storage, disks, ZFS and Ceph answers. Every node has `local` (dir) and either `local-zfs` or
 * `local-lvm`; all share `pbs-main` (the PBS datastore, holding the nightly backups of backups.mjs)
 * and `nas-iso` (NFS, inactive on every seventh node, as a hanging mount shows up).
 */

const TiB = 1024 ** 4;
const GiB = 1024 ** 3;

/** The /nodes/{n}/storage rows of a node at time t. */
export function storagesOf(/** @type {import('./pve-model.mjs').PveModel} */ m, /** @type {import('./pve-model.mjs').SimNode} */ n, /** @type {number} */ t) {
  const u = m.nodeUsage(n, t);
  const zfs = n.thinStorage === 'local-zfs';
  const thinTotal = zfs ? 1888581918720 : 348160786432;
  const thinUsed = Math.round(thinTotal * (0.15 + unit(m.seed, `thin:${n.name}`) * 0.6));
  const pbsUsed = Math.round(4 * TiB * 0.45 + (t % 86400) * 2000);
  const row = (/** @type {string} */ storage, /** @type {string} */ type, /** @type {string} */ content, /** @type {number} */ shared, /** @type {number} */ total, /** @type {number} */ used) =>
    ({ storage, type, content, shared, active: 1, enabled: 1, total, used, avail: total - used, used_fraction: used / total });
  const nfsDown = n.index % 7 === 6;
  return [
    row('local', 'dir', 'vztmpl,iso,backup', 0, n.rootTotal, u.rootUsed),
    row(n.thinStorage, zfs ? 'zfspool' : 'lvmthin', 'rootdir,images', 0, thinTotal, thinUsed),
    row('pbs-main', 'pbs', 'backup', 1, 4 * TiB, pbsUsed),
    nfsDown ? { storage: 'nas-iso', type: 'nfs', content: 'iso', shared: 1, active: 0, enabled: 1, total: 0, used: 0, avail: 0 } : row('nas-iso', 'nfs', 'iso', 1, 3840000000000, 1201827840000),
  ];
}

/** Disks of a node; the second node has a failing HDD so a fresh sim has something to alert on. */
function disksOf(/** @type {number} */ seed, /** @type {import('./pve-model.mjs').SimNode} */ n) {
  const wear = (/** @type {string} */ k) => 70 + (hash(seed, `wear:${n.name}:${k}`) % 30);
  const disks = [
    { devpath: '/dev/nvme0n1', type: 'nvme', model: 'Samsung SSD 970 EVO Plus 1TB', serial: `S4EWNX0R${n.index}A`, size: 1000204886016, health: 'PASSED', wearout: wear('nvme'), used: n.thinStorage === 'local-zfs' ? 'ZFS' : 'LVM', vendor: 'unknown', rpm: 0 },
    { devpath: '/dev/sda', type: 'ssd', model: 'CT1000MX500SSD1', serial: `2118E5A1${n.index}`, size: 1000204886016, health: 'PASSED', wearout: wear('ssd'), used: 'BIOS boot', vendor: 'ATA     ', rpm: 0 },
    { devpath: '/dev/sdb', type: 'hdd', model: 'WDC_WD40EFRX-68N32N0', serial: `WD-WCC7K${n.index}`, size: 4000787030016, health: n.index === 1 ? 'FAILED' : 'PASSED', wearout: 'N/A', used: 'ZFS', vendor: 'ATA     ', rpm: 5400 },
  ];
  if (n.index % 3 === 2) disks.push({ devpath: '/dev/sdc', type: 'hdd', model: 'ST4000NM0025', serial: `ZC1A${n.index}`, size: 4000787030016, health: 'OK', wearout: 'N/A', used: 'partitions', vendor: 'SEAGATE ', rpm: 7200 });
  return disks.map((d) => ({ ...d, gpt: 1, mounted: 0, osdid: -1, 'osdid-list': null, by_id_link: `/dev/disk/by-id/${d.type}-${d.serial}`, wwn: `0x5000${hash(seed, d.serial).toString(16)}` }));
}

function poolsOf(/** @type {import('./pve-model.mjs').SimNode} */ n) {
  const pools = [{ name: 'tank', size: 3973534039040, alloc: 2147483648000, frag: 31, health: n.index === 1 ? 'DEGRADED' : 'ONLINE', dedup: 1 }];
  if (n.thinStorage === 'local-zfs') pools.unshift({ name: 'rpool', size: 1888581918720, alloc: 412938240000, frag: 12, health: 'ONLINE', dedup: 1 });
  return pools.map((p) => ({ ...p, free: p.size - p.alloc }));
}

/** @param {import('./pve-model.mjs').PveModel} m */
export function pveStorageRoutes(m) {
  const nodeOf = (/** @type {string} */ name) => /** @type {import('./pve-model.mjs').SimNode} */ (m.nodeByName.get(name));
  const cephNeeded = () => { if (!m.ceph) throw new ApiError(500, 'binary not installed: /usr/bin/ceph-mon'); };
  const osdsUp = () => { const down = m.nodes.filter((n) => !n.online).length * 2; return { total: m.nodes.length * 2, up: m.nodes.length * 2 - down }; };
  return [
    route('/storage', () => [
      { storage: 'local', type: 'dir', content: 'vztmpl,iso,backup', path: '/var/lib/vz', shared: 0, digest: 'd1' },
      { storage: 'local-zfs', type: 'zfspool', content: 'rootdir,images', pool: 'rpool/data', sparse: 1, digest: 'd1', nodes: m.nodes.filter((n) => n.thinStorage === 'local-zfs').map((n) => n.name).join(',') },
      { storage: 'local-lvm', type: 'lvmthin', content: 'rootdir,images', thinpool: 'data', vgname: 'pve', digest: 'd1', nodes: m.nodes.filter((n) => n.thinStorage === 'local-lvm').map((n) => n.name).join(',') },
      { storage: 'pbs-main', type: 'pbs', content: 'backup', server: '10.0.0.20', datastore: 'main', username: 'pve-backup@pbs', digest: 'd1', 'prune-backups': 'keep-daily=7' },
      { storage: 'nas-iso', type: 'nfs', content: 'iso', server: '10.0.0.5', export: '/volume1/iso', path: '/mnt/pve/nas-iso', digest: 'd1' },
    ]),
    route('/nodes/{node}/storage', ({ params, query }) => {
      const content = query.get('content');
      const rows = storagesOf(m, nodeOf(params.node), m.nowSec());
      return content ? rows.filter((s) => s.content.split(',').includes(content)) : rows;
    }),
    route('/nodes/{node}/storage/{storage}/content', ({ params, query }) => {
      const n = nodeOf(params.node);
      const s = storagesOf(m, n, m.nowSec()).find((x) => x.storage === params.storage);
      if (!s) throw new ApiError(500, `storage '${params.storage}' does not exist`);
      const content = enumParam(query, 'content', ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import']);
      if (s.storage !== 'pbs-main' || (content && content !== 'backup')) return [];
      const wanted = query.get('vmid');
      const t = m.nowSec();
      const out = [];
      for (const g of m.guests) {
        if (wanted && String(g.vmid) !== wanted) continue;
        for (const b of snapshotsOf(m.seed, g, t)) {
          const stamp = new Date(b.time * 1000).toISOString().replace('.000', '');
          /** @type {Record<string, unknown>} */
          const row = { volid: `pbs-main:backup/${g.type === 'qemu' ? 'vm' : 'ct'}/${g.vmid}/${stamp}`, content: 'backup', ctime: b.time, format: g.type === 'qemu' ? 'pbs-vm' : 'pbs-ct', subtype: g.type, size: b.size, vmid: g.vmid, notes: g.name };
          if (b.protected) row.protected = 1;
          if (b.verification) row.verification = { state: b.verification, upid: `UPID:pbs:000003F2:0000B21C:00000002:${b.time.toString(16).toUpperCase()}:verificationjob:main:root@pam:` };
          out.push(row);
        }
      }
      return out;
    }),
    route('/nodes/{node}/disks/list', ({ params }) => disksOf(m.seed, nodeOf(params.node))),
    route('/nodes/{node}/disks/zfs', ({ params }) => poolsOf(nodeOf(params.node))),
    route('/nodes/{node}/disks/zfs/{pool}', ({ params }) => {
      const n = nodeOf(params.node);
      const p = poolsOf(n).find((x) => x.name === params.pool);
      if (!p) throw new ApiError(500, `zpool '${params.pool}' does not exist`);
      const bad = p.health === 'DEGRADED';
      const dev = (/** @type {string} */ name, /** @type {string} */ state) => ({ name, state, read: 0, write: 0, cksum: 0, msg: '', leaf: 1 });
      return {
        name: p.name, state: p.health, leaf: 0, read: 0, write: 0, cksum: 0, errors: 'No known data errors',
        scan: 'scrub repaired 0B in 05:12:44 with 0 errors on Sun Jul 13 05:36:45 2025',
        ...(bad ? { status: 'One or more devices are faulted in response to persistent errors.', action: "Replace the device using 'zpool replace'." } : {}),
        children: [{ name: 'mirror-0', state: p.health, read: 0, write: 0, cksum: 0, msg: '', leaf: 0, children: [dev(`ata-WDC_WD40EFRX_${n.index}a-part1`, bad ? 'FAULTED' : 'ONLINE'), dev(`ata-WDC_WD40EFRX_${n.index}b-part1`, 'ONLINE')] }],
      };
    }),
    route('/cluster/ceph/status', () => {
      cephNeeded();
      const osd = osdsUp();
      const warn = osd.up < osd.total;
      const total = osd.total * 960 * GiB;
      const used = Math.round(total * 0.285);
      return {
        fsid: '2d0f3a8e-5c71-4b9e-8a36-1f4e7c9d2b60', election_epoch: 42, quorum: [0, 1, 2], quorum_names: m.nodes.slice(0, 3).map((n) => n.name), quorum_age: 612344,
        health: { status: warn ? 'HEALTH_WARN' : 'HEALTH_OK', checks: warn ? { OSD_DOWN: { severity: 'HEALTH_WARN', summary: { message: `${osd.total - osd.up} osds down`, count: osd.total - osd.up }, muted: false } } : {}, mutes: [] },
        monmap: { epoch: 3, min_mon_release_name: 'squid', num_mons: Math.min(3, m.nodes.length) },
        osdmap: { epoch: 412, num_osds: osd.total, num_up_osds: osd.up, osd_up_since: m.nowSec() - 1800, num_in_osds: osd.total, osd_in_since: m.nowSec() - 86400, num_remapped_pgs: 0 },
        pgmap: { pgs_by_state: [{ state_name: 'active+clean', count: 129 }], num_pgs: 129, num_pools: 2, num_objects: 12410, data_bytes: Math.round(used / 3), bytes_used: used, bytes_avail: total - used, bytes_total: total, read_bytes_sec: 1843, write_bytes_sec: 412983, read_op_per_sec: 2, write_op_per_sec: 31 },
        fsmap: { epoch: 1, by_rank: [], up: 0, 'up:standby': 0 }, mgrmap: { available: true, num_standbys: 1, modules: ['iostat', 'restful'], services: {} }, progress_events: {},
      };
    }),
    route('/cluster/ceph/df', () => {
      cephNeeded();
      const total = osdsUp().total * 960 * GiB;
      const used = Math.round(total * 0.285);
      return {
        stats: { total_bytes: total, total_avail_bytes: total - used, total_used_bytes: used, total_used_raw_bytes: used, total_used_raw_ratio: used / total, num_osds: osdsUp().total, num_per_pool_osds: osdsUp().total, num_per_pool_omap_osds: osdsUp().total },
        pools: [{ name: 'ceph-vm', id: 2, stats: { stored: Math.round(used / 3), objects: 12408, kb_used: Math.round(used / 1024), bytes_used: used, percent_used: used / total, max_avail: Math.round((total - used) / 3) } }],
      };
    }),
  ];
}
