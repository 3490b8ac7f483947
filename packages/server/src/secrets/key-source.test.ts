import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/index.js';
import { loadSecretKeys, openSecretBox } from './key-source.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pulse-secrets-'));
function recorder() {
  const lines: { level: string; obj: object; msg?: string | undefined }[] = [];
  return { lines, info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }), warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }) };
}
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('secret key source', () => {
  it('creates <data_dir>/secret.key 0600 on first start, logs that (not the key), and reuses it', () => {
    const dataDir = join(dir(), 'nested');
    const log = recorder();
    const first = loadSecretKeys({}, dataDir, log);
    const file = join(dataDir, 'secret.key');
    expect(first).toMatchObject({ source: 'created', file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first.current);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.msg).toMatch(/created a secret key/);
    expect(JSON.stringify(log.lines)).not.toContain(first.current.toString('base64'));
    const again = loadSecretKeys({}, dataDir, recorder());
    expect(again.source).toBe('file');
    expect(again.current).toEqual(first.current);
  });

  it('prefers secrets.key, reads secrets.previous_keys, and boxes opened from the same key agree', () => {
    const key = randomBytes(32).toString('base64');
    const prev = randomBytes(32).toString('base64url');
    const keys = loadSecretKeys({ key, previous_keys: [prev] }, dir(), recorder());
    expect(keys.source).toBe('config');
    expect(keys.previous).toHaveLength(1);
    const sealed = openSecretBox({ key }, dir(), recorder()).seal('s', 'c');
    expect(openSecretBox({ key }, dir(), recorder()).open(sealed, 'c')).toBe('s');
  });

  it('refuses a garbage or wrong-length key at start-up, naming the config key and never the value', () => {
    for (const bad of ['not-a-key', randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
      const err = errorOf(() => loadSecretKeys({ key: bad }, dir(), recorder()));
      expect(err.message).toContain('config key "secrets.key"');
      expect(err.message).not.toContain(bad);
    }
    expect(errorOf(() => loadSecretKeys({ previous_keys: ['x'] }, dir(), recorder())).message).toContain('"secrets.previous_keys.0"');
  });

  it('refuses a key file without a usable key, naming secrets.key_file and the file', () => {
    const file = join(dir(), 'k');
    writeFileSync(file, 'garbage\n', { mode: 0o600 });
    const err = errorOf(() => loadSecretKeys({ key_file: file }, dir(), recorder()));
    expect(err.message).toContain('config key "secrets.key_file"');
    expect(err.message).toContain(file);
  });

  it('warns when the key file is readable by others', () => {
    const file = join(dir(), 'k');
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o644 });
    const log = recorder();
    loadSecretKeys({ key_file: file }, dir(), log);
    expect(log.lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('takes the keys from PULSE_SECRET_KEY, PULSE_SECRET_KEY_FILE and PULSE_SECRET_PREVIOUS_KEYS', () => {
    const key = randomBytes(32).toString('base64');
    const { config } = loadConfig({ PULSE_SECRET_KEY: key, PULSE_SECRET_KEY_FILE: '/etc/pulse/key', PULSE_SECRET_PREVIOUS_KEYS: 'a, b' }, dir());
    expect(config.secrets).toEqual({ key, key_file: '/etc/pulse/key', previous_keys: ['a', 'b'] });
    expect(loadConfig({}, dir()).config.secrets).toEqual({ previous_keys: [] });
  });
});
