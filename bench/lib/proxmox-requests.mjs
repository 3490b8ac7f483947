/**
 * What bench/proxmox.mjs makes of the simulator's request counters: per node and per path, per
 * minute, and a steady-state estimate for the slow cadences a short window cannot see.
 */

/** Raw paths the sim has no route for (answered 501) folded into templates like the routed ones. */
export function pathTemplate(path) {
  return path
    .replace(/^\/nodes\/[^/]+/, '/nodes/{node}')
    .replace(/\/(qemu|lxc)\/\d+/, '/$1/{vmid}')
    .replace(/\/disks\/zfs\/[^/]+$/, '/disks/zfs/{pool}');
}

export function byTemplate(byPath) {
  const out = {};
  for (const [path, n] of Object.entries(byPath)) {
    const key = path.includes('{') ? path : pathTemplate(path);
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

export function kindOf(template) {
  if (template === '/nodes/{node}/status') return 'node status';
  if (template.startsWith('/nodes/{node}')) return 'background';
  return 'cluster-wide';
}

/**
 * The cadence (ms) of each background path in the server's poller (PVE_CADENCE from the built
 * pve-background.js), so a path whose keys were all first read in the warm-up and are not due
 * again before the window ends can be counted at its steady rate: keys / period.
 */
export function cadenceOf(template, cadence) {
  const table = [
    [/\/nodes\/\{node\}\/rrddata$/, cadence.rrd], [/\/apt\/update$/, cadence.updates], [/\/disks\/list$/, cadence.disks],
    [/\/disks\/zfs$/, cadence.zfs], [/\/disks\/zfs\/\{pool\}$/, cadence.zfsDetail], [/\/nodes\/\{node\}\/tasks$/, cadence.tasks],
    [/^\/cluster\/ceph\/status$/, cadence.ceph], [/^\/cluster\/ceph\/df$/, cadence.cephDf], [/\/status\/current$/, cadence.guestStatus],
    [/\/(qemu|lxc)\/\{vmid\}\/config$/, cadence.guestConfig], [/\/agent\/file-read$/, cadence.agentMeminfo], [/\/agent\/[a-z-]+$/, cadence.agentInfo],
    [/\/lxc\/\{vmid\}\/interfaces$/, cadence.lxcInterfaces], [/\/snapshot$/, cadence.snapshots],
  ];
  return table.find(([re]) => re.test(template))?.[1];
}

/**
 * Per path: requests/min in the window, and the steady-state estimate. Keys of a cadence are all
 * read at first sight (the first cycles of the warm-up) and again only after 0.8–1.0 of their
 * period, bunched: when 0.8 of the period is longer than the warm-up, the warm-up read each key
 * exactly once and keys / period is the steady rate; the window alone would over- or under-count.
 */
export function pathRates({ warm, window, windowMin, warmupMs, cadence }) {
  const paths = [...new Set([...Object.keys(warm), ...Object.keys(window)])].sort();
  return paths.map((template) => {
    const period = cadenceOf(template, cadence);
    const measured = (window[template] ?? 0) / windowMin;
    const slow = period !== undefined && period * 0.8 > warmupMs;
    const steady = slow ? (warm[template] ?? 0) / (period / 60_000) : measured;
    return { path: template, kind: kindOf(template), periodS: period === undefined ? null : period / 1000, warmup: warm[template] ?? 0, window: window[template] ?? 0, perMin: measured, steadyPerMin: steady, estimated: slow };
  });
}
