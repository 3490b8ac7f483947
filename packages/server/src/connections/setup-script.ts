import type { Product } from './schema.js';

/** Names that go into the script: start with a letter or digit so no tool reads them as an option. */
export const SETUP_USER = /^[a-z0-9][a-z0-9_.-]{0,31}$/;
/** Proxmox token names must start with a letter. */
export const SETUP_TOKEN = /^[a-z][a-z0-9_.-]{0,31}$/;

const COMMON = String.raw`set -eu

say() { printf 'Pulse setup: %s\n' "$*"; }
fail() { printf 'Pulse setup: %s\n' "$*" >&2; exit 1; }

# Runs a create command: 0 when it created, 1 when the thing exists already (so a second run goes on),
# and stops the script on any other failure.
create() {
  if out=$("$@" 2>&1); then return 0; fi
  case $out in *'already exists'*) return 1 ;; esac
  printf '%s\n' "$out" >&2
  exit 1
}

# The secret out of a JSON answer ("value": "...").
value_of() { printf '%s\n' "$1" | sed -n 's/.*"value" *: *"\([^"]*\)".*/\1/p' | head -n 1; }

[ "$(id -u)" = 0 ] || fail 'run this as root on the Proxmox host.'
`;

const FINGERPRINT = (files: string[]) => String.raw`
for cert in ${files.join(' ')}; do
  if [ -r "$cert" ] && command -v openssl >/dev/null 2>&1; then
    printf '  TLS fingerprint (SHA-256): %s\n' "$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')"
    break
  fi
done
`;

const SHOW_SECRET = String.raw`
echo
say 'done. Add the connection in Pulse with:'
printf '  Token ID: %s\n' "$PULSE_TOKEN_ID"
if [ -n "$SECRET" ]; then
  printf '  Secret:   %s\n' "$SECRET"
else
  echo '  Secret:   not shown: the token existed already and a secret is shown only when it is created.'
  echo '            Run again with PULSE_REPLACE_TOKEN=1 to replace it (the old secret stops working).'
fi
`;

function pve(user: string, token: string): string {
  return String.raw`#!/bin/sh
# Pulse: creates a read-only monitoring user and API token on this Proxmox VE host.
# Run it as root on the host; on a cluster one node is enough (users and permissions are cluster-wide).
# Running it again keeps what exists; PULSE_REPLACE_TOKEN=1 replaces the token.
${COMMON}
command -v pveum >/dev/null 2>&1 || fail 'pveum not found: run this on a Proxmox VE host.'

PULSE_USER='${user}@pve'
PULSE_TOKEN='${token}'
PULSE_TOKEN_ID="$PULSE_USER!$PULSE_TOKEN"
PULSE_ROLE='PulseGuestAudit'

# Guest-agent data (IPs, filesystems) needs VM.GuestAgent.Audit on PVE 9; PVE 8 and older call it VM.Monitor.
PVE_MAJOR=$(pveversion | sed -n 's#^pve-manager/\([0-9][0-9]*\)\..*#\1#p')
if [ "${'$'}{PVE_MAJOR:-0}" -ge 9 ]; then GUEST_PRIV='VM.GuestAgent.Audit'; else GUEST_PRIV='VM.Monitor'; fi

if create pveum user add "$PULSE_USER" --comment 'Pulse monitoring (read-only)'; then say "created user $PULSE_USER"; else say "user $PULSE_USER exists"; fi
if create pveum role add "$PULSE_ROLE" --privs "$GUEST_PRIV"; then
  say "created role $PULSE_ROLE ($GUEST_PRIV)"
else
  pveum role modify "$PULSE_ROLE" --privs "$GUEST_PRIV"
  say "role $PULSE_ROLE exists; its privileges are now $GUEST_PRIV"
fi
pveum acl modify / --users "$PULSE_USER" --roles "PVEAuditor,$PULSE_ROLE"

if [ "${'$'}{PULSE_REPLACE_TOKEN:-0}" = 1 ]; then pveum user token remove "$PULSE_USER" "$PULSE_TOKEN" >/dev/null 2>&1 || true; fi
SECRET=''
# --privsep 1: the token holds only the ACLs given to it below, never more than the user.
if create pveum user token add "$PULSE_USER" "$PULSE_TOKEN" --privsep 1 --comment 'Pulse' --output-format json; then
  SECRET=$(value_of "$out")
  [ -n "$SECRET" ] || fail "the token was created but its secret could not be read from: $out"
fi
pveum acl modify / --tokens "$PULSE_TOKEN_ID" --roles "PVEAuditor,$PULSE_ROLE"
${SHOW_SECRET}${FINGERPRINT(['/etc/pve/local/pveproxy-ssl.pem', '/etc/pve/local/pve-ssl.pem'])}`;
}

