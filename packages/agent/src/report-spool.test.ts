import { appendFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import type { AgentLogger } from './logger.js';
import { ReportSpool } from './report-spool.js';
import type { SpooledReport } from './report-spool.js';

const report = (n: number): SpooledReport => {
  const json = JSON.stringify({ n });
  return { gz: gzipSync(json), rawBytes: json.length };
};
const numbers = (reports: SpooledReport[]) => reports.map((r) => (JSON.parse(gunzipSync(r.gz).toString('utf8')) as { n: number }).n);
const freshDir = () => join(mkdtempSync(join(tmpdir(), 'pulse-agent-spool-')), 'state');

describe('report spool', () => {
  it('gives a new process the reports the last one spooled, in order, in files only the agent can read', () => {
    const dir = freshDir();
    const spool = new ReportSpool({ dir, logger: silentLogger });
    expect(spool.load()).toEqual([]);
    spool.append([report(1), report(2)]);
    spool.append([report(3)]);
    const files = readdirSync(dir);
    expect(files).toEqual(['000000000001.spool']);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    const restarted = new ReportSpool({ dir, logger: silentLogger });
    const loaded = restarted.load();
    expect(numbers(loaded)).toEqual([1, 2, 3]);
    expect(loaded.map((r) => r.rawBytes)).toEqual([7, 7, 7]);
    // New segments continue the numbering, so order holds across restarts.
    restarted.append([report(4)]);
    expect(readdirSync(dir).sort()).toEqual(['000000000001.spool', '000000000002.spool']);
    expect(numbers(new ReportSpool({ dir, logger: silentLogger }).load())).toEqual([1, 2, 3, 4]);
  });

  it('deletes a segment once every report in it is released, and not before', () => {
    const dir = freshDir();
    const spool = new ReportSpool({ dir, logger: silentLogger, maxSegmentBytes: 1 });
    spool.load();
    const reports = [report(1), report(2), report(3)];
    spool.append(reports);
    expect(readdirSync(dir)).toHaveLength(3);
    spool.release(reports[0]!);
    expect(readdirSync(dir)).toHaveLength(2);

    const sharedDir = freshDir();
    const shared = new ReportSpool({ dir: sharedDir, logger: silentLogger });
    shared.load();
    const more = [report(1), report(2)];
    shared.append(more);
    shared.release(more[0]!);
    // Half sent: the segment stays, and a restart now would resend report 1 (a duplicate the server acknowledges).
    expect(numbers(new ReportSpool({ dir: sharedDir, logger: silentLogger }).load())).toEqual([1, 2]);
    shared.release(more[1]!);
    expect(readdirSync(sharedDir)).toEqual([]);
  });

  it('skips a torn record at the end of a segment (a crash mid-write) and keeps the rest', () => {
    const dir = freshDir();
    const spool = new ReportSpool({ dir, logger: silentLogger });
    spool.load();
    spool.append([report(1), report(2)]);
    appendFileSync(join(dir, '000000000001.spool'), Buffer.from([0, 0, 0, 50, 0, 0, 0, 9, 0x1f, 0x8b, 8]));
    const warnings: string[] = [];
    const logger: AgentLogger = { ...silentLogger, warn: (_o, msg) => void warnings.push(msg ?? '') };
    expect(numbers(new ReportSpool({ dir, logger }).load())).toEqual([1, 2]);
    expect(warnings[0]).toContain('torn');
  });

  it('keeps reports in memory when the disk refuses them, and says so once', () => {
    const warnings: string[] = [];
    const logger: AgentLogger = { ...silentLogger, warn: (_o, msg) => void warnings.push(msg ?? '') };
    // A directory inside a regular file: ENOTDIR, whoever runs the test (root ignores permissions).
    const file = join(mkdtempSync(join(tmpdir(), 'pulse-agent-spool-')), 'file');
    writeFileSync(file, '');
    const spool = new ReportSpool({ dir: join(file, 'state'), logger });
    const reports = [report(1), report(2)];
    spool.append(reports);
    spool.append([report(3)]);
    expect(reports.every((r) => r.segment === undefined)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('memory only');
  });
});
