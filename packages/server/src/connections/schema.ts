import { z } from 'zod';

/**
 * Wire types of the connections API (CONTRACT.md, "Connections API"). Bodies carry no transforms or
 * defaults: the service normalises (default ports, fingerprint form, intervals) so the rules live in
 * one place, and these schemas also document the API in OpenAPI.
 */
export const Product = z.enum(['pve', 'pbs', 'pmg']);
export type Product = z.infer<typeof Product>;

export const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ENDPOINT = /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:\d{1,5})?\/?$/;
/** `user@realm!name`: Proxmox user ids have no whitespace, "@", "!" or ":" in the user part. */
export const TOKEN_ID = /^[^\s@!:]{1,64}@[A-Za-z][A-Za-z0-9._-]{0,31}![A-Za-z][A-Za-z0-9._-]{0,63}$/;
export const USERNAME = /^[^\s@!:]{1,64}@[A-Za-z][A-Za-z0-9._-]{0,31}$/;
export const FINGERPRINT = /^([0-9A-Fa-f]{64}|([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/;
export const INTERVAL = { min: 5_000, max: 3_600_000 } as const;

const name = z.string().regex(CONNECTION_NAME, '1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
const endpoint = z.string().max(300).regex(ENDPOINT, 'an https://host or https://host:port URL without a path');
const endpoints = z.array(endpoint).min(1, 'at least one endpoint').max(32);
// Control characters would end up in an HTTP header (token) or a form body (password).
const secret = z.string().min(1, 'must not be empty').max(4096).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

const TokenAuth = z.strictObject({ kind: z.literal('token'), tokenId: z.string().regex(TOKEN_ID, 'a token id like pulse-monitor@pve!pulse'), secret });
const PasswordAuth = z.strictObject({ kind: z.literal('password'), username: z.string().regex(USERNAME, 'a user like pulse-monitor@pve'), password: secret });
const TokenAuthPatch = TokenAuth.extend({ secret: secret.optional() });
const PasswordAuthPatch = PasswordAuth.extend({ password: secret.optional() });

const ca = z.string().max(64 * 1024).regex(/-----BEGIN CERTIFICATE-----/, 'PEM certificates (-----BEGIN CERTIFICATE-----)');
const fingerprint = z.string().regex(FINGERPRINT, 'a SHA-256 fingerprint: 64 hex digits, colons between pairs optional');
const interval = z.number().int().min(INTERVAL.min).max(INTERVAL.max);

export const ConnectionInput = z.strictObject({
  name, product: Product, endpoints,
  auth: z.discriminatedUnion('kind', [TokenAuth, PasswordAuth]),
  tls: z.strictObject({ fingerprint: fingerprint.optional(), ca: ca.optional(), insecure: z.boolean().optional() }).optional(),
  intervalMs: interval.optional(),
  enabled: z.boolean().optional(),
});
export type ConnectionInput = z.infer<typeof ConnectionInput>;

/** PATCH: what is given replaces what is stored; `null` clears a TLS pin; an omitted secret is kept. */
export const ConnectionPatch = z.strictObject({
  name: name.optional(), product: Product.optional(), endpoints: endpoints.optional(),
  auth: z.discriminatedUnion('kind', [TokenAuthPatch, PasswordAuthPatch]).optional(),
  tls: z.strictObject({ fingerprint: fingerprint.nullable().optional(), ca: ca.nullable().optional(), insecure: z.boolean().optional() }).optional(),
  intervalMs: interval.optional(),
  enabled: z.boolean().optional(),
});
export type ConnectionPatch = z.infer<typeof ConnectionPatch>;

/** POST /test: a full input, or `{ id }` (plus changes not yet saved) to test a stored connection. */
export const StoredConnectionTest = ConnectionPatch.extend({ id: z.string().min(1).max(100) });
export const ConnectionTestBody = z.union([ConnectionInput, StoredConnectionTest]);
export type ConnectionTestBody = z.infer<typeof ConnectionTestBody>;

/** `product` only picks the default port when the URL has none (8006 otherwise). */
export const FingerprintBody = z.strictObject({ url: endpoint, product: Product.optional() });

const ErrorInfo = z.object({ code: z.string(), message: z.string() });

export const ConnectionState = z.object({
  status: z.enum(['ok', 'error', 'connecting']),
  error: ErrorInfo.optional(),
  lastPollAt: z.number().optional(),
  /** node names the connection last saw */
  nodes: z.array(z.string()).optional(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

/** What the API shows of a connection: never a secret, only that one is stored. */
export const Connection = z.object({
  id: z.string(), name: z.string(), product: Product, endpoints: z.array(z.string()),
  auth: z.object({ kind: z.enum(['token', 'password']), tokenId: z.string().optional(), username: z.string().optional(), hasSecret: z.literal(true) }),
  tls: z.object({ fingerprint: z.string().optional(), ca: z.boolean(), insecure: z.boolean() }),
  intervalMs: z.number(), enabled: z.boolean(), createdAt: z.number(), updatedAt: z.number(),
  state: ConnectionState.optional(),
});
export type Connection = z.infer<typeof Connection>;

export const TestResult = z.object({
  ok: z.boolean(), product: Product, version: z.string().optional(), nodes: z.array(z.string()).optional(),
  error: ErrorInfo.extend({ hint: z.string().optional() }).optional(),
});
export type TestResult = z.infer<typeof TestResult>;

export const FingerprintResult = z.object({ fingerprint: z.string(), subject: z.string(), validTo: z.string(), selfSigned: z.boolean() });
export type FingerprintResult = z.infer<typeof FingerprintResult>;
