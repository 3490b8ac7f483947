import { createHash } from 'node:crypto';

/*
 * Identifiers in a recording are replaced by fakes of the same format, derived from the recording's
 * label (never from the real value, which a hash would still identify), and replaced the same way in
 * every file and snapshot, so the collector sees one consistent machine.
 */

const hex = (seed, length) => {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
};

const placeholderUuids = new Set([
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '03000200-0400-0500-0006-000700080009',
]);

const text = (bytes) => bytes?.toString('utf8').trim();

/** Keeps the case of the value it replaces: DMI UUIDs are often upper case, MACs never. */
const sameCase = (original, fake) => (original === original.toUpperCase() ? fake.toUpperCase() : fake);

/**
 * The real → fake replacements for one snapshot's files: machine ids, the DMI UUID, MAC addresses
 * (the first octet is kept, since its locally-administered and multicast bits say what kind of
 * interface it is; all-zero addresses stay), and the hostname (and its short form).
 */
export function buildReplacements(files, label) {
  const exact = new Map();
  for (const path of ['etc/machine-id', 'var/lib/dbus/machine-id']) {
    const id = text(files.get(path));
    if (id && /^[0-9a-f]{32}$/i.test(id)) exact.set(id, sameCase(id, hex(`${label}:machine-id`, 32)));
  }
  const uuid = text(files.get('sys/class/dmi/id/product_uuid'));
  if (uuid && /^[0-9a-f-]{36}$/i.test(uuid) && !placeholderUuids.has(uuid.toLowerCase())) {
    const h = hex(`${label}:dmi-uuid`, 32);
    exact.set(uuid, sameCase(uuid, `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`));
  }
  for (const [path, bytes] of files) {
    const match = /^sys\/class\/net\/([^/]+)\/address$/.exec(path);
    const mac = text(bytes);
    if (!match || !mac || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac) || /^[0:]+$/.test(mac)) continue;
    const fake = hex(`${label}:mac:${match[1]}`, 10).match(/../g).join(':');
    exact.set(mac, sameCase(mac, `${mac.slice(0, 2)}:${fake}`));
  }
  const hostnames = new Map();
  const hostname = text(files.get('proc/sys/kernel/hostname'));
  if (hostname) {
    const fake = `rec-${hex(`${label}:hostname`, 6)}`;
    hostnames.set(hostname, fake);
    const short = hostname.split('.')[0];
    if (short !== hostname) hostnames.set(short, fake);
  }
  return { exact, hostnames };
}

const escape = (value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Secret-looking mount options (`password=`, `credentials=`, cifs `user=`) and `user@` in a mount
 * source are blanked: mountinfo shows a network filesystem's options as given.
 */
function redactMountinfo(content) {
  return content
    .replace(/\b(pass(word)?|secret|key|token|cred(entials)?|user(name)?|domain)=[^,\s]*/gi, '$1=redacted')
    .replace(/(^| )([^ /@]+)@(?=[^ ]*:)/gm, '$1redacted@');
}

/** `Serial : 00000000abcdef12` (Raspberry Pi and other ARM boards) identifies the board. */
const redactCpuinfo = (content) => content.replace(/^(Serial\s*:\s*)(\S+)$/gm, (_, head, serial) => head + '0'.repeat(serial.length));

/** Applies the replacements to one file's text; binary files (auxv) are returned as they are. */
export function sanitizeFile(path, bytes, { exact, hostnames }) {
  if (path === 'proc/self/auxv') return bytes;
  let content = bytes.toString('utf8');
  for (const [real, fake] of exact) content = content.split(real).join(fake);
  // Hostnames only as whole tokens: a host called `vm` must not turn `vmalloc` into something else.
  for (const [real, fake] of [...hostnames].sort((a, b) => b[0].length - a[0].length)) {
    content = content.replace(new RegExp(`(?<![A-Za-z0-9_.-])${escape(real)}(?![A-Za-z0-9_-])`, 'g'), fake);
  }
  if (path === 'proc/self/mountinfo') content = redactMountinfo(content);
  if (path === 'proc/cpuinfo') content = redactCpuinfo(content);
  return Buffer.from(content, 'utf8');
}

/** A statfs table's mount points go through the same replacements as mountinfo. */
export function sanitizePath(path, replacements) {
  return sanitizeFile('statfs-key', Buffer.from(path), replacements).toString('utf8');
}
