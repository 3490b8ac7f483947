import { hash, unit } from './random.mjs';

/*
 * The backup schedule both sides agree on: every backed-up guest gets a nightly backup (02:00 UTC plus
 * a per-guest offset) kept for 7 days. PVE shows them as storage content and vzdump tasks, PBS as
 * groups and snapshots, so Pulse's "not backed up" list has a known answer: guests with
 * `backedUp: false` (every ninth, and templates).
 */

const DAY = 86400;
export const KEEP_DAYS = 7;

/** @typedef {{ time: number, size: number, verification?: 'ok' | 'failed', protected: boolean }} BackupSnapshot */

/** The snapshots of one guest that exist at tSec, newest first. */
export function snapshotsOf(/** @type {number} */ seed, /** @type {import('./pve-model.mjs').Guest} */ g, /** @type {number} */ tSec) {
  if (!g.backedUp) return [];
  const offset = 2 * 3600 + (g.vmid % 180) * 20;
  const today = Math.floor(tSec / DAY) * DAY;
  /** @type {BackupSnapshot[]} */
  const out = [];
  for (let d = 0; d <= KEEP_DAYS; d++) {
    const time = today - d * DAY + offset;
    if (time > tSec || out.length === KEEP_DAYS) continue;
    const v = unit(seed, `verify:${g.vmid}:${time}`);
    out.push({
      time,
      size: Math.round(g.maxdisk * (g.diskFrac + 0.01 * d)),
      verification: d === 0 && v < 0.5 ? undefined : v < 0.06 ? 'failed' : v < 0.9 ? 'ok' : undefined,
      protected: hash(seed, `prot:${g.vmid}`) % 23 === 0 && d === KEEP_DAYS - 1,
    });
  }
  return out;
}

/** The nightly vzdump job runs of one node that have finished (or started) by tSec, newest first. */
export function vzdumpRuns(/** @type {number} */ seed, /** @type {string} */ node, /** @type {number} */ tSec) {
  const today = Math.floor(tSec / DAY) * DAY;
  const runs = [];
  for (let d = 0; d <= KEEP_DAYS; d++) {
    const start = today - d * DAY + 2 * 3600;
    if (start > tSec) continue;
    const duration = 300 + (hash(seed, `vzd:${node}:${start}`) % 1500);
    const r = unit(seed, `vzdst:${node}:${start}`);
    runs.push({ start, end: start + duration > tSec ? undefined : start + duration, status: r < 0.05 ? 'job errors' : r < 0.15 ? 'WARNINGS: 1' : 'OK' });
  }
  return runs;
}

/** PVE/PBS task ids: UPID:node:pid:pstart:starttime:type:id:user: with hex numbers. */
export function upid(/** @type {string} */ node, /** @type {number} */ pid, /** @type {number} */ start, /** @type {string} */ type, /** @type {string} */ id, /** @type {string} */ user) {
  const hex = (/** @type {number} */ n) => n.toString(16).toUpperCase().padStart(8, '0');
  return `UPID:${node}:${hex(pid)}:${hex(pid * 7 + 1000)}:${hex(start)}:${type}:${id}:${user}:`;
}
