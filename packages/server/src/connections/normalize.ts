import { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import { ENDPOINT, type Product } from './schema.js';
import { ConnectionError } from './types.js';

export const DEFAULT_PORT: Record<Product, number> = { pve: 8006, pbs: 8007, pmg: 8006 };
export const DEFAULT_INTERVAL_MS: Record<Product, number> = { pve: 10_000, pbs: 60_000, pmg: 60_000 };

export const invalid = (field: string, message: string) => new ConnectionError('validation.failed', `body.${field}: ${message}`);

/** Runs a schema and reports every issue as `body.<field>: <message>`, like the API's own validation. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ConnectionError('validation.failed', result.error.issues.map((i) => `body${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message}`).join('; '));
}

/** `https://Host` -> `https://host:8006`: one spelling per endpoint, so duplicates and host changes can be seen. */
export function normalizeEndpoint(url: string, product: Product, field = 'url'): string {
  const match = ENDPOINT.exec(url);
  if (!match) throw invalid(field, 'an https://host or https://host:port URL without a path');
  const port = match[3] ? Number(match[3].slice(1)) : DEFAULT_PORT[product];
  if (port < 1 || port > 65535) throw invalid(field, 'the port must be 1-65535');
  return `https://${match[1]!.toLowerCase()}:${port}`;
}

export function normalizeEndpoints(urls: readonly string[], product: Product): string[] {
  const out = urls.map((u, i) => normalizeEndpoint(u, product, `endpoints.${i}`));
  const dup = out.findIndex((u, i) => out.indexOf(u) !== i);
  if (dup !== -1) throw invalid(`endpoints.${dup}`, `${out[dup]} is listed twice`);
  return out;
}

/** Upper-case pairs joined by colons: the form Proxmox and Node show a certificate's SHA-256 in. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toUpperCase().match(/../g)!.join(':');
}

/** Every certificate in the bundle must parse, so a broken CA is refused here rather than at the first poll. */
export function normalizeCa(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw invalid('tls.ca', 'PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)');
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalid('tls.ca', `certificate ${i + 1} of the bundle cannot be read`);
    }
  }
  return `${blocks.join('\n')}\n`;
}

export const hostOf = (endpoint: string) => new URL(endpoint).hostname;
