import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

/*
 * One snapshot of exactly what packages/collectors/src/host reads, as { files, unreadable, statfs }:
 * `files` maps a tree path (`proc/stat`, `sys/class/net/eth0/address`, `etc/os-release`) to its raw
 * bytes. The list follows the collector's code (host-collector.ts and the modules it calls); when the
 * collector starts reading a new file, add it here too.
 */

/** /proc files read by path, relative to the proc root. */
const procFiles = [
  'stat', 'meminfo', 'loadavg', 'uptime', 'diskstats', 'net/dev', 'cpuinfo',
  'self/mountinfo', 'self/auxv',
  'sys/kernel/hostname', 'sys/kernel/osrelease', 'sys/vm/min_free_kbytes',
  'pressure/cpu', 'pressure/memory', 'pressure/io',
  'spl/kstat/zfs/arcstats',
];

/** The collector's default machine-id and os-release paths, relative to the etc root's parent. */
const etcFiles = ['etc/machine-id', 'var/lib/dbus/machine-id', 'etc/os-release'];

const netAttributes = ['address', 'operstate', 'flags', 'speed'];

/** Raw bytes, or the errno code when the read fails (EINVAL for a virtual link's speed, EACCES...). */
function tryRead(path) {
  try {
    return readFileSync(path);
  } catch (err) {
    return err.code ?? String(err);
  }
}

function list(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Parses enough of `/proc/<pid>/stat` to pick a sample: state, CPU ticks and RSS pages. */
export function parseStatLine(line) {
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).trim().split(' ');
  return { state: fields[0], cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
}

/**
 * Which processes to record: pid 1 and 2, the busiest and the largest, one of each state present,
 * then the lowest pids, up to `size`. A whole PID table would make a fixture of megabytes; the
 * collector only needs a realistic mix to count states and rank the top lists.
 */
export function samplePids(procRoot, size) {
  const all = [];
  for (const entry of list(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const bytes = tryRead(join(procRoot, entry, 'stat'));
    if (typeof bytes === 'string') continue;
    all.push({ pid: Number(entry), ...parseStatLine(bytes.toString('utf8')) });
  }
  all.sort((a, b) => a.pid - b.pid);
  const chosen = new Set(all.filter((p) => p.pid <= 2).map((p) => p.pid));
  const take = (list, count) => { for (const p of list.slice(0, count)) if (chosen.size < size) chosen.add(p.pid); };
  take([...all].sort((a, b) => b.cpuTicks - a.cpuTicks), 6);
  take([...all].sort((a, b) => b.rssPages - a.rssPages), 6);
  for (const state of new Set(all.map((p) => p.state))) take(all.filter((p) => p.state === state), 1);
  take(all, size);
  const states = {};
  for (const p of all) states[p.state] = (states[p.state] ?? 0) + 1;
  return { pids: [...chosen].sort((a, b) => a - b), total: all.length, states };
}

/** hwmon chips: top-level attributes, or `device/` on old kernels, as temperatures.ts looks. */
function hwmonFiles(sysRoot, add) {
  const root = join(sysRoot, 'class/hwmon');
  for (const chip of list(root).filter((name) => /^hwmon\d+$/.test(name))) {
    let dir = `class/hwmon/${chip}`;
    let names = list(join(sysRoot, dir));
    if (!names.includes('name') && !names.some((n) => /^temp\d+_input$/.test(n))) {
      dir += '/device';
      names = list(join(sysRoot, dir));
    }
    for (const name of names) if (name === 'name' || /^temp\d+_(input|label|max|crit)$/.test(name)) add(`${dir}/${name}`);
  }
}

function thermalFiles(sysRoot, add) {
  for (const zone of list(join(sysRoot, 'class/thermal')).filter((name) => /^thermal_zone\d+$/.test(name))) {
    for (const name of list(join(sysRoot, 'class/thermal', zone))) {
      if (name === 'type' || name === 'temp' || /^trip_point_\d+_(type|temp)$/.test(name)) add(`class/thermal/${zone}/${name}`);
    }
  }
}

/** mountinfo's mount points, decoded as the collector decodes them (`\040` is a space). */
export function mountPoints(mountinfo) {
  const points = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0 || fields.length < 5) continue;
    points.push({
      path: fields[4].replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8))),
      fstype: fields[dash + 1],
    });
  }
  return points;
}

/**
 * statfs of every mount point, in the shape statfs.json holds. autofs points are skipped: a statfs
 * there can trigger the automount. A hung network mount would block here, as it would the collector.
 */
function statfsTable(mountinfo) {
  const table = {};
  for (const { path, fstype } of mountPoints(mountinfo)) {
    if (fstype === 'autofs' || path in table) continue;
    try {
      const { bsize, blocks, bfree, bavail } = statfsSync(path);
      table[path] = { bsize, blocks, bfree, bavail };
    } catch {
      // Unreachable from here (a mount under a masked path): the collector would skip it too.
    }
  }
  return table;
}

/**
 * Reads one snapshot. `pids` fixes the process sample (chosen on the first snapshot and re-read on
 * later ones, so their CPU ticks can be compared).
 */
export function captureSnapshot({ procRoot, sysRoot, rootDir, pids }) {
  const files = new Map();
  const unreadable = {};
  const add = (treePath, fsPath) => {
    const bytes = tryRead(fsPath);
    if (typeof bytes === 'string') unreadable[treePath] = bytes;
    else files.set(treePath, bytes);
  };
  const at = performance.timeOrigin + performance.now();
  // /proc/stat first: `at` is the time of the counters the rates are computed from.
  for (const path of procFiles) add(`proc/${path}`, join(procRoot, path));
  for (const pid of pids) add(`proc/${pid}/stat`, join(procRoot, String(pid), 'stat'));
  for (const name of list(join(sysRoot, 'class/net'))) {
    for (const attribute of netAttributes) add(`sys/class/net/${name}/${attribute}`, join(sysRoot, 'class/net', name, attribute));
  }
  hwmonFiles(sysRoot, (path) => add(`sys/${path}`, join(sysRoot, path)));
  thermalFiles(sysRoot, (path) => add(`sys/${path}`, join(sysRoot, path)));
  add('sys/class/dmi/id/product_uuid', join(sysRoot, 'class/dmi/id/product_uuid'));
  for (const path of etcFiles) add(path, join(rootDir, path));
  // Absent files are the norm (no ZFS, no sensors): only report what exists but cannot be read.
  for (const [path, code] of Object.entries(unreadable)) if (code === 'ENOENT') delete unreadable[path];
  const mountinfo = files.get('proc/self/mountinfo')?.toString('utf8') ?? '';
  return { at, files, unreadable, statfs: statfsTable(mountinfo) };
}
