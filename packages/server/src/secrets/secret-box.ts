import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Why a sealed secret could not be opened; the poller shows it as the connection's error. */
export type SecretErrorCode = 'secrets.wrong_key' | 'secrets.corrupt' | 'secrets.malformed';

export class SecretError extends Error {
  constructor(readonly code: SecretErrorCode, message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export const isSecretError = (err: unknown): err is SecretError => err instanceof SecretError;

/** Seals short secrets (API token secrets, passwords) for storage, bound to the row they belong to. */
export interface SecretBox {
  /** `context` names the owner (e.g. `connection:<id>`); opening with another context fails. */
  seal(plaintext: string, context: string): string;
  /** Rejects with SecretError: `secrets.wrong_key` when no configured key sealed it. */
  open(sealed: string, context: string): string;
  /** True when `sealed` was made with a previous key and should be sealed again with the current one. */
  isStale(sealed: string): boolean;
  /** Id of the current key: safe to log, it identifies the key without revealing it. */
  readonly keyId: string;
}

export const KEY_BYTES = 32;
const VERSION = 'pse1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** 8 hex digits of a hash of the key: names the key in each ciphertext so several keys can coexist during rotation. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('pulse-secret-key-id\0').update(key).digest('hex').slice(0, 8);
}

/**
 * AES-256-GCM envelope: `pse1:<keyId>:<base64url(iv | tag | ciphertext)>`. A fresh random IV per
 * seal; the context is the associated data, so a ciphertext copied onto another row does not open.
 * `previous` keys only open: a rotated-out key keeps old rows readable until they are sealed again.
 */
export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  for (const key of [current, ...previous]) {
    if (key.length !== KEY_BYTES) throw new RangeError(`a secret key is ${KEY_BYTES} bytes, not ${key.length}`);
  }
  const keyId = keyIdOf(current);
  const keys = new Map<string, Buffer>([...previous].reverse().map((k) => [keyIdOf(k), k]));
  keys.set(keyId, current);

  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}:${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed, context) {
      const [version, id, data, extra] = sealed.split(':');
      if (version !== VERSION || !id || data === undefined || extra !== undefined) {
        throw new SecretError('secrets.malformed', 'The stored secret is not in a format this Pulse can read; enter it again.');
      }
      const key = keys.get(id);
      if (!key) {
        throw new SecretError('secrets.wrong_key', `The stored secret was encrypted with key ${id}, which this Pulse does not have (its key is ${keyId}). `
          + 'Restore the old secrets.key / key file (or list it in secrets.previous_keys), or enter the secret again.');
      }
      const raw = Buffer.from(data, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretError('secrets.malformed', 'The stored secret is truncated; enter it again.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // GCM says only "not authentic": the bytes were altered or they belong to another row.
        throw new SecretError('secrets.corrupt', 'The stored secret does not match its record (altered or copied from another one); enter it again.');
      }
    },
    isStale(sealed) {
      return sealed.split(':')[1] !== keyId;
    },
  };
}
