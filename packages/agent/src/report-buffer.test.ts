import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import type { AgentLogger } from './logger.js';
import { ReportBuffer } from './report-buffer.js';
import type { SpooledReport } from './report-spool.js';
import { ReportSpool } from './report-spool.js';

/** A stand-in report whose JSON is {"n":n} padded to roughly `size` compressed bytes. */
function report(n: number, padding = 0): SpooledReport {
  const json = JSON.stringify({ n, pad: Buffer.alloc(padding, 7).toString('base64') });
  return { gz: gzipSync(json, { level: 0 }), rawBytes: json.length };
}
const numbers = (reports: SpooledReport[]) => reports.map((r) => (JSON.parse(gunzipSync(r.gz).toString('utf8')) as { n: number }).n);
const limits = { reports: 100, gzBytes: 1e9, rawBytes: 1e9 };

function collectingLogger(lines: string[]): AgentLogger {
  const push = (_: object, msg?: string) => void lines.push(msg ?? '');
  return { error: push, warn: push, info: push, debug: () => {} };
}

describe('report buffer', () => {
  it('hands reports out oldest first and forgets them once removed', () => {
    const buffer = new ReportBuffer({ maxBytes: 1e6, logger: silentLogger });
    for (let n = 0; n < 5; n++) buffer.push(report(n));
    expect(numbers(buffer.peek({ ...limits, reports: 3 }))).toEqual([0, 1, 2]);
    buffer.remove(2);
    expect(buffer.length).toBe(3);
    expect(numbers(buffer.peek(limits))).toEqual([2, 3, 4]);
  });

  it('drops the oldest reports past its byte cap, counts them and says so once per outage', () => {
    const lines: string[] = [];
    const one = report(0, 1000).gz.length;
    const buffer = new ReportBuffer({ maxBytes: one * 3, logger: collectingLogger(lines) });
    for (let n = 0; n < 10; n++) buffer.push(report(n, 1000));
    expect(numbers(buffer.peek(limits))).toEqual([7, 8, 9]);
    expect(buffer.dropped).toBe(7);
    expect(buffer.bytes).toBeLessThanOrEqual(one * 3 + 10);
    expect(lines.filter((l) => l.includes('full'))).toHaveLength(1);
    buffer.remove(3);
    expect(lines.at(-1)).toContain('dropped');
  });

  it('keeps a batch under the byte limits but always offers at least one report', () => {
    const buffer = new ReportBuffer({ maxBytes: 1e7, logger: silentLogger });
    for (let n = 0; n < 10; n++) buffer.push(report(n, 1000));
    const size = buffer.peek(limits)[0]!.gz.length;
    expect(buffer.peek({ ...limits, gzBytes: size * 4 + 1 })).toHaveLength(4);
    expect(buffer.peek({ ...limits, rawBytes: 1 })).toHaveLength(1);
  });

  it('writes nothing to disk while the server answers, and everything waiting once it does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-buffer-'));
    const buffer = new ReportBuffer({ maxBytes: 1e6, logger: silentLogger, spool: new ReportSpool({ dir, logger: silentLogger }) });
    buffer.restore();
    buffer.push(report(0));
    buffer.remove(1);
    expect(readdirSync(dir)).toEqual([]);

    buffer.push(report(1));
    buffer.persist();
    buffer.push(report(2));
    const afterRestart = new ReportBuffer({ maxBytes: 1e6, logger: silentLogger, spool: new ReportSpool({ dir, logger: silentLogger }) });
    expect(afterRestart.restore()).toBe(2);
    expect(numbers(afterRestart.peek(limits))).toEqual([1, 2]);

    buffer.remove(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('applies its cap to what an earlier run spooled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-buffer-'));
    const first = new ReportBuffer({ maxBytes: 1e6, logger: silentLogger, spool: new ReportSpool({ dir, logger: silentLogger }) });
    first.persist();
    for (let n = 0; n < 10; n++) first.push(report(n, 1000));
    const one = report(0, 1000).gz.length;
    const second = new ReportBuffer({ maxBytes: one * 4, logger: silentLogger, spool: new ReportSpool({ dir, logger: silentLogger }) });
    second.restore();
    expect(numbers(second.peek(limits))).toEqual([6, 7, 8, 9]);
    expect(second.dropped).toBe(6);
  });
});
