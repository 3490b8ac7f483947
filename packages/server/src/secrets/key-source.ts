import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/index.js';
import { createSecretBox, KEY_BYTES, keyIdOf, type SecretBox } from './secret-box.js';

/** The `secrets` config section. */
export interface SecretKeySettings {
  key?: string | undefined;
  key_file?: string | undefined;
  previous_keys?: readonly string[] | undefined;
}

export interface SecretKeys {
  current: Buffer;
  previous: Buffer[];
  /** where the current key came from; the key itself is never part of any message */
  source: 'config' | 'file' | 'created';
  file?: string;
}

interface KeyLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;
const EXPECTED = `base64 of ${KEY_BYTES} random bytes (make one with: openssl rand -base64 ${KEY_BYTES})`;

/** Decodes a key; the error names where it came from and what is expected, never the value. */
export function parseSecretKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = KEY_TEXT.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) throw new ConfigError(`${where} is not a usable secret key: it must be ${EXPECTED}; the value is not shown.`);
  return key;
}

export const defaultKeyFile = (dataDir: string) => resolve(dataDir, 'secret.key');

/**
 * The key that encrypts stored credentials: `secrets.key` (PULSE_SECRET_KEY) when set, else the key
 * file (`secrets.key_file`, default `<data_dir>/secret.key`), created 0600 with a random key on first
 * start. Several servers sharing one database must share the key: set `secrets.key` on each.
 */
export function loadSecretKeys(settings: SecretKeySettings, dataDir: string, logger: KeyLogger): SecretKeys {
  const previous = (settings.previous_keys ?? []).map((k, i) => parseSecretKey(k, `config key "secrets.previous_keys.${i}"`));
  if (settings.key !== undefined) {
    return { current: parseSecretKey(settings.key, 'config key "secrets.key" (env PULSE_SECRET_KEY)'), previous, source: 'config' };
  }
  const file = settings.key_file ? resolve(settings.key_file) : defaultKeyFile(dataDir);
  const where = `config key "secrets.key_file": the file ${file}`;
  let text: string;
  let source: SecretKeys['source'] = 'file';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${where} cannot be read: ${(err as Error).message}`);
    text = createKeyFile(file, where);
    source = 'created';
  }
  const current = parseSecretKey(text, where);
  if (source === 'created') {
    logger.info({ file, keyId: keyIdOf(current) }, 'created a secret key for stored credentials; back it up with the database, without it stored secrets cannot be read');
  } else if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    logger.warn({ file }, 'the secret key file is readable by other users; chmod 600 it');
  }
  return { current, previous, source, file };
}

function createKeyFile(file: string, where: string): string {
  const text = `${randomBytes(KEY_BYTES).toString('base64')}\n`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': when another process sharing the data directory won the race, its key is the one to use.
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw new ConfigError(`${where} does not exist and cannot be created: ${(err as Error).message}`);
  }
}

/** The start-up path: loads the keys and builds the box; a bad key throws ConfigError naming its config key. */
export function openSecretBox(settings: SecretKeySettings, dataDir: string, logger: KeyLogger): SecretBox {
  const keys = loadSecretKeys(settings, dataDir, logger);
  return createSecretBox(keys.current, keys.previous);
}
