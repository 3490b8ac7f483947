import type { ConnectionUnderTest, TestResult } from '../../connections/index.js';
import * as A from './answers/index.js';
import { readAnswer } from './answers/index.js';
import type { ProxmoxClient } from './client/index.js';
import { isProxmoxError } from './client/index.js';

/*
 * "Test connection": one login and the cheapest calls that prove the settings work, with the
 * usual failures explained in words a Proxmox admin acts on.
 */

const HINTS: Record<string, string> = {
  'proxmox.unauthorized': 'Check the token id (user@realm!name) and its secret, or the user and password. Tokens can expire or be deleted in Datacenter → Permissions → API Tokens.',
  'proxmox.forbidden': 'The credentials work but lack rights. A privilege-separated token needs its own ACL: give the token (not only its user) the PVEAuditor role on "/", or run the setup script.',
  'proxmox.node_offline': 'Proxmox answered 595: the node behind this endpoint is offline or cannot reach the cluster. Try another cluster member as the endpoint.',
  'proxmox.unreachable': 'Nothing answered at that address. Check the host, the port (8006 for PVE and PMG, 8007 for PBS) and any firewall between Pulse and the host.',
  'proxmox.timeout': 'The host accepted the connection but did not answer in time. It may be overloaded, or a proxy in between may be holding the request.',
  'proxmox.tls_untrusted': 'The certificate is self-signed (the Proxmox default). Fetch its fingerprint and trust it, or give the cluster CA (/etc/pve/pve-root-ca.pem).',
  'proxmox.tls_fingerprint_mismatch': 'The certificate is not the one you pinned. If the node\'s certificate was renewed on purpose, fetch and trust the new fingerprint; otherwise something is intercepting the connection.',
  'proxmox.not_found': 'That address answers, but not as the Proxmox API. Check that the product (PVE, PBS, PMG) and the port match.',
  'proxmox.bad_response': 'The answer was not Proxmox\'s API format. A proxy or a different service may be answering at that address.',
};

export function hintFor(code: string): string | undefined {
  return HINTS[code];
}

export async function testConnection(client: ProxmoxClient, input: ConnectionUnderTest): Promise<TestResult> {
  const product = input.product;
  try {
    const version = readAnswer(A.Version, await client.get('/version'), '/version').value;
    const release = version.release ? `${version.version} (${version.release})` : version.version;
    if (product === 'pbs') {
      await client.get('/admin/datastore');
      return { ok: true, product, version: release, nodes: ['localhost'] };
    }
    const nodes = readAnswer(A.NodeList, await client.get('/nodes'), '/nodes').value.map((n) => n.node);
    // /version works for any valid token; a privilege-separated token without an ACL sees no nodes.
    if (nodes.length === 0) {
      return { ok: false, product, version: release, nodes, error: { code: 'proxmox.forbidden', message: 'The credentials work, but they see no nodes.', hint: HINTS['proxmox.forbidden'] } };
    }
    return { ok: true, product, version: release, nodes };
  } catch (err) {
    const code = isProxmoxError(err) ? err.code : 'proxmox.failed';
    const message = err instanceof Error ? err.message : String(err);
    const hint = hintFor(code);
    return { ok: false, product, error: { code, message, ...(hint ? { hint } : {}) } };
  } finally {
    client.close();
  }
}
