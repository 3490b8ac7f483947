#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { recordTree } from './recorder.mjs';

const usage = `Records what the host collector reads into a fixture tree (see tools/record-proc/README.md).

  node tools/record-proc/record.mjs --out <dir> --label <name> [--proc /proc] [--sys /sys] [--root /]
       [--snapshots 2] [--interval-ms 1000] [--pids 20] [--notes-file <file.md>]

Run as root to include root-only files (DMI UUID); as the agent's user to record what it sees.`;

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    label: { type: 'string' },
    proc: { type: 'string', default: '/proc' },
    sys: { type: 'string', default: '/sys' },
    root: { type: 'string', default: '/' },
    snapshots: { type: 'string', default: '2' },
    'interval-ms': { type: 'string', default: '1000' },
    pids: { type: 'string', default: '20' },
    'notes-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.out || !values.label) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
if (values.proc !== '/proc') {
  // statfs.json comes from this process's own mount namespace, which may not be the one that /proc is.
  console.warn('record-proc: statfs figures are taken from this process\'s mount namespace, not necessarily that of --proc');
}

const manifest = recordTree({
  out: values.out,
  label: values.label,
  procRoot: values.proc,
  sysRoot: values.sys,
  rootDir: values.root,
  snapshots: Number(values.snapshots),
  intervalMs: Number(values['interval-ms']),
  pidSample: Number(values.pids),
  notes: values['notes-file'] ? readFileSync(values['notes-file'], 'utf8') : undefined,
  command: `node tools/record-proc/record.mjs ${process.argv.slice(2).join(' ')}`,
});
console.log(`record-proc: ${values.out}: ${manifest.snapshots.length} snapshot(s), ${manifest.processes.recorded.length} of ${manifest.processes.total} processes`);
