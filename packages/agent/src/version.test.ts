import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_VERSION } from './version.js';

describe('agent version', () => {
  it('is the package version, which enrolment and every report carry', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
  });
});
