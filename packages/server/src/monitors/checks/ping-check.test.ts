import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePingOutput, runCheck } from './index.js';
import { monitor } from './testing/monitors.js';

const hasPing = (() => {
  try {
    execFileSync('ping', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPing && process.env.CI) throw new Error('CI must have iputils-ping installed for the ping checks');

const ping = (host: string, count = 1) => monitor({ name: 'icmp', type: 'ping', host, count });

describe('ping output parsing (iputils, Linux)', () => {
  it('reads round trips, loss and the summary line', () => {
    const report = parsePingOutput([
      'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.',
      '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.046 ms',
      '64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.037 ms',
      '',
      '--- 127.0.0.1 ping statistics ---',
      '3 packets transmitted, 2 received, 33.3333% packet loss, time 203ms',
      'rtt min/avg/max/mdev = 0.037/0.041/0.046/0.004 ms',
    ].join('\n'));
    expect(report).toEqual({ sent: 3, received: 2, lossPercent: 33.3333, rttMs: [0.046, 0.037], minMs: 0.037, avgMs: 0.041, maxMs: 0.046 });
  });

  it('reads total loss with errors', () => {
    const report = parsePingOutput('1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n');
    expect(report).toMatchObject({ sent: 1, received: 0, lossPercent: 100, rttMs: [] });
  });
});

describe.skipIf(!hasPing)('ping checks with the system ping', () => {
  it('is up for 127.0.0.1 with the average round trip as totalUs', async () => {
    const result = await runCheck(ping('127.0.0.1', 2), 0, 0, { timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: 'up', ip: '127.0.0.1', facts: { sent: 2, received: 2, lossPercent: 0 } });
    expect(result.timings.totalUs).toBe(Math.round((result.facts?.avgMs as number) * 1000));
    expect(result.facts?.rttMs).toHaveLength(2);
  });

  it('pings ::1 over IPv6', async () => {
    const result = await runCheck(ping('::1'), 0, 0, { timeoutMs: 3_000 });
    expect(result.facts?.command).toContain('-6');
    // some containers have no IPv6 loopback; then the reason must still be a ping one
    if (result.status === 'down') expect(result.reason?.code).toBe('ping.loss');
  });

  it('is down with ping.loss for an address that never answers (TEST-NET-3)', async () => {
    const result = await runCheck(ping('203.0.113.1'), 0, 0, { timeoutMs: 1_000 });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'ping.loss' }, facts: { received: 0, lossPercent: 100 } });
  });

  it('is down with ping.unavailable when the binary is missing', async () => {
    const result = await runCheck(ping('127.0.0.1'), 0, 0, { timeoutMs: 1_000, pingCommand: '/nonexistent/ping' });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'ping.unavailable' } });
  });
});
