import { describe, expect, it } from 'vitest';
import { withToken } from './connection-url.js';

describe('connection URL', () => {
  it('adds the token as the only query parameter, escaped', () => {
    expect(withToken('wss://pulse.example/api/ws', 'a+b/c=d&e')).toBe('wss://pulse.example/api/ws?token=a%2Bb%2Fc%3Dd%26e');
  });

  it('keeps the parameters already in the query', () => {
    expect(withToken('wss://pulse.example/api/ws?codec=json', 't')).toBe('wss://pulse.example/api/ws?codec=json&token=t');
    expect(withToken('wss://pulse.example/api/ws?', 't')).toBe('wss://pulse.example/api/ws?token=t');
  });
});
