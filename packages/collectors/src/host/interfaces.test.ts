import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNetDev, readLinkState } from './interfaces.js';

const netDev = readFileSync(new URL('fixtures/host/proc/net/dev', import.meta.url), 'utf8');
const sysRoot = fileURLToPath(new URL('fixtures/host/sys', import.meta.url));

describe('interfaces', () => {
  it('reads counters of real interfaces, skipping loopback, docker and libvirt plumbing', () => {
    const counters = parseNetDev(netDev);
    expect([...counters.keys()]).toEqual(['eth0', 'eth1', 'wg0']);
    expect(counters.get('eth0')).toEqual({
      rxBytes: 318_232_746, rxPackets: 11_113, rxErrors: 0, txBytes: 915_243, txPackets: 7646, txErrors: 0,
    });
    expect(counters.get('eth1')?.rxErrors).toBe(2);
  });

  it('parses old kernels that print no space after the colon', () => {
    expect(parseNetDev('eth0:100 2 0 0 0 0 0 0 300 4 0 0 0 0 0 0\n').get('eth0')?.txBytes).toBe(300);
  });

  it('reads link state and speed, with null when the driver has none', () => {
    expect(readLinkState(sysRoot, 'eth0')).toEqual({ up: true, speedMbps: 1000 });
    expect(readLinkState(sysRoot, 'eth1')).toEqual({ up: false, speedMbps: null });
    // WireGuard reports operstate "unknown" while up; the IFF_UP flag decides.
    expect(readLinkState(sysRoot, 'wg0')).toEqual({ up: true, speedMbps: null });
    expect(readLinkState(sysRoot, 'gone0')).toEqual({ up: false, speedMbps: null });
  });

  it('leaves out Proxmox bridges, guest taps and firewall plumbing, which carry the NIC\'s traffic again', () => {
    const netDev = readFileSync(new URL('fixtures/proxmox/proc/net/dev', import.meta.url), 'utf8');
    expect([...parseNetDev(netDev).keys()]).toEqual(['eno1']);
  });
});
