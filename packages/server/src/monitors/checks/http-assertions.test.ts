import { describe, expect, it } from 'vitest';
import { isStatusAccepted, readJsonPath } from './index.js';

describe('accepted status ranges', () => {
  it('reads ranges, families and single codes', () => {
    expect(isStatusAccepted(204, ['200-299'])).toBe(true);
    expect(isStatusAccepted(300, ['200-299'])).toBe(false);
    expect(isStatusAccepted(404, ['4xx'])).toBe(true);
    expect(isStatusAccepted(500, ['4xx', '301'])).toBe(false);
    expect(isStatusAccepted(301, ['4xx', '301'])).toBe(true);
  });
});

describe('JSON paths', () => {
  const doc = { a: { b: [{ c: 1 }, { c: 'two' }] }, list: [1, 2, 3], 'odd key': { x: true }, s: 'hello' };
  it('walks keys, indexes, quoted keys and lengths', () => {
    expect(readJsonPath(doc, 'a.b[1].c')).toBe('two');
    expect(readJsonPath(doc, '$.a.b[0].c')).toBe(1);
    expect(readJsonPath(doc, 'list.length')).toBe(3);
    expect(readJsonPath(doc, 's.length')).toBe(5);
    expect(readJsonPath(doc, "['odd key'].x")).toBe(true);
    expect(readJsonPath(doc, 'a.b[5].c')).toBeUndefined();
    expect(readJsonPath(doc, 'a.missing.deeper')).toBeUndefined();
    expect(readJsonPath(doc, 'a.constructor')).toBeUndefined();
  });
});
