import { describe, expect, it } from 'vitest';
import { AgentReportAnswer, NewInstallToken } from './agent.js';
import { ResourceIdentity } from './resource.js';

describe('agent wire types', () => {
  it('defaults an install token to one use within 24 hours and bounds both', () => {
    expect(NewInstallToken.parse({})).toEqual({ expiresInHours: 24, maxUses: 1 });
    expect(NewInstallToken.safeParse({ expiresInHours: 721 }).success).toBe(false);
    expect(NewInstallToken.safeParse({ maxUses: 0 }).success).toBe(false);
  });

  it('reads an answer without the newer rejected count as none rejected', () => {
    expect(AgentReportAnswer.parse({ accepted: 1, duplicates: 0, intervalMs: 10_000 })).toEqual({ accepted: 1, duplicates: 0, rejected: 0, intervalMs: 10_000 });
  });

  it('keeps a DMI UUID in a resource identity', () => {
    expect(ResourceIdentity.parse({ dmiUuid: '4c4c4544-0042' })).toEqual({ dmiUuid: '4c4c4544-0042' });
  });
});
