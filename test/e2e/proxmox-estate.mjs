/*
 * A made-up Proxmox estate for the Proxmox pages' browser tests and for looking at the pages by hand:
 * a four-node cluster "homelab" (one node offline), its guests, storage, ZFS pools, disks and Ceph, and
 * a Backup Server, reported in the shapes of packages/server/src/sources/proxmox/CONTRACT.md with
 * figures drifting on every report. Seeded, so every run draws the same estate.
 */

const CONNECTION = 'homelab';
const DAY = 86_400_000;
const GIB = 1024 ** 3;

/** A small seeded generator, so every run draws the same estate. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['web', 'db', 'cache', 'proxy', 'git', 'ci-runner', 'media', 'dns', 'mail', 'vault', 'grafana', 'k8s-worker', 'nas-gw', 'backup', 'ha', 'nextcloud', 'jellyfin', 'pihole', 'minio', 'elastic'];
const TAGS = ['prod', 'dev', 'web', 'db', 'k8s', 'media', 'infra', 'monitoring'];
const OSES = ['Debian GNU/Linux 12 (bookworm)', 'Ubuntu 24.04 LTS', 'Windows Server 2022', 'Rocky Linux 9.4', 'Alpine Linux 3.20'];

/** The estate's fixed part: what each resource is. Figures are added by `figures()` on each report. */
export function createEstate({ guests = 40, ceph = true, now = Date.now() } = {}) {
  const rnd = random(42);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const nodes = [
    { node: 'pve1', ip: '10.0.0.11', cpus: 32, memTotal: 128 * GIB, updates: 0 },
    { node: 'pve2', ip: '10.0.0.12', cpus: 24, memTotal: 96 * GIB, updates: 4 },
    { node: 'pve3', ip: '10.0.0.13', cpus: 16, memTotal: 64 * GIB, updates: 12 },
    { node: 'pve4', ip: '10.0.0.14', cpus: 8, memTotal: 32 * GIB, updates: 0, offline: true },
  ];
  const online = nodes.filter((n) => !n.offline);
  const list = [];
  for (let i = 0; i < guests; i++) {
    const template = i === guests - 1 && guests > 3;
    const vmid = template ? 9000 : 100 + i;
    const kind = rnd() < 0.7 ? 'qemu' : 'lxc';
    const node = online[i % online.length];
    const roll = rnd();
    const status = template ? 'stopped' : i === 5 ? 'paused' : roll < 0.12 ? 'stopped' : 'running';
    const tags = TAGS.filter(() => rnd() < 0.18);
    const backupRoll = rnd();
    // Most back up nightly through PVE; some only show in PBS; some are a week behind or never.
    const backup = template ? 'none' : backupRoll < 0.6 ? 'pve' : backupRoll < 0.8 ? 'pbs' : backupRoll < 0.9 ? 'stale' : 'none';
    list.push({
      vmid,
      kind,
      node: node.node,
      name: template ? 'debian-12-template' : `${NAMES[i % NAMES.length]}-${String(Math.floor(i / NAMES.length) + 1).padStart(2, '0')}`,
      status,
      tags,
      template,
      pool: rnd() < 0.5 ? (rnd() < 0.6 ? 'production' : 'lab') : undefined,
      lock: i === 7 ? 'backup' : undefined,
      hastate: i % 9 === 0 ? 'started' : undefined,
      agent: kind === 'qemu' ? (i % 6 === 1 ? 'enabled-not-running' : i % 5 === 2 ? 'disabled' : 'running') : undefined,
      os: pick(OSES),
      cpus: [1, 2, 4, 8][Math.floor(rnd() * 4)],
      memTotal: [1, 2, 4, 8, 16][Math.floor(rnd() * 5)] * GIB,
      diskTotal: [8, 32, 64, 128, 512][Math.floor(rnd() * 5)] * GIB,
      backup,
      backupAt: backup === 'stale' ? now - (8 + rnd() * 20) * DAY : now - rnd() * 20 * 3_600_000,
      snapshots: Math.floor(rnd() * 4),
      load: rnd(),
    });
  }
  return { nodes, guests: list, ceph };
}

