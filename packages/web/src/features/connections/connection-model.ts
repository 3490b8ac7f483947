import type { Connection, ConnectionInput, Product } from './connections-api';

/* The connection form: its fields, how they are checked before sending, and what errors mean. */

export const PRODUCTS: { value: Product; label: string; long: string; port: number }[] = [
  { value: 'pve', label: 'PVE', long: 'Proxmox VE', port: 8006 },
  { value: 'pbs', label: 'PBS', long: 'Proxmox Backup Server', port: 8007 },
  { value: 'pmg', label: 'PMG', long: 'Proxmox Mail Gateway', port: 8006 },
];
export const productLabel = (p: Product) => PRODUCTS.find((x) => x.value === p)?.long ?? p;

export type TlsMode = 'system' | 'fingerprint' | 'ca' | 'insecure';

export interface ConnectionForm {
  product: Product;
  name: string;
  /** One URL or host per line. */
  endpoints: string;
  authKind: 'token' | 'password';
  tokenId: string;
  secret: string;
  username: string;
  password: string;
  tlsMode: TlsMode;
  fingerprint: string;
  ca: string;
  intervalSeconds: string;
  enabled: boolean;
}

export const emptyForm = (): ConnectionForm => ({
  product: 'pve',
  name: '',
  endpoints: '',
  authKind: 'token',
  tokenId: '',
  secret: '',
  username: '',
  password: '',
  tlsMode: 'fingerprint',
  fingerprint: '',
  ca: '',
  intervalSeconds: '10',
  enabled: true,
});

