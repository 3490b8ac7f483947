import { upid, vzdumpRuns } from './backups.mjs';
import { hash } from './random.mjs';
import { ApiError, enumParam, intParam, route, vmidParam } from './routes.mjs';

/*
 * PVE answers about the past: tasks (nightly vzdump runs), snapshots, replication, pending updates
 * and RRD history. RRD rows are sampled from the same functions as the live figures, so history
 * and current values agree; rows when a guest was not running omit every sample key, as PVE does.
 */

const STEP = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
const TIMEFRAMES = Object.keys(STEP);

/** @param {import('./pve-model.mjs').PveModel} m */
export function pveHistoryRoutes(m) {
  const nine = m.version === 9;
  const guestOn = (/** @type {string} */ node, /** @type {string} */ raw, /** @type {string} */ type) => {
    const g = m.guestByVmid.get(vmidParam(raw));
    if (!g || g.node !== node || g.type !== type) throw new ApiError(500, `Configuration file 'nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${raw}.conf' does not exist`);
    return g;
  };

  function rrdTimes(/** @type {URLSearchParams} */ query) {
    const tf = /** @type {keyof typeof STEP} */ (enumParam(query, 'timeframe', TIMEFRAMES, { required: true }));
    enumParam(query, 'cf', ['AVERAGE', 'MAX']);
    const step = STEP[tf];
    const last = Math.floor(m.nowSec() / step) * step;
    return Array.from({ length: 70 }, (_, i) => last - (69 - i) * step);
  }

  function guestRrd(/** @type {import('./pve-model.mjs').Guest} */ g, /** @type {URLSearchParams} */ query) {
    const times = rrdTimes(query);
    return times.map((time) => {
      /** @type {Record<string, number>} */
      const row = { time, maxcpu: g.maxcpu, maxmem: g.maxmem, maxdisk: g.maxdisk, disk: g.type === 'lxc' ? Math.round(g.maxdisk * g.diskFrac) : 0 };
      if (g.status === 'stopped' || time < g.startedAt) return row;
      const u = m.guestUsage(g, time);
      const r = (/** @type {keyof typeof g.rates} */ k) => g.rates[k];
      Object.assign(row, { cpu: u.cpu, mem: u.mem, netin: r('netin'), netout: r('netout'), diskread: r('diskread'), diskwrite: r('diskwrite') });
      if (nine) Object.assign(row, { pressurecpusome: 0.03, pressurecpufull: 0.02, pressureiosome: 0.3, pressureiofull: 0.29, pressurememorysome: 0, pressurememoryfull: 0 });
      if (nine && g.type === 'qemu') row.memhost = u.memhost;
      return row;
    });
  }

  function tasksOf(/** @type {string} */ node, /** @type {URLSearchParams} */ query) {
    const typefilter = query.get('typefilter');
    const source = enumParam(query, 'source', ['archive', 'active', 'all'], { fallback: 'archive' });
    const limit = intParam(query, 'limit', 50) ?? 50;
    const start = intParam(query, 'start', 0) ?? 0;
    const vmid = query.get('vmid');
    if (typefilter && typefilter !== 'vzdump') return [];
    const n = m.nodeByName.get(node);
    const pid = 380000 + (n?.index ?? 0) * 101;
    const onNode = m.guests.filter((g) => g.node === node && g.backedUp);
    /** @type {Record<string, unknown>[]} */
    const rows = [];
    for (const run of vzdumpRuns(m.seed, node, m.nowSec())) {
      const running = run.end === undefined;
      if (source === 'archive' && running) continue;
      if (source === 'active' && !running) continue;
      // one job run per night for all its guests (id ''), plus a manual run of one guest now and then
      const ids = vmid ? (onNode.some((g) => String(g.vmid) === vmid) ? [vmid] : []) : [''];
      for (const id of ids) {
        const row = { upid: upid(node, pid + (run.start % 9973), run.start, 'vzdump', id, 'root@pam'), node, pid: pid + (run.start % 9973), pstart: 86123411, starttime: run.start, type: 'vzdump', id, user: 'root@pam' };
        rows.push(running ? row : { ...row, endtime: run.end, status: run.status });
      }
    }
    return rows.slice(start, start + limit);
  }

  function snapshotsOf(/** @type {import('./pve-model.mjs').Guest} */ g) {
    const count = hash(m.seed, `snap:${g.vmid}`) % 3;
    const base = m.nowSec() - 20 * 86400;
    const snaps = [];
    for (let i = 0; i < count; i++) {
      snaps.push({ name: i === 0 ? 'pre_upgrade' : `auto_${i}`, description: i === 0 ? 'before upgrade' : '', snaptime: base + i * 86400 * 5, ...(i > 0 ? { parent: snaps[i - 1].name } : {}), ...(g.type === 'qemu' ? { vmstate: i % 2 } : {}) });
    }
    return [...snaps, { name: 'current', description: 'You are here!', digest: g.uuid.replace(/-/g, '').slice(0, 40), ...(count ? { parent: snaps[count - 1].name } : {}), ...(g.status === 'running' ? { running: 1 } : {}) }];
  }

  const replicated = () => (m.nodes.length < 2 ? [] : m.guests.filter((g, i) => i % 10 === 3 && !g.template));
  const targetOf = (/** @type {import('./pve-model.mjs').Guest} */ g) => m.nodes[(m.nodeByName.get(g.node)?.index ?? 0) + 1]?.name ?? m.nodes[0].name;

  return [
    route('/nodes/{node}/tasks', ({ params, query }) => tasksOf(params.node, query)),
    route('/nodes/{node}/qemu/{vmid}/snapshot', ({ params }) => snapshotsOf(guestOn(params.node, params.vmid, 'qemu'))),
    route('/nodes/{node}/lxc/{vmid}/snapshot', ({ params }) => snapshotsOf(guestOn(params.node, params.vmid, 'lxc'))),
    route('/cluster/replication', () => replicated().map((g) => ({ id: `${g.vmid}-0`, type: 'local', guest: g.vmid, jobnum: 0, schedule: '*/15', source: g.node, target: targetOf(g) }))),
    route('/nodes/{node}/replication', ({ params }) => {
      const t = m.nowSec();
      const last = Math.floor(t / 900) * 900;
      return replicated().filter((g) => g.node === params.node).map((g, i) => {
        const failing = i % 4 === 3;
        return { id: `${g.vmid}-0`, type: 'local', guest: g.vmid, jobnum: 0, schedule: '*/15', source: g.node, target: targetOf(g), vmtype: g.type, duration: 2.5, last_try: last, last_sync: failing ? last - 86400 : last, next_sync: last + 900, fail_count: failing ? 3 : 0, ...(failing ? { error: 'command \'zfs snapshot\' failed: exit code 1' } : {}) };
      });
    }),
    route('/nodes/{node}/apt/update', ({ params }) => {
      const n = /** @type {import('./pve-model.mjs').SimNode} */ (m.nodeByName.get(params.node));
      return Array.from({ length: n.updates }, (_, i) => ({ Package: ['pve-manager', 'tzdata', 'libc6', 'openssl', 'proxmox-kernel-helper'][i], Title: 'update', Description: 'update', OldVersion: `1.${i}.0`, Version: `1.${i}.1`, Arch: 'amd64', Origin: i === 0 ? 'Proxmox' : 'Debian', Priority: 'optional', Section: 'admin' }));
    }),
    route('/nodes/{node}/rrddata', ({ params, query }) => {
      const n = /** @type {import('./pve-model.mjs').SimNode} */ (m.nodeByName.get(params.node));
      if (query.has('ds')) throw new ApiError(400, 'Parameter verification failed.', { ds: 'property is not defined in schema and the schema does not allow additional properties' });
      return rrdTimes(query).map((time) => {
        const u = m.nodeUsage(n, time);
        /** @type {Record<string, number>} */
        const row = { time, cpu: u.cpu, maxcpu: n.maxcpu, iowait: u.iowait, loadavg: u.load, memtotal: n.maxmem, memused: u.memUsed, swaptotal: u.swapTotal, swapused: u.swapUsed, roottotal: n.rootTotal, rootused: u.rootUsed, netin: u.netinRate, netout: u.netoutRate };
        if (u.arcsize) row.arcsize = u.arcsize;
        if (nine) Object.assign(row, { memavailable: u.memAvailable, pressurecpusome: 2, pressureiosome: 0.02, pressureiofull: 0, pressurememorysome: 0, pressurememoryfull: 0 });
        return row;
      });
    }),
    route('/nodes/{node}/qemu/{vmid}/rrddata', ({ params, query }) => guestRrd(guestOn(params.node, params.vmid, 'qemu'), query)),
    route('/nodes/{node}/lxc/{vmid}/rrddata', ({ params, query }) => guestRrd(guestOn(params.node, params.vmid, 'lxc'), query)),
  ];
}