/** One report of the whole estate at time `t`, figures drifting with `tick`. */
export function report(estate, t, tick) {
  const rnd = random(1000 + tick);
  const wave = (phase, amp = 1) => (Math.sin(tick / 3 + phase) + 1) / 2 * amp;
  const pve = [];
  const pbs = [];
  const nodeId = (n) => `pve:${CONNECTION}:node/${n}`;
  const source = `pve:${CONNECTION}`;
  for (const [i, n] of estate.nodes.entries()) {
    const memUsed = n.memTotal * (0.35 + wave(i, 0.3));
    pve.push({
      id: nodeId(n.node), name: n.node, type: 'node', source,
      status: n.offline ? 'offline' : 'online',
      metrics: n.offline ? {} : {
        cpu: 8 + wave(i, 40) + rnd() * 5, 'cpu.iowait': rnd() * 3, cpus: n.cpus,
        'mem.used': memUsed, 'mem.total': n.memTotal, 'mem.percent': (memUsed / n.memTotal) * 100, 'mem.available': n.memTotal - memUsed, 'mem.cached': n.memTotal * 0.18,
        'swap.used': (i === 2 ? 3.1 : 0.2) * GIB, 'swap.total': 8 * GIB,
        'disk.used': (30 + i * 11) * GIB, 'disk.total': 94 * GIB, 'disk.percent': ((30 + i * 11) / 94) * 100,
        load1: 1.2 + wave(i, 3), load5: 1.1 + wave(i + 1, 2), load15: 1.0 + wave(i + 2, 1),
        uptime: 86_400 * (12 + i * 7) + tick * 2, 'updates.pending': n.updates,
        'net.rx': 2e6 * wave(i, 3), 'net.tx': 1e6 * wave(i + 1, 2),
      },
      details: {
        product: 'pve', node: n.node, cluster: 'homelab', pveVersion: 'pve-manager/8.2.4/faa83925c9641325', kernel: '6.8.8-2-pve',
        cpuModel: n.cpus >= 24 ? 'AMD EPYC 7313P 16-Core Processor' : 'Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz', ip: n.ip,
        memSource: i === 2 ? 'rrd-memavailable' : 'available',
        ...(n.offline ? { error: 'pve4 answered 595: no route to host (connection timed out after 10 s)' } : {}),
      },
      identity: { hostnames: [n.node], ips: [n.ip] }, tags: [],
    });
  }
  for (const [i, g] of estate.guests.entries()) {
    const running = g.status === 'running' || g.status === 'paused';
    const memUsed = g.memTotal * (0.25 + wave(i, 0.6) * g.load);
    const diskUsed = g.diskTotal * (0.2 + g.load * 0.7);
    const type = g.kind === 'qemu' ? 'vm' : 'system-container';
    const metrics = {
      cpus: g.cpus, 'mem.total': g.memTotal, 'disk.total': g.diskTotal, 'disk.used': diskUsed, 'disk.percent': (diskUsed / g.diskTotal) * 100,
      ...(running ? {
        cpu: Math.min(100, g.load * 60 * wave(i) + rnd() * 4), 'mem.used': memUsed, 'mem.percent': (memUsed / g.memTotal) * 100,
        'net.rx': 5e5 * wave(i + 1, g.load * 10), 'net.tx': 2e5 * wave(i + 2, g.load * 6),
        'disk.read': 1e6 * wave(i + 3, g.load * 4), 'disk.write': 6e5 * wave(i + 4, g.load * 5), uptime: 3_600 * (1 + i * 13) + tick * 2,
      } : {}),
      ...(g.kind === 'lxc' ? { 'swap.used': running ? 64 * 1024 ** 2 : 0, 'swap.total': 512 * 1024 ** 2 } : {}),
    };
    const lastBackup = g.backup === 'pve' || g.backup === 'stale' ? { time: g.backupAt, status: 'ok', storage: 'pbs-main', size: g.diskTotal * 0.3 } : undefined;
    const agentUp = g.agent === 'running' && running;
    pve.push({
      id: `pve:${CONNECTION}:${g.kind}/${g.vmid}`, name: g.name, type, parentId: nodeId(g.node), source,
      status: g.status === 'running' ? (g.lock === 'backup' ? 'degraded' : 'online') : g.status === 'paused' ? 'degraded' : 'offline',
      metrics,
      details: {
        product: 'pve', vmid: g.vmid, node: g.node, status: g.status, tags: g.tags, template: g.template,
        ...(g.pool ? { pool: g.pool } : {}), ...(g.lock ? { lock: g.lock } : {}), ...(g.hastate ? { hastate: g.hastate } : {}),
        memSource: g.kind === 'lxc' ? 'cluster-resources' : agentUp ? 'guest-agent' : 'cluster-resources',
        ...(g.kind === 'qemu' ? { agent: g.agent } : {}),
        ...(agentUp || g.kind === 'lxc' ? { os: g.os, ips: [`10.0.${10 + (i % 20)}.${(i % 250) + 2}`, `fd00::${i.toString(16)}`] } : {}),
        ...(agentUp ? { filesystems: [
          { mount: '/', type: 'ext4', used: diskUsed * 0.8, total: g.diskTotal * 0.9 },
          { mount: '/boot/efi', type: 'vfat', used: 6 * 1024 ** 2, total: 512 * 1024 ** 2 },
          { mount: '/var/lib/data', type: 'xfs', used: diskUsed * 0.2, total: g.diskTotal * 0.1 },
        ] } : {}),
        ...(lastBackup ? { lastBackup } : {}),
        snapshots: g.snapshots,
      },
      identity: agentUp ? { hostnames: [g.name] } : {}, tags: g.tags,
    });
  }
  const online = estate.nodes.filter((n) => !n.offline);
  const allNodes = online.map((n) => n.node);
  for (const n of online) {
    pve.push(storage(`${n.node}/local`, 'local', 'dir', ['iso', 'vztmpl', 'backup'], false, [n.node], 94, 30 + allNodes.indexOf(n.node) * 11, nodeId(n.node)));
    pve.push(storage(`${n.node}/local-zfs`, 'local-zfs', 'zfspool', ['images', 'rootdir'], false, [n.node], 1800, 700 + 300 * allNodes.indexOf(n.node) + wave(0, 20), nodeId(n.node)));
  }
  pve.push(storage('nas-nfs', 'nas-nfs', 'nfs', ['backup', 'iso'], true, allNodes, 16_000, 13_900 + wave(2, 30)));
  pve.push(storage('pbs-main', 'pbs-main', 'pbs', ['backup'], true, allNodes, 24_000, 11_200));
  if (estate.ceph) pve.push(storage('ceph-vm', 'ceph-vm', 'rbd', ['images'], true, allNodes, 7_200, 4_100));
  pve.push({ ...storage('pve4/local', 'local', 'dir', ['iso'], false, ['pve4'], 94, 20, nodeId('pve4')), status: 'unknown' });
  for (const [i, n] of online.entries()) {
    const degraded = n.node === 'pve2';
    pve.push({
      id: `pve:${CONNECTION}:zfs/${n.node}/rpool`, name: 'rpool', type: 'storage', parentId: nodeId(n.node), source,
      status: degraded ? 'degraded' : 'online',
      metrics: { 'disk.used': (700 + 300 * i) * GIB, 'disk.total': 1800 * GIB, 'disk.percent': ((700 + 300 * i) / 1800) * 100, 'zfs.frag': 9 + i * 7 },
      details: {
        product: 'pve', plugin: 'zfs-pool', health: degraded ? 'DEGRADED' : 'ONLINE',
        devices: [
          { name: 'mirror-0', state: degraded ? 'DEGRADED' : 'ONLINE', read: 0, write: 0, cksum: 0 },
          { name: 'nvme0n1p3', state: 'ONLINE', read: 0, write: 0, cksum: 0 },
          { name: 'nvme1n1p3', state: degraded ? 'FAULTED' : 'ONLINE', read: degraded ? 3 : 0, write: 0, cksum: degraded ? 17 : 0 },
        ],
      },
      identity: {}, tags: [],
    });
    const disks = [
      { dev: 'nvme0n1', model: 'Samsung SSD 980 PRO 1TB', kind: 'nvme', size: 1000, wear: 6 + i * 9, health: 'PASSED' },
      { dev: 'nvme1n1', model: 'WD Red SN700 1TB', kind: 'nvme', size: 1000, wear: degraded ? 97 : 11 + i, health: degraded ? 'FAILED' : 'PASSED' },
      { dev: 'sda', model: 'ST8000VN004-2M2101', kind: 'hdd', size: 8000, health: 'PASSED' },
    ];
    for (const d of disks) {
      pve.push({
        id: `pve:${CONNECTION}:disk/${n.node}/${d.dev}`, name: d.dev, type: 'disk', parentId: nodeId(n.node), source,
        status: d.health === 'PASSED' ? 'online' : 'degraded',
        metrics: { 'disk.size': d.size * 1e9, ...(d.wear === undefined ? {} : { 'disk.wearout': d.wear }) },
        details: { product: 'pve', devpath: `/dev/${d.dev}`, model: d.model, serial: `S${(i + 1) * 7919}${d.dev.toUpperCase()}`, kind: d.kind, health: d.health },
        identity: {}, tags: [],
      });
    }
  }
  if (estate.ceph) {
    pve.push({
      id: `pve:${CONNECTION}:ceph`, name: 'ceph', type: 'ceph', source, status: 'degraded',
      metrics: { 'disk.used': 21.3e12, 'disk.total': 34.9e12, 'disk.percent': 61, 'osd.up': 8, 'osd.in': 9, 'osd.total': 9 },
      details: {
        product: 'pve', health: 'HEALTH_WARN',
        checks: [
          { code: 'OSD_DOWN', severity: 'HEALTH_WARN', summary: '1 osds down' },
          { code: 'PG_DEGRADED', severity: 'HEALTH_WARN', summary: 'Degraded data redundancy: 1432/96210 objects degraded (1.488%), 37 pgs degraded' },
        ],
      },
      identity: {}, tags: [],
    });
  }

  // The backup server.
  const pbsId = 'pbs:backup';
  pbs.push({
    id: pbsId, name: 'pbs', type: 'node', source: pbsId, status: 'online',
    metrics: { cpu: 4 + wave(5, 10), 'mem.used': 9 * GIB, 'mem.total': 32 * GIB, 'mem.percent': 28, load1: 0.4, uptime: 86_400 * 40 + tick * 2 },
    details: { product: 'pbs', version: '3.2.7' }, identity: { hostnames: ['pbs'], ips: ['10.0.0.20'] }, tags: [],
  });
  const stores = [
    { store: 'main', total: 24e12, used: 11.2e12, dedup: 14.2, full: t + 190 * DAY, gc: 'ok' },
    { store: 'offsite', total: 8e12, used: 7.1e12, dedup: 9.8, full: t + 23 * DAY, gc: 'WARNINGS: 1' },
  ];
  const storeOf = (g) => (g.vmid % 7 === 0 ? 'offsite' : 'main');
  const snapshots = (g) => 4 + (g.vmid % 20);
  const backedUp = estate.guests.filter((g) => g.backup === 'pbs' || g.backup === 'pve' || g.backup === 'stale');
  for (const s of stores) {
    const id = `${pbsId}:datastore/${s.store}`;
    const count = backedUp.filter((g) => storeOf(g) === s.store).reduce((n, g) => n + snapshots(g), s.store === 'main' ? 30 : 0);
    pbs.push({
      id, name: s.store, type: 'datastore', parentId: pbsId, source: pbsId, status: s.used / s.total > 0.85 ? 'degraded' : 'online',
      metrics: { 'disk.used': s.used, 'disk.total': s.total, 'disk.percent': (s.used / s.total) * 100, dedup: s.dedup, backups: count },
      details: {
        store: s.store, estimatedFull: s.full,
        gc: { lastRun: t - 9 * 3_600_000, status: s.gc, removedBytes: 182e9 },
        jobs: s.store === 'main'
          ? [
              { kind: 'verify', id: 'v-main-weekly', lastRunState: 'OK', lastRunEnd: t - 2 * DAY, nextRun: t + 5 * DAY },
              { kind: 'prune', id: 'p-main-daily', lastRunState: 'OK', lastRunEnd: t - 8 * 3_600_000, nextRun: t + 16 * 3_600_000 },
            ]
          : [{ kind: 'sync', id: 's-offsite', lastRunState: 'connection refused (os error 111)', lastRunEnd: t - 26 * 3_600_000, nextRun: t + 3_600_000 }],
      },
      identity: {}, tags: [],
    });
  }
  for (const g of backedUp) {
    const type = g.kind === 'qemu' ? 'vm' : 'ct';
    const store = storeOf(g);
    pbs.push({
      id: `${pbsId}:backup/${store}/${type}/${g.vmid}`, name: `${type}/${g.vmid}`, type: 'backup', parentId: `${pbsId}:datastore/${store}`, source: pbsId,
      status: g.vmid % 11 === 0 ? 'degraded' : 'online',
      metrics: { backups: snapshots(g), 'backup.size': g.diskTotal * 0.3, 'backup.last': g.backupAt },
      details: { backupType: type, backupId: String(g.vmid), owner: 'pulse@pbs!backup', verification: g.vmid % 11 === 0 ? 'failed' : g.vmid % 3 === 0 ? 'none' : 'ok', protected: g.vmid % 13 === 0 },
      identity: {}, tags: [],
    });
  }
  pbs.push({
    id: `${pbsId}:backup/main/host/pbs`, name: 'host/pbs', type: 'backup', parentId: `${pbsId}:datastore/main`, source: pbsId, status: 'online',
    metrics: { backups: 30, 'backup.size': 3 * GIB, 'backup.last': t - 5 * 3_600_000 },
    details: { backupType: 'host', backupId: 'pbs', verification: 'ok' }, identity: {}, tags: [],
  });
  return { pve, pbs };

  function storage(path, name, plugin, content, shared, nodeList, totalGiB, usedGiB, parentId) {
    return {
      id: `pve:${CONNECTION}:storage/${path}`, name, type: 'storage', ...(parentId ? { parentId } : {}), source, status: 'online',
      metrics: { 'disk.used': usedGiB * GIB, 'disk.total': totalGiB * GIB, 'disk.percent': (usedGiB / totalGiB) * 100 },
      details: { product: 'pve', storage: name, plugin, content, shared, active: true, enabled: true, nodes: nodeList },
      identity: {}, tags: [],
    };
  }
}

/** The two sources (PVE and PBS) that report the estate every `everyMs`. */
export function createProxmoxSources(estate, everyMs = 2_000) {
  let tick = 0;
  let timer;
  const sinks = {};
  const emit = () => {
    const at = Date.now();
    const { pve, pbs } = report(estate, at, tick++);
    sinks.pve?.({ source: `pve:${CONNECTION}`, at, resources: pve, complete: true });
    sinks.pbs?.({ source: 'pbs:backup', at, resources: pbs, complete: true });
  };
  const source = (key, id) => ({
    id,
    start(sink) {
      sinks[key] = sink;
      if (sinks.pve && sinks.pbs && !timer) {
        emit();
        timer = setInterval(emit, everyMs);
      }
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  });
  return [source('pve', `pve:${CONNECTION}`), source('pbs', 'pbs:backup')];
}