/** A stored connection in the form; secrets stay empty (blank keeps the stored one). */
export function formOf(c: Connection): ConnectionForm {
  return {
    ...emptyForm(),
    product: c.product,
    name: c.name,
    endpoints: c.endpoints.join('\n'),
    authKind: c.auth.kind,
    tokenId: c.auth.tokenId ?? '',
    username: c.auth.username ?? '',
    tlsMode: c.tls.insecure ? 'insecure' : c.tls.fingerprint ? 'fingerprint' : c.tls.ca ? 'ca' : 'system',
    fingerprint: c.tls.fingerprint ?? '',
    intervalSeconds: String(Math.round((c.intervalMs ?? 10_000) / 1000)),
    enabled: c.enabled ?? true,
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TOKEN_ID = /^[^@\s!]+@[^@\s!]+![A-Za-z0-9][A-Za-z0-9_.-]*$/;
const USER = /^[^@\s!]+@[^@\s!]+$/;
const FINGERPRINT = /^([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i;

/** `pve1.lan` → `https://pve1.lan:8006`; a full URL stays as typed. */
export function normaliseEndpoint(raw: string, product: Product): string {
  const text = raw.trim().replace(/\/+$/, '');
  if (!text) return '';
  const port = PRODUCTS.find((p) => p.value === product)!.port;
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    if (!url.port && !/^[a-z]+:\/\/[^/]+:\d+/i.test(withScheme)) url.port = String(port);
    return url.origin;
  } catch {
    return text;
  }
}

export const endpointsOf = (form: ConnectionForm): string[] =>
  form.endpoints
    .split(/[\s,]+/)
    .map((e) => normaliseEndpoint(e, form.product))
    .filter(Boolean);

export type FieldErrors = Partial<Record<'name' | 'endpoints' | 'tokenId' | 'secret' | 'username' | 'password' | 'fingerprint' | 'ca' | 'interval', string>>;

/** What is wrong with the form, per field; `editing` lets a blank secret keep the stored one. */
export function validate(form: ConnectionForm, editing: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!NAME.test(form.name)) errors.name = 'Letters, digits, "_", "." and "-", starting with a letter or digit (64 at most).';
  const endpoints = endpointsOf(form);
  if (endpoints.length === 0) errors.endpoints = 'Give at least one address, e.g. https://pve1.lan:8006.';
  else {
    const bad = endpoints.find((e) => !/^https:\/\/[^\s/]+$/.test(e));
    if (bad) errors.endpoints = `"${bad}" is not an https:// address. Proxmox APIs only answer over HTTPS.`;
  }
  if (form.authKind === 'token') {
    if (!TOKEN_ID.test(form.tokenId.trim())) errors.tokenId = 'The full token id: user@realm!tokenname, e.g. pulse@pve!monitor.';
    if (!editing && !form.secret.trim()) errors.secret = 'The token secret (a UUID) shown once when the token was created.';
  } else {
    if (!USER.test(form.username.trim())) errors.username = 'User with realm: user@pam, user@pve or user@pbs.';
    if (!editing && !form.password) errors.password = 'The password of that user.';
  }
  if (form.tlsMode === 'fingerprint' && !FINGERPRINT.test(form.fingerprint.trim())) errors.fingerprint = 'A SHA-256 fingerprint: 64 hex digits, colons optional. Fetch it from the server below.';
  if (form.tlsMode === 'ca' && !form.ca.includes('-----BEGIN CERTIFICATE-----') && !(editing && !form.ca.trim())) errors.ca = 'Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE-----).';
  const seconds = Number(form.intervalSeconds);
  if (!Number.isFinite(seconds) || seconds < 5 || seconds > 3600) errors.interval = 'Between 5 and 3600 seconds.';
  return errors;
}

/** The form as the API takes it. Blank secrets are left out (on an edit, the stored one stays). */
export function inputOf(form: ConnectionForm): ConnectionInput {
  const auth: ConnectionInput['auth'] =
    form.authKind === 'token'
      ? { kind: 'token', tokenId: form.tokenId.trim(), ...(form.secret.trim() ? { secret: form.secret.trim() } : {}) }
      : { kind: 'password', username: form.username.trim(), ...(form.password ? { password: form.password } : {}) };
  const tls: ConnectionInput['tls'] =
    form.tlsMode === 'fingerprint'
      ? { fingerprint: form.fingerprint.trim().toUpperCase() }
      : form.tlsMode === 'ca'
        ? form.ca.trim()
          ? { ca: form.ca.trim() }
          : {}
        : form.tlsMode === 'insecure'
          ? { insecure: true }
          : {};
  return {
    name: form.name.trim(),
    product: form.product,
    endpoints: endpointsOf(form),
    auth,
    tls,
    intervalMs: Math.round(Number(form.intervalSeconds) * 1000),
    enabled: form.enabled,
  };
}

/** What to do about a connection error, by its code (the server's message says what happened). */
export const errorHints: Record<string, string> = {
  'proxmox.unauthorized': 'Check the token id (user@realm!name) and its secret, or the user and password, and that they exist on this server.',
  'proxmox.forbidden': 'The token lacks a privilege: give it the PVEAuditor role on / (the setup script does this), and untick "Privilege Separation" or grant the role to the token too.',
  'proxmox.node_offline': 'That node is down or cut off from the cluster; Pulse keeps reading the others.',
  'proxmox.unreachable': 'Check the address and port (8006 for PVE and PMG, 8007 for PBS) and that no firewall is in the way.',
  'proxmox.timeout': 'The server did not answer in time: check it is not overloaded, or add another endpoint of the cluster.',
  'proxmox.bad_response': 'Something other than a Proxmox API answered: check the address and port.',
  'proxmox.too_large': 'The answer was larger than Pulse accepts; please report this.',
  'proxmox.tls_untrusted': "The server's certificate is not trusted: fetch its fingerprint and trust it, paste your CA certificate, or (on a trusted network only) skip verification.",
  'proxmox.tls_fingerprint_mismatch': 'The certificate changed since you trusted it. If you renewed it, fetch and trust the new fingerprint; if not, someone may be in the way.',
  'proxmox.rate_limited': 'The server asked Pulse to slow down: raise the poll interval.',
  'proxmox.server_error': 'The Proxmox API failed on its side; its syslog (journalctl -u pveproxy) says why.',
  'proxmox.not_found': 'The address answers but not with this product: check PVE / PBS / PMG and the port.',
};
