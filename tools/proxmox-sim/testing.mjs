import https from 'node:https';

/**
 * A tiny HTTPS client for tests: trusts the simulator's own certificate, opens a fresh connection per
 * call (so a replaced certificate is seen) and reports the peer certificate's fingerprint.
 * @param {{ certificate: string }} sim
 * @param {string} url base url (https://127.0.0.1:port)
 * @param {string} path after /api2/json
 * @param {{ method?: string, headers?: Record<string, string>, body?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, reason: string, headers: import('node:http').IncomingHttpHeaders, text: string, json: any, fingerprint: string }>}
 */
export function request(sim, url, path, opts = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${url}/api2/json${path}`, { method: opts.method ?? 'GET', headers: opts.headers, ca: sim.certificate, agent: false, checkServerIdentity: () => undefined }, (res) => {
      const fingerprint = /** @type {import('node:tls').TLSSocket} */ (res.socket).getPeerCertificate().fingerprint256;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, text, json, fingerprint });
      });
    });
    req.on('error', reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(opts.body);
  });
}

/** The Authorization header of the default token for each product. */
export const tokenHeader = (/** @type {'pve' | 'pbs' | 'pmg'} */ product, tokenId = 'root@pam!pulse', secret = 'pulse-secret') =>
  ({ Authorization: product === 'pve' ? `PVEAPIToken=${tokenId}=${secret}` : `${product.toUpperCase()}APIToken=${tokenId}:${secret}` });
