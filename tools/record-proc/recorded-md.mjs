import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/*
 * RECORDED.md: where, when and how a tree was recorded, and what the machine lacks, worked out from
 * the files themselves so the note cannot drift from the data.
 */

const read = (path) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

// Namespaces whose initial instance has a fixed inode (include/linux/proc_ns.h), so a recording
// can tell whether it was made inside a new one. Net and mount namespaces have no fixed inode.
const initialInodes = { ipc: 0xefffffff, uts: 0xeffffffe, user: 0xeffffffd, pid: 0xeffffffc, cgroup: 0xeffffffb, time: 0xeffffffa };

function namespaces(procRoot) {
  const own = [];
  for (const [name, inode] of Object.entries(initialInodes)) {
    let link;
    try {
      link = readlinkSync(join(procRoot, 'self/ns', name));
    } catch {
      continue;
    }
    if (link !== `${name}:[${inode}]`) own.push(name);
  }
  return own;
}

/** Facts about the machine that the recorded files do not say themselves (or say only indirectly). */
export function describeMachine({ procRoot, sysRoot, rootDir, files }) {
  const text = (path) => files.get(path)?.toString('utf8') ?? '';
  const cpuinfo = text('proc/cpuinfo');
  const mountinfo = text('proc/self/mountinfo');
  const dmi = (name) => read(join(sysRoot, 'class/dmi/id', name));
  const hypervisor = [
    read(join(sysRoot, 'hypervisor/type')),
    /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo) ? 'CPU flag `hypervisor` set' : undefined,
    dmi('sys_vendor') && `DMI: ${dmi('sys_vendor')} ${dmi('product_name') ?? ''}`.trim(),
  ].filter(Boolean);
  const v1 = / - cgroup /.test(mountinfo);
  const v2 = / - cgroup2 /.test(mountinfo);
  const cgroup = v1 && v2 ? 'v1 hierarchies plus a v2 mount (hybrid)' : v2 ? 'v2 (unified)' : v1 ? 'v1' : 'none mounted';
  const has = (path) => files.has(path);
  const hasPrefix = (prefix) => [...files.keys()].some((path) => path.startsWith(prefix));
  return {
    kernel: text('proc/sys/kernel/osrelease').trim() || read(join(procRoot, 'sys/kernel/osrelease')),
    arch: process.arch,
    os: /^PRETTY_NAME="?([^"\n]*)/m.exec(text('etc/os-release'))?.[1],
    cpus: (cpuinfo.match(/^processor\s*:/gm) ?? []).length,
    hypervisor: hypervisor.length ? hypervisor.join('; ') : 'none detected',
    container: [
      existsSync(join(rootDir, '.dockerenv')) && '/.dockerenv exists',
      existsSync(join(rootDir, 'run/.containerenv')) && '/run/.containerenv exists',
      / - fuse\.lxcfs /.test(mountinfo) && 'lxcfs mounted',
    ].filter(Boolean),
    ownNamespaces: namespaces(procRoot),
    cgroup,
    present: {
      'PSI (/proc/pressure)': hasPrefix('proc/pressure/'),
      'ZFS ARC (arcstats)': has('proc/spl/kstat/zfs/arcstats'),
      'hwmon sensors': hasPrefix('sys/class/hwmon/'),
      'thermal zones': hasPrefix('sys/class/thermal/'),
      'DMI product_uuid': has('sys/class/dmi/id/product_uuid'),
      'MemAvailable in meminfo': /^MemAvailable:/m.test(text('proc/meminfo')),
      '/etc/machine-id': has('etc/machine-id'),
      '/proc/self/auxv': has('proc/self/auxv'),
    },
  };
}

export function recordedMarkdown({ label, command, notes, procRoot, sysRoot, rootDir, intervalMs, manifest, machine, replacements }) {
  const lines = [
    `# Recorded fixture: ${label}`,
    '',
    `Recorded by \`tools/record-proc\` on ${manifest.recordedAt}. Every file is what the kernel answered,`,
    'byte for byte, except for the sanitizing listed below; nothing was edited by hand.',
    '',
    '| | |',
    '| --- | --- |',
    `| Command | \`${command ?? 'recordTree()'}\` |`,
    `| Roots | proc \`${procRoot}\`, sys \`${sysRoot}\`, etc/var from \`${rootDir}\` |`,
    `| Kernel | ${machine.kernel ?? 'unknown'} (${machine.arch}) |`,
    `| OS | ${machine.os ?? 'no os-release'} |`,
    `| CPUs | ${machine.cpus} |`,
    `| Virtualisation | ${machine.hypervisor} |`,
    `| Container signs | ${machine.container.length ? machine.container.join('; ') : 'none'} |`,
    `| Own namespaces | ${machine.ownNamespaces.length ? machine.ownNamespaces.join(', ') : 'none (initial pid, uts, ipc, user, cgroup, time)'} |`,
    `| cgroup | ${machine.cgroup} |`,
    '',
    '## What it has',
    '',
    ...Object.entries(machine.present).map(([what, present]) => `- ${what}: ${present ? 'yes' : '**no**'}`),
    '',
  ];
  if (notes) lines.push('## Notes', '', notes.trim(), '');
  lines.push(
    '## Snapshots',
    '',
    `${manifest.snapshots.length} snapshot(s), ${intervalMs} ms apart as requested. The first is the tree itself; each later one,`,
    'in `snapshot-<n>/`, holds only the files that changed. `recording.json` gives the time of each',
    '(`atMs`, measured when its `/proc/stat` was read) and the files a later snapshot no longer had.',
    '',
    ...manifest.snapshots.slice(1).map((s) => `- \`${s.dir}/\`: ${s.atMs} ms after the first, ${s.changed} files changed, ${s.removed.length} gone`),
    '',
    `Processes: ${manifest.processes.recorded.length} of the ${manifest.processes.total} running were recorded (pid 1 and 2, the busiest`,
    `and largest, one of each state, then the lowest pids). States of all ${manifest.processes.total}: ${
      Object.entries(manifest.processes.states).map(([state, n]) => `${state} ${n}`).join(', ')}.`,
    'So `procs.total` from the tree counts the sample; `procs.running`/`procs.blocked` come from `/proc/stat`.',
    '',
  );
  const unreadable = Object.entries(manifest.unreadable);
  if (unreadable.length) {
    lines.push('Present but unreadable (the collector gets the same errors):', '',
      ...unreadable.map(([path, code]) => `- \`${path}\`: ${code}`), '');
  }
  lines.push(
    '## Sanitized',
    '',
    `Replaced by fakes of the same format, derived from the label, in every file: ${[
      replacements.exact.size ? `${replacements.exact.size} identifier(s) (machine id, DMI UUID, MAC addresses; a MAC keeps its first octet)` : undefined,
      replacements.hostnames.size ? 'the hostname (as a whole word)' : undefined,
    ].filter(Boolean).join(' and ') || 'nothing (no identifiers found)'}.`,
    'Mount options that look like credentials and `user@` in mount sources would read `redacted`, and a',
    '`Serial` line in cpuinfo zeros. `proc/self/auxv` is the recorder\'s own auxiliary vector (binary),',
    'which the collector reads for the page size and clock tick.',
    '',
  );
  return lines.join('\n');
}