function pbs(user: string, token: string): string {
  return String.raw`#!/bin/sh
# Pulse: creates a read-only monitoring user and API token on this Proxmox Backup Server.
# Run it as root on the host. Running it again keeps what exists; PULSE_REPLACE_TOKEN=1 replaces the token.
${COMMON}
command -v proxmox-backup-manager >/dev/null 2>&1 || fail 'proxmox-backup-manager not found: run this on a Proxmox Backup Server.'

PULSE_USER='${user}@pbs'
PULSE_TOKEN='${token}'
PULSE_TOKEN_ID="$PULSE_USER!$PULSE_TOKEN"

if create proxmox-backup-manager user create "$PULSE_USER" --comment 'Pulse monitoring (read-only)'; then say "created user $PULSE_USER"; else say "user $PULSE_USER exists"; fi
proxmox-backup-manager acl update / Audit --auth-id "$PULSE_USER"

if [ "${'$'}{PULSE_REPLACE_TOKEN:-0}" = 1 ]; then proxmox-backup-manager user delete-token "$PULSE_USER" "$PULSE_TOKEN" >/dev/null 2>&1 || true; fi
SECRET=''
if create proxmox-backup-manager user generate-token "$PULSE_USER" "$PULSE_TOKEN" --output-format json; then
  SECRET=$(value_of "$out")
  [ -n "$SECRET" ] || fail "the token was created but its secret could not be read from: $out"
fi
# A PBS token has at most its user's rights and only what its own ACL grants.
proxmox-backup-manager acl update / Audit --auth-id "$PULSE_TOKEN_ID"
${SHOW_SECRET}${FINGERPRINT(['/etc/proxmox-backup/proxy.pem'])}`;
}

function pmg(user: string): string {
  return String.raw`#!/bin/sh
# Pulse: creates a read-only (audit) monitoring user on this Proxmox Mail Gateway.
# Run it as root on the host. Running it again keeps the user and its password; PULSE_REPLACE_TOKEN=1 sets a new password.
${COMMON}
command -v pmgsh >/dev/null 2>&1 || fail 'pmgsh not found: run this on a Proxmox Mail Gateway.'

PULSE_USER='${user}@pmg'
PASSWORD=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
SHOWN=''

if create pmgsh create /access/users --userid "$PULSE_USER" --password "$PASSWORD" --role audit --comment 'Pulse monitoring (read-only)'; then
  say "created user $PULSE_USER"
  SHOWN=$PASSWORD
else
  say "user $PULSE_USER exists"
  pmgsh set "/access/users/$PULSE_USER" --role audit
  if [ "${'$'}{PULSE_REPLACE_TOKEN:-0}" = 1 ]; then
    pmgsh set /access/password --userid "$PULSE_USER" --password "$PASSWORD"
    SHOWN=$PASSWORD
  fi
fi

echo
say 'done. Add the connection in Pulse with password authentication:'
printf '  Username: %s\n' "$PULSE_USER"
if [ -n "$SHOWN" ]; then
  printf '  Password: %s\n' "$SHOWN"
else
  echo '  Password: not shown: the user existed already. Run again with PULSE_REPLACE_TOKEN=1 to set a new one.'
fi
${FINGERPRINT(['/etc/pmg/pmg-api.pem'])}`;
}

/**
 * A POSIX shell script, run as root on the Proxmox host, that creates a read-only monitoring user
 * (and for PVE/PBS an API token) with least privileges and prints what to enter in Pulse.
 */
export function setupScript(product: Product, user = 'pulse-monitor', token = 'pulse'): string {
  // The route validates these too; checked again because they are pasted into shell code.
  if (!SETUP_USER.test(user)) throw new RangeError(`unsafe user name for a setup script: ${JSON.stringify(user)}`);
  if (!SETUP_TOKEN.test(token)) throw new RangeError(`unsafe token name for a setup script: ${JSON.stringify(token)}`);
  return product === 'pve' ? pve(user, token) : product === 'pbs' ? pbs(user, token) : pmg(user);
}
