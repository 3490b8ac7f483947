import { describe, expect, it } from 'vitest';
import { startSnippet } from '../../packages/web/src/features/apps/sdk-snippet.ts';

describe('SDK snippet', () => {
  it('starts the SDK with this Pulse address and the token, one option a line', () => {
    expect(startSnippet('https://pulse.example', 'pulse_abc')).toBe(
      "import { start } from '@pulse/node';\n\nconst pulse = start({\n  app: 'shop',\n  endpoint: 'https://pulse.example',\n  token: 'pulse_abc',\n});",
    );
    expect(startSnippet('http://10.0.0.2:7655')).toContain("token: '<a token with apm:report>'");
  });
});
