import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './sse-cursor.js';

describe('SSE cursor', () => {
  it('round-trips the position of every channel', () => {
    const positions = new Map([['resources', { epoch: 'e1', offset: 7 }], ['resource:vm/101', { epoch: 'e2', offset: 0 }]]);
    const cursor = encodeCursor(positions);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(positions);
  });

  it('yields nothing for garbage, and skips entries that are not positions', () => {
    expect(decodeCursor(undefined).size).toBe(0);
    expect(decodeCursor('%%%not base64').size).toBe(0);
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url')).size).toBe(0);
    expect(decodeCursor('x'.repeat(20_000)).size).toBe(0);
    const mixed = Buffer.from(JSON.stringify({ ok: ['e', 3], 'bad name': ['e', 1], neg: ['e', -1], short: ['e'], num: [5, 5] })).toString('base64url');
    expect([...decodeCursor(mixed)]).toEqual([['ok', { epoch: 'e', offset: 3 }]]);
  });
});
