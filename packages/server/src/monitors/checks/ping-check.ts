import { type ExecFileException, execFile } from 'node:child_process';
import net from 'node:net';
import type { CheckOptions, CheckOutcome, MonitorOf } from './check-options.js';
import { CheckFailure } from './check-failure.js';

export interface PingReport {
  sent: number;
  received: number;
  lossPercent: number;
  /** each reply's round trip, ms */
  rttMs: number[];
  avgMs?: number;
  minMs?: number;
  maxMs?: number;
}

/** Reads Linux iputils `ping` output (`-n`, so no reverse lookups); other pings are not supported. */
export function parsePingOutput(stdout: string): PingReport {
  const rttMs = [...stdout.matchAll(/time[=<]([\d.]+) ?ms/g)].map((m) => Number(m[1]));
  const stats = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  const loss = /([\d.]+)% packet loss/.exec(stdout);
  const summary = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\/[\d.]+ ms/.exec(stdout);
  const sent = Number(stats?.[1] ?? 0);
  const received = Number(stats?.[2] ?? rttMs.length);
  const report: PingReport = { sent, received, lossPercent: loss ? Number(loss[1]) : sent > 0 ? 100 * (1 - received / sent) : 100, rttMs };
  if (summary) {
    report.minMs = Number(summary[1]);
    report.avgMs = Number(summary[2]);
    report.maxMs = Number(summary[3]);
  } else if (rttMs.length > 0) {
    report.avgMs = rttMs.reduce((a, b) => a + b, 0) / rttMs.length;
  }
  return report;
}

interface PingRun {
  stdout: string;
  stderr: string;
  error: ExecFileException | null;
}

/**
 * ICMP through the system `ping` (raw sockets need privileges Node does not have). `-w` bounds the
 * whole run to the check's timeout whatever the count; replies are sent 200 ms apart (the fastest
 * iputils allows without root) so `count: 10` still fits a short timeout.
 */
export async function runPingCheck(monitor: MonitorOf<'ping'>, options: CheckOptions): Promise<CheckOutcome> {
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const args = ['-n', '-c', String(monitor.count), '-W', String(seconds), '-w', String(seconds)];
  if (monitor.count > 1) args.push('-i', '0.2');
  const host = monitor.host.replace(/^\[|\]$/g, '');
  if (net.isIPv6(host)) args.push('-6');
  args.push(host);
  const run = await new Promise<PingRun>((resolve) => {
    execFile(options.pingCommand ?? 'ping', args, { timeout: options.timeoutMs + 2000, ...(options.signal ? { signal: options.signal } : {}) }, (error, stdout, stderr) =>
      resolve({ stdout: String(stdout), stderr: String(stderr), error }),
    );
  });
  const report = parsePingOutput(run.stdout);
  const totalUs = report.avgMs !== undefined ? Math.round(report.avgMs * 1000) : 0;
  const facts: Record<string, unknown> = { ...report, command: `ping ${args.join(' ')}` };
  const failure = report.received > 0 ? undefined
    : options.signal?.aborted ? new CheckFailure('check.cancelled', 'the check was cancelled before it finished (the worker is stopping)')
    : pingFailure(run, monitor.host, seconds);
  if (net.isIP(host)) facts.ip = host;
  return {
    status: failure ? 'down' : 'up',
    ...(failure ? { reason: failure.reason } : {}),
    timings: { totalUs },
    ...(net.isIP(host) ? { ip: host } : {}),
    facts,
  };
}

function pingFailure(run: PingRun, host: string, seconds: number): CheckFailure {
  const said = run.stderr.trim().split('\n').pop() ?? '';
  if (run.error?.code === 'ENOENT' || run.error?.code === 'EACCES') {
    return new CheckFailure('ping.unavailable', 'the ping binary is not installed on this worker (install iputils-ping)');
  }
  if (/Operation not permitted|permission denied/i.test(said)) {
    return new CheckFailure('ping.unavailable', `ping is not allowed here (${said}): grant cap_net_raw or widen net.ipv4.ping_group_range`);
  }
  if (/Name or service not known|Temporary failure in name resolution|unknown host/i.test(said)) {
    return new CheckFailure('dns.not_found', `${host} does not resolve: check the host name`, 'dns');
  }
  if (run.error?.killed) return new CheckFailure('timeout.total', `ping did not finish within ${seconds} s`);
  return new CheckFailure('ping.loss', `no reply from ${host} within ${seconds} s${said ? ` (${said})` : ''}`);
}
