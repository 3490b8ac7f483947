import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { captureSnapshot, samplePids } from './capture.mjs';
import { describeMachine, recordedMarkdown } from './recorded-md.mjs';
import { buildReplacements, sanitizeFile, sanitizePath } from './sanitize.mjs';

/**
 * Records a fixture tree for the host collector: the first snapshot in the layout of
 * packages/collectors/src/host/fixtures (`proc/`, `sys/`, `etc/`, `statfs.json`), each later one in
 * `snapshot-<n>/` holding only the files that changed since the first, and `recording.json` with
 * when each snapshot was taken (ms after the first, for rates) and which files it no longer has.
 *
 * @param {{ out: string, label: string, procRoot?: string, sysRoot?: string, rootDir?: string,
 *   snapshots?: number, intervalMs?: number, pidSample?: number, command?: string, notes?: string,
 *   sleep?: (ms: number) => void }} options
 */
export function recordTree(options) {
  const procRoot = options.procRoot ?? '/proc';
  const sysRoot = options.sysRoot ?? '/sys';
  const rootDir = options.rootDir ?? '/';
  const count = Math.max(1, options.snapshots ?? 2);
  const intervalMs = options.intervalMs ?? 1000;
  const sleep = options.sleep ?? ((ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms));

  const sample = samplePids(procRoot, options.pidSample ?? 20);
  const snapshots = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && intervalMs > 0) sleep(intervalMs);
    snapshots.push(captureSnapshot({ procRoot, sysRoot, rootDir, pids: sample.pids }));
  }
  // One set of replacements, from the first snapshot, for every snapshot: the same machine throughout.
  const replacements = buildReplacements(snapshots[0].files, options.label);
  const sanitized = snapshots.map((snapshot) => ({
    ...snapshot,
    files: new Map([...snapshot.files].map(([path, bytes]) => [path, sanitizeFile(path, bytes, replacements)])),
    statfs: Object.fromEntries(Object.entries(snapshot.statfs).map(([path, stats]) => [sanitizePath(path, replacements), stats])),
  }));

  rmSync(options.out, { recursive: true, force: true });
  const write = (path, content) => {
    mkdirSync(dirname(join(options.out, path)), { recursive: true });
    writeFileSync(join(options.out, path), content);
  };
  const [first, ...later] = sanitized;
  for (const [path, bytes] of first.files) write(path, bytes);
  write('statfs.json', statfsJson(first.statfs));

  const manifest = {
    label: options.label,
    recordedAt: new Date(first.at).toISOString(),
    snapshots: [{ atMs: 0, dir: '.' }],
    processes: { total: sample.total, states: sample.states, recorded: sample.pids },
    unreadable: first.unreadable,
  };
  later.forEach((snapshot, index) => {
    const dir = `snapshot-${index + 2}`;
    let changed = 0;
    for (const [path, bytes] of snapshot.files) {
      if (first.files.get(path)?.equals(bytes)) continue;
      write(`${dir}/${path}`, bytes);
      changed++;
    }
    if (statfsJson(snapshot.statfs) !== statfsJson(first.statfs)) write(`${dir}/statfs.json`, statfsJson(snapshot.statfs));
    manifest.snapshots.push({
      atMs: Math.round((snapshot.at - first.at) * 1000) / 1000,
      dir,
      changed,
      removed: [...first.files.keys()].filter((path) => !snapshot.files.has(path)),
    });
  });
  write('recording.json', json(manifest));

  const machine = describeMachine({ procRoot, sysRoot, rootDir, files: first.files });
  write('RECORDED.md', recordedMarkdown({ ...options, procRoot, sysRoot, rootDir, intervalMs, manifest, machine, replacements }));
  return manifest;
}

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** One mount point a line, as the hand-written trees have it. */
const statfsJson = (table) => `{\n${Object.entries(table).map(([path, stats]) => `  ${JSON.stringify(path)}: ${JSON.stringify(stats)}`).join(',\n')}\n}\n`;
