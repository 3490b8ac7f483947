import type { AgentInfo, InstallToken } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import {
  activeTokens, dockerView, engineShortName, formatInterval, hasSkew, parseMaxUses, removalConsequence, skewText, sortAgents, tokenUses,
} from '../../packages/web/src/features/agents/agent-model.ts';
import { formatIn } from '../../packages/web/src/lib/format.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0);

function agent(over: Partial<AgentInfo> & { id: string }): AgentInfo {
  return {
    hostname: over.id, machineId: null, version: '0.1.0', status: 'online', enrolledAt: 0, lastReportAt: NOW, intervalMs: 10_000,
    resourceId: null, docker: null, clockSkewMs: 0, ...over,
  };
}

describe('agents', () => {
  it('shortens engine names to product and version', () => {
    expect(engineShortName('Docker Engine - Community 27.3.1')).toBe('Docker 27.3.1');
    expect(engineShortName('Podman Engine 5.2.2')).toBe('Podman 5.2.2');
    expect(engineShortName('Mystery')).toBe('Mystery');
    expect(engineShortName(undefined)).toBeUndefined();
  });

  it('tells a machine without Docker from an engine that misbehaves', () => {
    expect(dockerView({ state: 'ok', engine: 'Docker Engine - Community 27.3.1', apiVersion: '1.47' })).toEqual({
      label: 'Docker 27.3.1', tone: 'ok', detail: 'Docker Engine - Community 27.3.1 · API 1.47',
    });
    expect(dockerView({ state: 'unavailable' })).toMatchObject({ label: 'No Docker', tone: 'unknown' });
    expect(dockerView({ state: 'error', message: 'the engine answered 500' })).toEqual({ label: 'Docker error', tone: 'warn', detail: 'the engine answered 500' });
    expect(dockerView(null).label).toBe('—');
  });

  it('warns about clocks more than 2 s apart, saying which way', () => {
    expect(hasSkew(0)).toBe(false);
    expect(hasSkew(2_000)).toBe(false);
    expect(hasSkew(-2_001)).toBe(true);
    expect(hasSkew(undefined)).toBe(false);
    // server minus agent: positive is an agent behind
    expect(skewText(5_040)).toBe('5.0 s behind the server');
    expect(skewText(-12_300)).toBe('12.3 s ahead of the server');
    expect(skewText(190_000)).toBe('3m 10s behind the server');
  });

  it('writes intervals the way people say them', () => {
    expect(formatInterval(10_000)).toBe('10 s');
    expect(formatInterval(2_500)).toBe('2.5 s');
    expect(formatInterval(60_000)).toBe('1 min');
    expect(formatInterval(90_000)).toBe('1.5 min');
    expect(formatInterval(0)).toBe('—');
  });

  it('accepts 1 to 1,000 machines per install token', () => {
    expect(parseMaxUses(' 3 ')).toEqual({ value: 3 });
    expect(parseMaxUses('0')).toEqual({ error: 'At least 1 machine.' });
    expect(parseMaxUses('1001')).toEqual({ error: 'At most 1,000 machines per token.' });
    expect(parseMaxUses('2.5')).toHaveProperty('error');
    expect(parseMaxUses('')).toHaveProperty('error');
  });

  it('lists agents that need a look first', () => {
    const list = [agent({ id: 'b' }), agent({ id: 'a', status: 'never' }), agent({ id: 'c', status: 'offline' }), agent({ id: 'a2' })];
    expect(sortAgents(list).map((a) => a.id)).toEqual(['c', 'a', 'a2', 'b']);
  });

  it('keeps install tokens that can still enrol, newest first', () => {
    const token = (id: string, over: Partial<InstallToken>): InstallToken => ({
      id, createdAt: NOW - 1000, createdBy: 'user:1', expiresAt: NOW + 3_600_000, maxUses: 1, uses: 0, lastUsedAt: null, ...over,
    });
    const list = [token('old', { createdAt: NOW - 5000 }), token('used-up', { uses: 1 }), token('expired', { expiresAt: NOW - 1 }), token('new', {})];
    expect(activeTokens(list, NOW).map((t) => t.id)).toEqual(['new', 'old']);
    expect(tokenUses({ uses: 2, maxUses: 10 })).toBe('2 of 10');
  });

  it('says what removing an agent takes away, and what stays', () => {
    expect(removalConsequence({ hostName: 'edge-1', alsoReportedBy: [], containers: 0 })).toMatch(/^Its token stops working at once\. Its host leaves Pulse\. The agent keeps running/);
    expect(removalConsequence({ hostName: 'edge-1', alsoReportedBy: [], containers: 3 })).toContain('Its host and its 3 containers leave Pulse.');
    expect(removalConsequence({ hostName: 'pve1', alsoReportedBy: ['Local'], containers: 0 })).toContain('pve1 stays, as Local also reports it.');
    expect(removalConsequence({ hostName: 'pve1', alsoReportedBy: ['Local', 'Proxmox'], containers: 1 })).toContain(
      'Its 1 container leaves Pulse; pve1 stays, as Local and Proxmox also report it.',
    );
  });

  it('says how long until a token expires', () => {
    expect(formatIn(NOW + 45_000, NOW)).toBe('in 45 s');
    expect(formatIn(NOW + 12 * 60_000, NOW)).toBe('in 12 min');
    expect(formatIn(NOW + 23 * 3_600_000, NOW)).toBe('in 23 h');
    expect(formatIn(NOW + 7 * 86_400_000, NOW)).toBe('in 7 d');
    expect(formatIn(NOW - 1, NOW)).toBe('expired');
    expect(formatIn(undefined, NOW)).toBe('—');
  });
});
