import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyIdOf, SecretError } from './secret-box.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretError);
    return (err as SecretError).code;
  }
  throw new Error('expected a SecretError');
};

describe('secret box (AES-256-GCM envelope)', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  it('opens what it sealed, with a fresh IV each time and the key id in front', () => {
    const a = box.seal('hunter2', 'connection:1');
    const b = box.seal('hunter2', 'connection:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^pse1:${keyIdOf(key)}:[A-Za-z0-9_-]+$`));
    expect(a).not.toContain('hunter2');
    expect(box.open(a, 'connection:1')).toBe('hunter2');
    expect(box.open(box.seal('', 'c'), 'c')).toBe('');
    expect(box.open(box.seal('ünïcødé 🔑', 'c'), 'c')).toBe('ünïcødé 🔑');
  });

  it('refuses a ciphertext moved to another row', () => {
    expect(codeOf(() => box.open(box.seal('s', 'connection:1'), 'connection:2'))).toBe('secrets.corrupt');
  });

  it('refuses an altered ciphertext', () => {
    const sealed = box.seal('secret-value', 'c');
    const raw = Buffer.from(sealed.split(':')[2]!, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(codeOf(() => box.open(`pse1:${box.keyId}:${raw.toString('base64url')}`, 'c'))).toBe('secrets.corrupt');
    expect(codeOf(() => box.open('pse1:abc', 'c'))).toBe('secrets.malformed');
    expect(codeOf(() => box.open(`pse1:${box.keyId}:AAAA`, 'c'))).toBe('secrets.malformed');
    expect(codeOf(() => box.open('plain text', 'c'))).toBe('secrets.malformed');
  });

  it('says secrets.wrong_key, naming both key ids, when another key sealed it', () => {
    const other = createSecretBox(randomBytes(32));
    const sealed = other.seal('s', 'c');
    expect(codeOf(() => box.open(sealed, 'c'))).toBe('secrets.wrong_key');
    expect(() => box.open(sealed, 'c')).toThrow(other.keyId);
  });

  it('opens with a previous key after rotation and marks such ciphertexts stale', () => {
    const oldKey = randomBytes(32);
    const sealed = createSecretBox(oldKey).seal('s', 'c');
    const rotated = createSecretBox(randomBytes(32), [oldKey]);
    expect(rotated.open(sealed, 'c')).toBe('s');
    expect(rotated.isStale(sealed)).toBe(true);
    expect(rotated.isStale(rotated.seal('s', 'c'))).toBe(false);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(RangeError);
    expect(() => createSecretBox(randomBytes(32), [randomBytes(31)])).toThrow(RangeError);
  });
});
