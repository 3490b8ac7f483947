import { ApiError, enumParam, route, vmidParam } from './routes.mjs';
import { storagesOf } from './pve-storage.mjs';

/*
 * PVE answers for the cluster, nodes and guests (pveproxy's /api2/json). Shapes and quirks follow
 * fixtures/README.md: tags ';'-separated, template 0/1, LXC list vmid as a string, loadavg and
 * cpuinfo.mhz as strings, keys omitted (not null) where PVE has no figure, memhost and pressure only
 * on PVE 9. Everything is built per request from the model: nothing is cached or deep-copied.
 */

const VERSIONS = { 8: { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d', kernel: '6.8.12-11-pve', qemu: '9.2.0' }, 9: { version: '9.0.3', release: '9.0', repoid: '025864202ebb6109', kernel: '6.14.8-2-pve', qemu: '10.0.2' } };

export const versionInfo = (/** @type {8 | 9} */ v) => VERSIONS[v];

/** @param {import('./pve-model.mjs').PveModel} m */
export function pveGuestRoutes(m) {
  const v = VERSIONS[m.version];
  const nine = m.version === 9;

  function guestOn(/** @type {string} */ node, /** @type {string} */ raw, /** @type {'qemu' | 'lxc'} */ type) {
    const vmid = vmidParam(raw);
    const g = m.guestByVmid.get(vmid);
    if (!g || g.node !== node || g.type !== type) {
      throw new ApiError(500, `Configuration file 'nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`);
    }
    return g;
  }

  function resourceOf(/** @type {import('./pve-model.mjs').Guest} */ g, /** @type {number} */ t) {
    /** @type {Record<string, unknown>} */
    const r = { id: `${g.type}/${g.vmid}`, type: g.type, vmid: g.vmid, name: g.name, node: g.node, maxcpu: g.maxcpu, maxmem: g.maxmem, maxdisk: g.maxdisk, template: g.template ? 1 : 0 };
    if (g.tags) r.tags = g.tags;
    if (g.pool) r.pool = g.pool;
    if (g.hastate) r.hastate = g.hastate;
    if (g.lock) r.lock = g.lock;
    // guests of an offline node: PVE has no live figures, so it omits them and says 'unknown'
    if (!m.nodeByName.get(g.node)?.online) return { ...r, status: 'unknown' };
    const u = m.guestUsage(g, t);
    Object.assign(r, { status: g.status, cpu: u.cpu, mem: u.mem, disk: u.disk, netin: u.netin, netout: u.netout, diskread: u.diskread, diskwrite: u.diskwrite, uptime: u.uptime });
    if (nine && g.type === 'qemu' && g.status !== 'stopped') r.memhost = u.memhost;
    return r;
  }

  function nodeResource(/** @type {import('./pve-model.mjs').SimNode} */ n, /** @type {number} */ t) {
    if (!n.online) return { id: `node/${n.name}`, type: 'node', node: n.name, status: 'offline', maxcpu: n.maxcpu, maxmem: n.maxmem, maxdisk: n.rootTotal, level: '' };
    const u = m.nodeUsage(n, t);
    return { id: `node/${n.name}`, type: 'node', node: n.name, status: 'online', cpu: u.cpu, maxcpu: n.maxcpu, mem: u.memUsed, maxmem: n.maxmem, disk: u.rootUsed, maxdisk: n.rootTotal, uptime: u.uptime, level: '', 'cgroup-mode': 2 };
  }

  function listEntry(/** @type {import('./pve-model.mjs').Guest} */ g, /** @type {number} */ t) {
    const u = m.guestUsage(g, t);
    /** @type {Record<string, unknown>} */
    const e = {
      // the LXC list sends vmid as a string, the QEMU list as a number (a long-standing PVE quirk)
      vmid: g.type === 'lxc' ? String(g.vmid) : g.vmid, name: g.name, status: g.status, cpu: u.cpu, cpus: g.maxcpu, mem: u.mem, maxmem: g.maxmem,
      disk: u.disk, maxdisk: g.maxdisk, netin: u.netin, netout: u.netout, diskread: u.diskread, diskwrite: u.diskwrite, uptime: u.uptime,
    };
    if (g.type === 'lxc') Object.assign(e, { type: 'lxc', swap: u.swap, maxswap: 512 * 1024 * 1024 });
    if (g.status !== 'stopped') e.pid = 1000 + g.vmid * 3;
    if (g.tags) e.tags = g.tags;
    if (g.lock) e.lock = g.lock;
    if (g.template) e.template = 1;
    if (nine && g.type === 'qemu' && g.status !== 'stopped') e.memhost = u.memhost;
    return e;
  }

  function agentShape(/** @type {import('./pve-model.mjs').Guest} */ g) {
    const enabled = g.agent !== 'disabled' ? 1 : 0;
    // PVE 8 reports the config flag; PVE 9 an object (shape per the Pulse reference, unverified)
    if (!nine) return enabled ? { agent: 1 } : {};
    return { agent: { enabled, available: g.agent === 'running' && g.status === 'running' ? 1 : 0 } };
  }

  function pressure(/** @type {boolean} */ on) {
    return nine && on ? { pressurecpusome: 0.1, pressurecpufull: 0.05, pressureiosome: 0.3, pressureiofull: 0.28, pressurememorysome: 0, pressurememoryfull: 0 } : {};
  }

  function statusCurrent(/** @type {import('./pve-model.mjs').Guest} */ g) {
    const t = m.nowSec();
    const u = m.guestUsage(g, t);
    const on = g.status !== 'stopped';
    /** @type {Record<string, unknown>} */
    const s = {
      vmid: g.vmid, name: g.name, status: g.status, cpu: u.cpu, cpus: g.maxcpu, mem: u.mem, maxmem: g.maxmem, disk: u.disk, maxdisk: g.maxdisk,
      netin: u.netin, netout: u.netout, diskread: u.diskread, diskwrite: u.diskwrite, uptime: u.uptime,
      ha: g.hastate ? { managed: 1, state: g.hastate } : { managed: 0 }, ...pressure(on),
    };
    if (g.tags) s.tags = g.tags;
    if (g.lock) s.lock = g.lock;
    if (g.template) s.template = 1;
    if (g.type === 'lxc') return Object.assign(s, { type: 'lxc', swap: u.swap, maxswap: 512 * 1024 * 1024 }, on ? { pid: 1000 + g.vmid * 3 } : {});
    Object.assign(s, agentShape(g), { qmpstatus: g.status === 'paused' ? 'paused' : g.status });
    if (!on) return s;
    const free = g.maxmem - u.mem;
    return Object.assign(s, {
      pid: 1000 + g.vmid * 3, balloon: g.maxmem, freemem: free,
      ballooninfo: { actual: g.maxmem, max_mem: g.maxmem, total_mem: g.maxmem - 262144000, free_mem: free, mem_swapped_in: 0, mem_swapped_out: 0, major_page_faults: 1200, minor_page_faults: 9e6, last_update: t - 2 },
      nics: { [`tap${g.vmid}i0`]: { netin: u.netin, netout: u.netout } },
      'running-machine': nine ? 'pc-i440fx-10.0+pve0' : 'pc-i440fx-9.2+pve1', 'running-qemu': v.qemu, serial: 1, clipboard: null,
      ...(nine ? { memhost: u.memhost } : {}),
    });
  }

  function agentAnswer(/** @type {import('./pve-model.mjs').Guest} */ g, /** @type {() => unknown} */ result) {
    if (g.agent === 'disabled') throw new ApiError(500, 'No QEMU guest agent configured');
    if (g.status !== 'running') throw new ApiError(500, `VM ${g.vmid} not running`);
    if (g.agent !== 'running') throw new ApiError(500, 'QEMU guest agent is not running');
    return { result: result() };
  }

  const ipOf = (/** @type {import('./pve-model.mjs').Guest} */ g) => g.ip;
  const macLower = (/** @type {import('./pve-model.mjs').Guest} */ g) => g.mac.toLowerCase();

  return [
    route('/version', () => ({ version: v.version, release: v.release, repoid: v.repoid })),
    route('/cluster/status', ({ member }) => {
      const rows = m.nodes.map((n) => ({ id: `node/${n.name}`, name: n.name, type: 'node', ip: n.ip, level: '', local: n.name === member ? 1 : 0, nodeid: m.cluster ? n.nodeid : 0, online: n.online ? 1 : 0 }));
      if (!m.cluster) return rows;
      const online = m.nodes.filter((n) => n.online).length;
      return [{ id: 'cluster', name: m.cluster, type: 'cluster', nodes: m.nodes.length, quorate: online * 2 > m.nodes.length ? 1 : 0, version: m.nodes.length + 2 }, ...rows];
    }),
    route('/cluster/resources', ({ query }) => {
      const type = enumParam(query, 'type', ['vm', 'storage', 'node', 'sdn']);
      const t = m.nowSec();
      /** @type {unknown[]} */
      const out = [];
      if (!type || type === 'vm') for (const g of m.guests) out.push(resourceOf(g, t));
      if (!type || type === 'node') for (const n of m.nodes) out.push(nodeResource(n, t));
      if (!type || type === 'storage') {
        for (const n of m.nodes) {
          for (const s of storagesOf(m, n, t)) {
            const r = { id: `storage/${n.name}/${s.storage}`, type: 'storage', storage: s.storage, node: n.name, status: s.active ? 'available' : 'unknown', plugintype: s.type, content: s.content, shared: s.shared };
            out.push(s.active ? { ...r, disk: s.used, maxdisk: s.total } : r);
          }
        }
      }
      if (!type && m.guests.some((g) => g.pool)) out.push({ id: 'pool/production', type: 'pool', pool: 'production' });
      if (!type || type === 'sdn') for (const n of m.nodes) if (n.online) out.push({ id: `sdn/${n.name}/localnetwork`, type: 'sdn', sdn: 'localnetwork', node: n.name, status: 'ok' });
      return out;
    }),
    route('/nodes', ({ fingerprint }) => m.nodes.map((n) => {
      const base = { node: n.name, id: `node/${n.name}`, type: 'node', level: '', ssl_fingerprint: fingerprint };
      if (!n.online) return { ...base, status: 'offline' };
      const u = m.nodeUsage(n);
      return { ...base, status: 'online', cpu: u.cpu, maxcpu: n.maxcpu, mem: u.memUsed, maxmem: n.maxmem, disk: u.rootUsed, maxdisk: n.rootTotal, uptime: u.uptime };
    })),
    route('/nodes/{node}/status', ({ params }) => {
      const n = /** @type {import('./pve-model.mjs').SimNode} */ (m.nodeByName.get(params.node));
      const u = m.nodeUsage(n);
      const memory = { total: n.maxmem, used: u.memUsed, free: u.memFree };
      const loads = [u.load, u.load * 0.95, u.load * 0.9].map((x) => x.toFixed(2));
      return {
        cpu: u.cpu, wait: u.iowait, idle: 0, loadavg: loads, uptime: u.uptime, ksm: { shared: 0 },
        memory: nine ? { ...memory, available: u.memAvailable } : memory,
        swap: { total: u.swapTotal, used: u.swapUsed, free: u.swapTotal - u.swapUsed },
        rootfs: { total: n.rootTotal, used: u.rootUsed, free: n.rootTotal - u.rootUsed, avail: n.rootTotal - u.rootUsed - 5e9 },
        cpuinfo: { model: n.cpuModel, cpus: n.maxcpu, cores: n.maxcpu / 2, sockets: 1, mhz: '3399.998', hvm: '1', user_hz: 100, flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr' },
        kversion: `Linux ${v.kernel} #1 SMP PREEMPT_DYNAMIC PMX`, pveversion: `pve-manager/${v.version}/${v.repoid}`,
        'current-kernel': { sysname: 'Linux', release: v.kernel, version: '#1 SMP PREEMPT_DYNAMIC PMX', machine: 'x86_64' }, 'boot-info': { mode: 'efi', secureboot: 0 },
      };
    }),
    route('/nodes/{node}/qemu', ({ params }) => { const t = m.nowSec(); return m.guests.filter((g) => g.node === params.node && g.type === 'qemu').map((g) => listEntry(g, t)); }),
    route('/nodes/{node}/lxc', ({ params }) => { const t = m.nowSec(); return m.guests.filter((g) => g.node === params.node && g.type === 'lxc').map((g) => listEntry(g, t)); }),
    route('/nodes/{node}/qemu/{vmid}/status/current', ({ params }) => statusCurrent(guestOn(params.node, params.vmid, 'qemu'))),
    route('/nodes/{node}/lxc/{vmid}/status/current', ({ params }) => statusCurrent(guestOn(params.node, params.vmid, 'lxc'))),
    route('/nodes/{node}/qemu/{vmid}/config', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'qemu');
      return {
        name: g.name, cores: g.maxcpu, sockets: 1, memory: String(g.maxmem / 1024 ** 2), ostype: 'l26', scsihw: 'virtio-scsi-single', boot: 'order=scsi0;net0',
        scsi0: `local-zfs:vm-${g.vmid}-disk-0,iothread=1,size=${g.maxdisk / 1024 ** 3}G`, net0: `virtio=${g.mac},bridge=vmbr0,firewall=1`,
        smbios1: `uuid=${g.uuid}`, vmgenid: g.uuid.split('').reverse().join(''), digest: g.uuid.replace(/-/g, '').padEnd(40, '0'),
        ...(g.agent !== 'disabled' ? { agent: '1,fstrim_cloned_disks=1' } : {}), ...(g.tags ? { tags: g.tags } : {}), ...(g.template ? { template: 1 } : {}),
      };
    }),
    route('/nodes/{node}/lxc/{vmid}/config', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'lxc');
      return { hostname: g.name, arch: 'amd64', cores: g.maxcpu, memory: g.maxmem / 1024 ** 2, swap: 512, ostype: 'debian', unprivileged: 1, rootfs: `local-zfs:subvol-${g.vmid}-disk-0,size=${g.maxdisk / 1024 ** 3}G`, net0: `name=eth0,bridge=vmbr0,hwaddr=${g.mac},ip=${g.ip}/16,type=veth`, digest: g.uuid.replace(/-/g, '').padEnd(40, '0'), ...(g.tags ? { tags: g.tags } : {}) };
    }),
    route('/nodes/{node}/qemu/{vmid}/agent/get-fsinfo', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'qemu');
      return agentAnswer(g, () => {
        const total = g.maxdisk - 1.2e8;
        return [{ name: 'sda1', mountpoint: '/', type: 'ext4', 'total-bytes': total, 'used-bytes': Math.round(total * g.diskFrac), disk: [{ 'bus-type': 'scsi', bus: 0, target: 0, unit: 0, 'pci-controller': { domain: 0, bus: 9, slot: 1, function: 0 }, dev: '/dev/sda1', serial: '0QEMU_QEMU_HARDDISK_drive-scsi0' }] }];
      });
    }),
    route('/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'qemu');
      return agentAnswer(g, () => {
        const u = m.guestUsage(g);
        return [
          { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }, { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }] },
          { name: 'eth0', 'hardware-address': macLower(g), 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': ipOf(g), prefix: 16 }], statistics: { 'rx-bytes': u.netin, 'rx-packets': Math.floor(u.netin / 900), 'rx-errs': 0, 'rx-dropped': 0, 'tx-bytes': u.netout, 'tx-packets': Math.floor(u.netout / 700), 'tx-errs': 0, 'tx-dropped': 0 } },
        ];
      });
    }),
    route('/nodes/{node}/qemu/{vmid}/agent/get-osinfo', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'qemu');
      return agentAnswer(g, () => ({ id: 'debian', name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', version: '12 (bookworm)', 'version-id': '12', 'kernel-release': '6.1.0-37-amd64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)', machine: 'x86_64' }));
    }),
    route('/nodes/{node}/lxc/{vmid}/interfaces', ({ params }) => {
      const g = guestOn(params.node, params.vmid, 'lxc');
      if (g.status !== 'running') throw new ApiError(500, `CT ${g.vmid} not running`);
      return [{ name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8', inet6: '::1/128' }, { name: 'eth0', hwaddr: macLower(g), inet: `${ipOf(g)}/16` }];
    }),
  ];
}
