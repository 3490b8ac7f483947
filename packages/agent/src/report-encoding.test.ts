import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AgentReport, AgentReportBatch } from '@pulse/protocol';
import type { AgentResource } from '@pulse/protocol';
import { createReportBuilder } from './report-builder.js';
import type { DockerReading, HostReading } from './report-builder.js';
import { createReportEncoder, encodeBatch, encodeReport } from './report-encoding.js';

const host = (cpu: number): HostReading => ({
  id: 'host:abc', type: 'host', name: 'web01', source: 'agent', status: 'online',
  metrics: { cpu, 'mem.used': 1e9, broken: Number.NaN, 'net.rx': Number.POSITIVE_INFINITY }, details: { cores: [] }, identity: { machineId: 'abc' }, tags: [],
});
const container = (name: string): AgentResource => ({ id: `docker:abc/${name}`, type: 'app-container', name, parentId: 'host:abc', metrics: { cpu: 1 }, details: { state: 'running' }, identity: {}, tags: [] });
const reading = (...names: string[]): DockerReading => ({ docker: { state: 'ok', apiVersion: '1.47' }, containers: names.map(container) });
const inflate = (gz: Buffer) => JSON.parse(gunzipSync(gz).toString('utf8')) as unknown;

describe('report building and encoding', () => {
  it('numbers reports within a run, leaves out non-finite metrics, and matches the protocol', () => {
    const builder = createReportBuilder({ version: '0.1.0', runId: 'run-12345678' });
    const first = builder.build(1000.7, 1000, host(5), undefined);
    const second = builder.build(2000, 1000, host(6), reading('web'));
    expect([first.seq, second.seq, builder.nextSeq]).toEqual([0, 1, 2]);
    expect(first.at).toBe(1000);
    expect(first.host.metrics).toEqual({ cpu: 5, 'mem.used': 1e9 });
    expect(first).not.toHaveProperty('docker');
    expect(first.containers).toEqual([]);
    expect(AgentReport.parse(second)).toEqual(second);
    expect(second.host).not.toHaveProperty('source');
    expect(second.docker).toEqual({ state: 'ok', apiVersion: '1.47' });
  });

  it('serialises the containers once per Docker reading, with the same bytes as plain JSON', () => {
    const builder = createReportBuilder({ version: '0.1.0', runId: 'run-12345678' });
    const encode = createReportEncoder();
    const docker = reading('web', 'db');
    const a = builder.build(1000, 1000, host(1), docker);
    const b = builder.build(2000, 1000, host(2), docker);
    expect(b.containers).toBe(a.containers);
    for (const report of [a, b, builder.build(3000, 1000, host(3), reading('cache'))]) {
      const encoded = encode(report);
      expect(inflate(encoded.gz)).toEqual(JSON.parse(JSON.stringify(report)));
      expect(encoded.rawBytes).toBe(Buffer.byteLength(JSON.stringify(report)));
    }
  });

  it('makes a batch of stored reports one gzip stream that inflates to an AgentReportBatch, oldest first', () => {
    const builder = createReportBuilder({ version: '0.1.0', runId: 'run-12345678' });
    const reports = [1, 2, 3].map((n) => builder.build(n * 1000, 1000, host(n), reading('web')));
    const body = encodeBatch(reports.map(encodeReport), 5000.5);
    const batch = AgentReportBatch.parse(inflate(body));
    expect(batch.sentAt).toBe(5000);
    expect(batch.reports.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(inflate(encodeBatch([encodeReport(reports[0]!)], 1))).toEqual({ reports: [JSON.parse(JSON.stringify(reports[0]))], sentAt: 1 });
  });
});
