import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCheck } from './index.js';
import { monitor } from './testing/monitors.js';
import { closedPort, startSynDroppingServer } from './testing/servers.js';

const tcp = (host: string, port: number) => monitor({ name: 'port', type: 'tcp', host, port });

describe('TCP port checks', () => {
  it('is up with the connect time and the IP when the port accepts', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const result = await runCheck(tcp('127.0.0.1', port), 5, 1, { timeoutMs: 2_000 });
      expect(result).toMatchObject({ status: 'up', ip: '127.0.0.1', attempt: 1, facts: { port } });
      expect(result.timings.connectUs).toBeGreaterThanOrEqual(0);
      expect(result.timings.dnsUs).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('resolves a host name first and times that as dns', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runCheck(tcp('db.internal', (server.address() as net.AddressInfo).port), 5, 0, {
        timeoutMs: 2_000, lookup: async () => ({ address: '127.0.0.1', family: 4 }),
      });
      expect(result).toMatchObject({ status: 'up', ip: '127.0.0.1' });
      expect(result.timings.dnsUs).toBeGreaterThanOrEqual(0);
    } finally {
      server.close();
    }
  });

  it('is down with tcp.refused on a closed port', async () => {
    const result = await runCheck(tcp('127.0.0.1', await closedPort()), 5, 0, { timeoutMs: 2_000 });
    expect(result).toMatchObject({ status: 'down', ip: '127.0.0.1', reason: { code: 'tcp.refused', phase: 'connect' } });
  });

  it('is down with timeout.connect within the timeout when SYNs go unanswered', async () => {
    const server = await startSynDroppingServer();
    const release = await server.stallAccepts(1_500);
    try {
      const result = await runCheck(tcp('127.0.0.1', server.port), 5, 0, { timeoutMs: 300 });
      expect(result).toMatchObject({ status: 'down', reason: { code: 'timeout.connect', phase: 'connect' } });
      expect(result.timings.totalUs).toBeLessThan(550_000);
    } finally {
      release();
      await server.close();
    }
  });

  it('is down with dns.not_found when the name does not resolve', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    const result = await runCheck(tcp('nowhere.test', 80), 5, 0, { timeoutMs: 2_000, lookup: () => Promise.reject(notFound) });
    expect(result).toMatchObject({ status: 'down', reason: { code: 'dns.not_found', phase: 'dns' } });
  });
});
