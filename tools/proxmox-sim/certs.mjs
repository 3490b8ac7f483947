import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCerts } from '../docker-sim/certs.mjs';

/**
 * TLS material for the simulator. Like a fresh PVE node (pve-ssl.pem) it serves a self-signed
 * certificate made at start, so each start (and each `replaceCertificate`) has a new SHA-256
 * fingerprint for pinning tests. openssl makes it (an EC key takes milliseconds); without openssl
 * we fall back to docker-sim's committed test certificate, which then cannot change.
 */

/** @typedef {{ key: string, cert: string, fingerprint: string, generated: boolean }} SimCertificate */

/** SHA-256 of the leaf certificate's DER, upper-case hex with colons (as PVE shows it). */
export const fingerprintOf = (/** @type {string} */ certPem) => new X509Certificate(certPem).fingerprint256;

/** @returns {SimCertificate} */
export function createCertificate(/** @type {{ commonName?: string, key?: string, cert?: string }} */ options = {}) {
  if (options.key && options.cert) return { key: options.key, cert: options.cert, fingerprint: fingerprintOf(options.cert), generated: false };
  const dir = mkdtempSync(join(tmpdir(), 'pulse-pxsim-'));
  try {
    const cn = options.commonName ?? 'pve.local';
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
      '-subj', `/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=${cn}`,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    if (made.status === 0) {
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert, fingerprint: fingerprintOf(cert), generated: true };
    }
  } catch {
    // no openssl binary: use the committed certificate below
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { key, cert } = testCerts().server;
  return { key, cert, fingerprint: fingerprintOf(cert), generated: false };
}
