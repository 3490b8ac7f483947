import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readReportBody } from './report-body.js';

const limits = { compressedBytes: 1024, decompressedBytes: 4096 };
const read = (body: Buffer | string, headers: Record<string, string> = {}) => readReportBody(Readable.from([Buffer.from(body)]), headers, limits);

describe('agent report body', () => {
  it('reads gzip and plain JSON', async () => {
    expect(await read(gzipSync('{"a":1}'), { 'content-encoding': 'gzip' })).toEqual({ a: 1 });
    expect(await read('{"a":2}')).toEqual({ a: 2 });
    expect(await read('{"a":3}', { 'content-encoding': 'identity' })).toEqual({ a: 3 });
  });

  it('refuses bodies over either limit, naming the code', async () => {
    await expect(read('x'.repeat(2000))).rejects.toMatchObject({ code: 'agent.report_too_large' });
    await expect(read('{}', { 'content-length': '5000' })).rejects.toMatchObject({ code: 'agent.report_too_large' });
    await expect(read(gzipSync(`"${'0'.repeat(10_000)}"`), { 'content-encoding': 'gzip' })).rejects.toMatchObject({ code: 'agent.report_too_large', message: expect.stringContaining('inflates') });
  });

  it('calls truncated gzip, bad JSON and a short body malformed, and other encodings unsupported', async () => {
    const gz = gzipSync('{"a":1}');
    await expect(read(gz.subarray(0, gz.length - 4), { 'content-encoding': 'gzip' })).rejects.toMatchObject({ code: 'agent.report_malformed' });
    await expect(read('{"a":', {})).rejects.toMatchObject({ code: 'agent.report_malformed' });
    await expect(read('{}', { 'content-length': '10' })).rejects.toMatchObject({ code: 'agent.report_malformed' });
    await expect(read('{}', { 'content-encoding': 'br' })).rejects.toMatchObject({ code: 'agent.report_encoding' });
  });
});
