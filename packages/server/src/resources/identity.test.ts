import { describe, expect, it } from 'vitest';
import { createIdentityIndex, identitiesConflict, identityKeys, mergeIdentities } from './identity.js';

describe('identity keys', () => {
  it('lists machine id, DMI UUID, then every hostname with every MAC, normalised', () => {
    expect(identityKeys('host', { machineId: 'ABC123', dmiUuid: '4C4C4544-0042', hostnames: ['Web.lan', 'localhost'], macs: ['BC-24-11-00-00-01', 'not-a-mac'] }))
      .toEqual(['machine:abc123', 'dmi:4c4c4544-0042', 'host-mac:web|bc:24:11:00:00:01']);
  });

  it('pairs every hostname with every address that can name one machine', () => {
    expect(identityKeys('node', { hostnames: ['pve1'], ips: ['10.0.0.11', '127.0.0.1', '172.17.0.1', 'fe80::1', '192.168.1.5'] }))
      .toEqual(['host-ip:pve1|10.0.0.11', 'host-ip:pve1|192.168.1.5']);
  });

  it('ignores firmware placeholder UUIDs, zero MACs and resources that are not machines', () => {
    expect(identityKeys('vm', { dmiUuid: '03000200-0400-0500-0006-000700080009', hostnames: ['a'], macs: ['00:00:00:00:00:00'] })).toEqual([]);
    expect(identityKeys('app-container', { machineId: 'abc', hostnames: ['a'], macs: ['02:42:ac:11:00:02'] })).toEqual([]);
  });

  it('calls two identities different machines only on a differing machine id or DMI UUID', () => {
    expect(identitiesConflict({ machineId: 'a' }, { machineId: 'b' })).toBe(true);
    expect(identitiesConflict({ dmiUuid: 'x' }, { dmiUuid: 'y', machineId: 'a' })).toBe(true);
    expect(identitiesConflict({ machineId: 'a', hostnames: ['x'] }, { hostnames: ['y'] })).toBe(false);
  });

  it('merges identities, keeping the first machine id and every name and address once', () => {
    expect(mergeIdentities([{ machineId: 'a', hostnames: ['x'] }, { machineId: 'b', dmiUuid: 'd', hostnames: ['x', 'y'], macs: ['m'] }]))
      .toEqual({ machineId: 'a', dmiUuid: 'd', hostnames: ['x', 'y'], macs: ['m'] });
  });

  it('indexes resources by key, strongest matches first, and forgets them', () => {
    const index = createIdentityIndex();
    index.set('vm:1', 'vm', { hostnames: ['web'], macs: ['bc:24:11:00:00:01'] });
    index.set('host:m', 'host', { machineId: 'm' });
    expect(index.candidates('host', { machineId: 'm', hostnames: ['web'], macs: ['bc:24:11:00:00:01'] })).toEqual(['host:m', 'vm:1']);
    index.delete('host:m');
    index.set('vm:1', 'vm', { hostnames: ['web2'], macs: ['bc:24:11:00:00:01'] });
    expect(index.candidates('host', { machineId: 'm', hostnames: ['web'], macs: ['bc:24:11:00:00:01'] })).toEqual([]);
  });
});
