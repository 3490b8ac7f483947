import { snapshotsOf, upid } from './backups.mjs';
import { ApiError, route } from './routes.mjs';

/*
 * PBS answers (proxmox-backup-proxy, :8007). Datastore `main` holds the nightly backups of the PVE
 * guests (backups.mjs: same seed and guest count give the same guests), plus one orphan group of a
 * deleted VM; `offsite` is a sync target; `usb` is an unmounted removable store. Job status
 * (last-run-state, next-run) is on /admin/{sync,verify,prune}; /config/* holds configuration only.
 */

const TiB = 1024 ** 4;
const DAY = 86400;

/** @param {import('./pve-model.mjs').PveModel} m the PVE guests whose backups live here */
export function pbsRoutes(m) {
  const owner = 'pve-backup@pbs!pve1';
  const stores = ['main', 'offsite', 'usb'];
  const orphan = { vmid: 100 + m.guests.length + 5, type: 'qemu', name: 'decommissioned', backedUp: true, maxdisk: 32 * 1024 ** 3, diskFrac: 0.4 };
  const groupsAt = (/** @type {number} */ t) => {
    const list = m.guests.filter((g) => g.backedUp).map((g) => ({ g, snaps: snapshotsOf(m.seed, g, t) }));
    // the orphan's last backups are 120 days old: its VM no longer exists
    const old = snapshotsOf(m.seed, /** @type {any} */ (orphan), t - 120 * DAY);
    return [...list, { g: /** @type {any} */ (orphan), snaps: old.slice(0, 2) }].filter((x) => x.snaps.length);
  };
  const used = (/** @type {number} */ t) => Math.round(TiB * 1.6 + ((t / DAY) % 30) * 6e9);
  const mustStore = (/** @type {string} */ s) => { if (!stores.includes(s)) throw new ApiError(400, `datastore '${s}' does not exist`); if (s === 'usb') throw new ApiError(400, `datastore 'usb' is not mounted`); return s; };
  const gcUpid = (/** @type {number} */ t) => upid('pbs', 1010, Math.floor(t / DAY) * DAY - 6 * 3600, 'garbage_collection', 'main', 'root@pam');
  const gcStatus = (/** @type {number} */ t) => ({ upid: gcUpid(t), 'index-file-count': 201, 'index-data-bytes': 21462999810048, 'disk-bytes': used(t), 'disk-chunks': 892341, 'removed-bytes': 13843296256, 'removed-chunks': 6712, 'pending-bytes': 2141286400, 'pending-chunks': 1032, 'removed-bad': 0, 'still-bad': 0 });
  const jobTimes = (/** @type {number} */ t, /** @type {number} */ hour) => {
    const today = Math.floor(t / DAY) * DAY + hour * 3600;
    const last = today <= t ? today : today - DAY;
    return { 'last-run-endtime': last + 900, 'next-run': last + DAY };
  };
  const type = (/** @type {{ type: string }} */ g) => (g.type === 'qemu' ? 'vm' : 'ct');

  return [
    route('/version', () => ({ version: '3.4.2', release: '3.4', repoid: 'b0a4f1e8ce2c5d66' })),
    route('/nodes', () => [{ node: 'localhost' }]),
    route('/nodes/localhost/status', ({ fingerprint }) => {
      const t = m.nowSec();
      return {
        cpu: 0.02 + (t % 60) / 3000, wait: 0.004, loadavg: [0.08, 0.11, 0.09], uptime: 1730044 + (t % 1e6),
        memory: { total: 16487870464, used: 3917234176, free: 12570636288 }, swap: { total: 4294963200, used: 0, free: 4294963200 },
        root: { total: 62738149376, used: 7325310976, free: 55412838400, avail: 52612837376 },
        cpuinfo: { model: 'Intel(R) Celeron(R) N5105 @ 2.00GHz', sockets: 1, cpus: 4 }, info: { fingerprint: fingerprint.toLowerCase() },
        kversion: 'Linux 6.8.12-11-pve #1 SMP PREEMPT_DYNAMIC PMX', 'current-kernel': { sysname: 'Linux', release: '6.8.12-11-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX', machine: 'x86_64' }, 'boot-info': { mode: 'efi', secureboot: false },
      };
    }),
    route('/admin/datastore', () => [{ store: 'main', comment: 'nightly PVE backups', 'mount-status': 'nonremovable' }, { store: 'offsite', comment: '' }, { store: 'usb', comment: 'rotating USB disk', 'mount-status': 'notmounted' }]),
    route('/admin/datastore/{store}/status', ({ params, query }) => {
      const s = mustStore(params.store);
      const t = m.nowSec();
      const total = s === 'main' ? 4 * TiB : TiB;
      const u = s === 'main' ? used(t) : Math.round(TiB * 0.28);
      const base = { total, used: u, avail: total - u };
      if (query.get('verbose') !== '1' && query.get('verbose') !== 'true') return base;
      const groups = groupsAt(t);
      return { ...base, 'gc-status': gcStatus(t), counts: { vm: { groups: groups.filter((x) => x.g.type === 'qemu').length, snapshots: groups.filter((x) => x.g.type === 'qemu').reduce((a, x) => a + x.snaps.length, 0) }, ct: { groups: groups.filter((x) => x.g.type === 'lxc').length, snapshots: groups.filter((x) => x.g.type === 'lxc').reduce((a, x) => a + x.snaps.length, 0) } } };
    }),
    route('/status/datastore-usage', () => {
      const t = m.nowSec();
      const start = Math.floor(t / DAY) * DAY - 30 * DAY;
      const history = Array.from({ length: 30 }, (_, i) => (i < 2 ? null : used(start + i * DAY) / (4 * TiB)));
      // linear growth of ~6 GB a day: the date a least-squares fit (as PBS does) would give
      const full = t + Math.round((4 * TiB - used(t)) / 6e9) * DAY;
      return [
        { store: 'main', total: 4 * TiB, used: used(t), avail: 4 * TiB - used(t), history, 'history-start': start, 'history-delta': DAY, 'estimated-full-date': full, 'gc-status': gcStatus(t), 'mount-status': 'nonremovable', 'backend-type': 'filesystem' },
        { store: 'offsite', total: TiB, used: Math.round(TiB * 0.28), avail: Math.round(TiB * 0.72), history: history.map((h) => (h === null ? null : 0.28)), 'history-start': start, 'history-delta': DAY, 'estimated-full-date': t - 12 * DAY },
        { store: 'usb', total: 0, used: 0, avail: 0, 'estimated-full-date': -1, error: "unable to open chunk store 'usb' at \"/mnt/datastore/usb/.chunks\" - No such file or directory (os error 2)", 'mount-status': 'notmounted' },
      ];
    }),
    route('/admin/datastore/{store}/groups', ({ params }) => {
      if (mustStore(params.store) !== 'main') return [];
      return groupsAt(m.nowSec()).map(({ g, snaps }) => ({ 'backup-type': type(g), 'backup-id': String(g.vmid), 'last-backup': snaps[0].time, 'backup-count': snaps.length, owner, comment: g.name, files: g.type === 'qemu' ? ['drive-scsi0.img.fidx', 'index.json.blob', 'qemu-server.conf.blob'] : ['catalog.pcat1.didx', 'index.json.blob', 'pct.conf.blob', 'root.pxar.didx'] }));
    }),
    route('/admin/datastore/{store}/snapshots', ({ params, query }) => {
      if (mustStore(params.store) !== 'main') return [];
      const bt = query.get('backup-type');
      const bid = query.get('backup-id');
      const out = [];
      for (const { g, snaps } of groupsAt(m.nowSec())) {
        if ((bt && bt !== type(g)) || (bid && bid !== String(g.vmid))) continue;
        for (const s of snaps) {
          /** @type {Record<string, unknown>} */
          const row = { 'backup-type': type(g), 'backup-id': String(g.vmid), 'backup-time': s.time, size: s.size, owner, protected: s.protected, comment: g.name, files: [{ filename: 'index.json.blob', size: 526, 'crypt-mode': 'none' }, { filename: g.type === 'qemu' ? 'drive-scsi0.img.fidx' : 'root.pxar.didx', size: s.size, 'crypt-mode': 'none' }] };
          if (s.verification) row.verification = { state: s.verification, upid: upid('pbs', 1020, s.time + 3 * 3600, 'verificationjob', 'main:v-d8c7d1e2-9b1a', 'root@pam') };
          out.push(row);
        }
      }
      return out;
    }),
    route('/admin/datastore/{store}/gc', ({ params }) => {
      mustStore(params.store);
      const t = m.nowSec();
      return { store: params.store, ...gcStatus(t), 'last-run-upid': gcUpid(t), 'last-run-state': 'ok', duration: 1873, schedule: 'daily', ...jobTimes(t, 18) };
    }),
    route('/config/sync', () => [{ id: 's-7f2a91c3-b8d0', store: 'offsite', remote: 'pbs-primary', 'remote-store': 'main', schedule: 'hourly', 'remove-vanished': false }]),
    route('/config/verify', () => [{ id: 'v-d8c7d1e2-9b1a', store: 'main', schedule: 'daily', 'ignore-verified': true, 'outdated-after': 30 }]),
    route('/config/prune', () => [{ id: 'default-main-3c1f', store: 'main', schedule: 'daily', 'keep-daily': 7, 'keep-last': 3 }]),
    route('/admin/sync', () => { const t = m.nowSec(); const last = Math.floor(t / 3600) * 3600; return [{ id: 's-7f2a91c3-b8d0', store: 'offsite', remote: 'pbs-primary', 'remote-store': 'main', schedule: 'hourly', 'last-run-state': 'OK', 'last-run-endtime': last + 60, 'last-run-upid': upid('pbs', 1030, last, 'syncjob', 'pbs-primary:main:offsite::s-7f2a91c3-b8d0', 'root@pam'), 'next-run': last + 3600 }]; }),
    route('/admin/verify', () => [{ id: 'v-d8c7d1e2-9b1a', store: 'main', schedule: 'daily', 'last-run-state': 'verification failed - please check the log for details', 'last-run-upid': upid('pbs', 1020, m.nowSec() - DAY, 'verificationjob', 'main:v-d8c7d1e2-9b1a', 'root@pam'), ...jobTimes(m.nowSec(), 5) }]),
    route('/admin/prune', () => [{ id: 'default-main-3c1f', store: 'main', schedule: 'daily', 'keep-daily': 7, 'keep-last': 3, 'last-run-state': 'OK', 'last-run-upid': upid('pbs', 1040, m.nowSec() - DAY, 'prunejob', 'main::default-main-3c1f', 'root@pam'), ...jobTimes(m.nowSec(), 4) }]),
    route('/nodes/localhost/tasks', ({ query }) => {
      const t = m.nowSec();
      const limit = Number(query.get('limit') ?? 50);
      const rows = [];
      for (const { g, snaps } of groupsAt(t).slice(0, 200)) {
        for (const s of snaps.slice(0, 2)) {
          const id = `main:${type(g)}/${g.vmid}`;
          rows.push({ upid: upid('pbs', 2000 + (g.vmid % 1000), s.time, 'backup', id, owner), node: 'pbs', pid: 2000 + (g.vmid % 1000), pstart: 45810, starttime: s.time, endtime: s.time + 120, worker_type: 'backup', worker_id: id, user: owner, status: g.vmid % 17 === 0 ? 'WARNINGS: 1' : 'OK' });
        }
      }
      rows.sort((a, b) => b.starttime - a.starttime);
      return rows.slice(0, limit);
    }),
  ];
}
