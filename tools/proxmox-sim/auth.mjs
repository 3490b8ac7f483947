import { randomBytes } from 'node:crypto';

/*
 * API tokens and ticket login, as pveproxy / proxmox-backup-proxy / pmgproxy check them. PVE writes
 * `PVEAPIToken=user@realm!id=secret`; PBS and PMG separate the secret with a colon. Tickets last
 * 2 h on the simulator's clock, so expiry tests advance the clock instead of waiting.
 */

const TICKET_LIFETIME_MS = 2 * 3600 * 1000;
const PREFIX = { pve: 'PVE', pbs: 'PBS', pmg: 'PMG' };

/**
 * @typedef {{ tokenId: string, secret: string, privsepNoAcl?: boolean }} SimToken
 * @typedef {{ username: string, password: string }} SimUser
 * @typedef {{ ok: true, who: string, privsepNoAcl: boolean } | { ok: false, status: number, message: string }} AuthResult
 */

/** @param {{ product: 'pve' | 'pbs' | 'pmg', tokens: SimToken[], users: SimUser[], now: () => number }} options */
export function createAuth(options) {
  const prefix = PREFIX[options.product];
  const separator = options.product === 'pve' ? '=' : ':';
  const tokens = new Map(options.tokens.map((t) => [t.tokenId, t]));
  const revoked = new Set();
  /** @type {Map<string, { username: string, csrf: string, issuedAt: number }>} */
  const tickets = new Map();

  function fromToken(/** @type {string} */ header) {
    const value = header.slice(`${prefix}APIToken`.length + 1);
    const at = value.indexOf(separator);
    const tokenId = at < 0 ? value : value.slice(0, at);
    const token = tokens.get(tokenId);
    if (!token || at < 0 || value.slice(at + 1) !== token.secret || revoked.has(tokenId)) return fail(401, 'invalid token value!');
    return /** @type {AuthResult} */ ({ ok: true, who: tokenId, privsepNoAcl: token.privsepNoAcl ?? false });
  }

  const fail = (/** @type {number} */ status, /** @type {string} */ message) => /** @type {AuthResult} */ ({ ok: false, status, message });

  return {
    cookieName: `${prefix}AuthCookie`,
    /** @returns {AuthResult} */
    check(/** @type {import('node:http').IncomingMessage} */ req) {
      const header = req.headers.authorization ?? '';
      if (header.startsWith(`${prefix}APIToken=`) || header.startsWith(`${prefix}APIToken `)) return fromToken(header);
      const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${prefix}AuthCookie=`));
      if (!cookie) return fail(401, 'No ticket');
      const ticket = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
      const t = tickets.get(ticket);
      if (!t || options.now() - t.issuedAt >= TICKET_LIFETIME_MS) return fail(401, 'invalid ticket');
      if (req.method !== 'GET' && req.headers.csrfpreventiontoken !== t.csrf) return fail(401, 'Permission denied - invalid csrf token');
      return { ok: true, who: t.username, privsepNoAcl: false };
    },
    /** POST /access/ticket; `realm` is added when the username has none, as PVE does */
    login(/** @type {Record<string, string>} */ form) {
      const username = form.username && !form.username.includes('@') && form.realm ? `${form.username}@${form.realm}` : form.username;
      const user = options.users.find((u) => u.username === username);
      if (!user || user.password !== form.password) return undefined;
      const stamp = Math.floor(options.now() / 1000).toString(16).toUpperCase();
      const ticket = `${prefix}:${username}:${stamp}::${randomBytes(48).toString('base64')}`;
      const csrf = `${stamp}:${randomBytes(24).toString('base64').replace(/[+/=]/g, '')}`;
      tickets.set(ticket, { username, csrf, issuedAt: options.now() });
      return { ticket, CSRFPreventionToken: csrf, username };
    },
    revokeToken(/** @type {string} */ tokenId) { revoked.add(tokenId); },
    restoreToken(/** @type {string} */ tokenId) { revoked.delete(tokenId); },
  };
}
