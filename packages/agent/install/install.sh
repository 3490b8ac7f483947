#!/bin/sh
# Installs pulse-agent as a systemd service, or removes it. The Pulse server serves this file at
# /api/agents/install.sh with the two values below filled in, so one command does it all:
#
#   curl -fsSL 'https://pulse.lan:7655/api/agents/install.sh?token=…' | sudo sh
#   curl -fsSL 'https://pulse.lan:7655/api/agents/install.sh?token=…' | sudo sh -s -- --uninstall
#
# Options: --server URL, --token INSTALL_TOKEN, --ca FILE, --insecure-tls, --docker ENDPOINT|false,
# --reenrol, --uninstall. POSIX sh (dash, busybox ash); needs root, Node.js >= 20, curl or wget.
#
# For tests: PULSE_AGENT_PREFIX installs everything under another root (no root needed), and
# SYSTEMCTL, USERADD, USERMOD, USERDEL, CHOWN and NODE name the commands to run instead.
set -eu

PULSE_SERVER='__PULSE_SERVER__'
PULSE_INSTALL_TOKEN='__PULSE_INSTALL_TOKEN__'

PREFIX=${PULSE_AGENT_PREFIX:-}
SYSTEMCTL=${SYSTEMCTL:-systemctl}
USERADD=${USERADD:-useradd}
USERMOD=${USERMOD:-usermod}
USERDEL=${USERDEL:-userdel}
CHOWN=${CHOWN:-chown}
NODE=${NODE:-node}

SERVICE_USER=pulse-agent
INSTALL_DIR=$PREFIX/opt/pulse-agent
CONFIG_DIR=$PREFIX/etc/pulse-agent
CONFIG=$CONFIG_DIR/agent.json
STATE_DIR=$PREFIX/var/lib/pulse-agent
UNIT=$PREFIX/etc/systemd/system/pulse-agent.service

say() { printf 'pulse-agent: %s\n' "$*"; }
warn() { printf 'pulse-agent: warning: %s\n' "$*" >&2; }
die() {
  printf 'pulse-agent: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'USAGE'
Usage: install.sh [--server URL] [--token INSTALL_TOKEN] [--ca FILE] [--insecure-tls]
                  [--docker ENDPOINT|false] [--reenrol]
       install.sh --uninstall
Installs pulse-agent as the systemd service pulse-agent (run as root; needs Node.js >= 20).
USAGE
}

# Placeholders the server did not fill (the script was fetched some other way) count as unset.
case $PULSE_SERVER in __PULSE_*) PULSE_SERVER= ;; esac
case $PULSE_INSTALL_TOKEN in __PULSE_*) PULSE_INSTALL_TOKEN= ;; esac

ACTION=install
INSECURE=
CA_FILE=
DOCKER=
REENROL=
while [ $# -gt 0 ]; do
  case $1 in
    --server) [ $# -ge 2 ] || die "--server needs a URL"; PULSE_SERVER=$2; shift 2 ;;
    --server=*) PULSE_SERVER=${1#*=}; shift ;;
    --token) [ $# -ge 2 ] || die "--token needs an install token"; PULSE_INSTALL_TOKEN=$2; shift 2 ;;
    --token=*) PULSE_INSTALL_TOKEN=${1#*=}; shift ;;
    --ca) [ $# -ge 2 ] || die "--ca needs a PEM file"; CA_FILE=$2; shift 2 ;;
    --ca=*) CA_FILE=${1#*=}; shift ;;
    --docker) [ $# -ge 2 ] || die "--docker needs an endpoint or false"; DOCKER=$2; shift 2 ;;
    --docker=*) DOCKER=${1#*=}; shift ;;
    --insecure-tls) INSECURE=1; shift ;;
    --reenrol|--reenroll) REENROL=1; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option \"$1\" (see --help)" ;;
  esac
done

if [ -z "$PREFIX" ] && [ "$(id -u)" != 0 ]; then
  die "run this as root (… | sudo sh)"
fi

have() { command -v "$1" >/dev/null 2>&1; }

user_exists() { id "$SERVICE_USER" >/dev/null 2>&1; }

uninstall() {
  if have "$SYSTEMCTL"; then
    "$SYSTEMCTL" disable --now pulse-agent.service >/dev/null 2>&1 || true
  fi
  rm -f "$UNIT"
  if have "$SYSTEMCTL"; then "$SYSTEMCTL" daemon-reload || true; fi
  rm -rf "$INSTALL_DIR" "$CONFIG_DIR" "$STATE_DIR"
  if user_exists; then "$USERDEL" "$SERVICE_USER" || warn "could not remove the $SERVICE_USER user"; fi
  say "removed. The agent stays listed in Pulse (offline) until you remove it there."
}

if [ "$ACTION" = uninstall ]; then
  uninstall
  exit 0
fi

[ -n "$PULSE_SERVER" ] || die "no server given: pass --server https://pulse.example:7655"
[ -n "$PULSE_INSTALL_TOKEN" ] || die "no install token given: create one in Pulse (Settings > Agents) and pass --token"
case $PULSE_INSTALL_TOKEN in
  *[!A-Za-z0-9_.-]*) die "the install token has characters no Pulse token has; copy it again" ;;
esac
case $PULSE_SERVER in
  http://*|https://*) ;;
  *) die "--server must start with https:// (or http://), got \"$PULSE_SERVER\"" ;;
esac
PULSE_SERVER=${PULSE_SERVER%/}
[ -z "$CA_FILE" ] || [ -r "$CA_FILE" ] || die "cannot read the CA file $CA_FILE"

# Node.js >= 20 runs the agent; it is one JavaScript file with nothing else to install.
NODE_BIN=$(command -v "$NODE" 2>/dev/null) || NODE_BIN=
[ -n "$NODE_BIN" ] || die "Node.js 20 or newer is needed and none was found. Install it (https://nodejs.org/en/download, or your distribution's nodejs package if it is 20+), then run this again."
NODE_VERSION=$("$NODE_BIN" -e 'process.stdout.write(process.versions.node)' 2>/dev/null) || NODE_VERSION=0
NODE_MAJOR=${NODE_VERSION%%.*}
case $NODE_MAJOR in ''|*[!0-9]*) NODE_MAJOR=0 ;; esac
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js 20 or newer is needed; $NODE_BIN is $NODE_VERSION. Upgrade it (https://nodejs.org/en/download), then run this again."
case $NODE_BIN in
  /root/*|/home/*) warn "node is at $NODE_BIN, which the $SERVICE_USER user may not be allowed to read; a system-wide Node (e.g. /usr/bin/node) is safer" ;;
esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# The bundle comes with its sha256 as the ETag; a mismatch means a broken or altered download.
BUNDLE_URL="$PULSE_SERVER/api/agents/pulse-agent.mjs"
say "downloading the agent from $BUNDLE_URL"
if have curl; then
  set -- -fsS --retry 2 -D "$TMP/headers" -o "$TMP/pulse-agent.mjs"
  [ -z "$INSECURE" ] || set -- "$@" -k
  [ -z "$CA_FILE" ] || set -- "$@" --cacert "$CA_FILE"
  # The token goes through stdin, not the command line, so other users cannot see it in ps.
  printf 'header = "Authorization: Bearer %s"\n' "$PULSE_INSTALL_TOKEN" | curl "$@" --config - "$BUNDLE_URL" ||
    die "could not download the agent from $BUNDLE_URL (see the error above)"
elif have wget; then
  set -- -q -S -O "$TMP/pulse-agent.mjs"
  [ -z "$INSECURE" ] || set -- "$@" --no-check-certificate
  [ -z "$CA_FILE" ] || set -- "$@" --ca-certificate="$CA_FILE"
  wget "$@" --header="Authorization: Bearer $PULSE_INSTALL_TOKEN" "$BUNDLE_URL" 2>"$TMP/headers" ||
    die "could not download the agent from $BUNDLE_URL: $(tail -n 3 "$TMP/headers")"
else
  die "curl or wget is needed to download the agent"
fi

sha256_of() {
  if have sha256sum; then sha256sum "$1" | cut -d' ' -f1
  elif have shasum; then shasum -a 256 "$1" | cut -d' ' -f1
  elif have openssl; then openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else die "sha256sum, shasum or openssl is needed to check the download"
  fi
}
EXPECTED=$(sed -n 's/^[[:space:]]*[Ee][Tt][Aa][Gg]:[[:space:]]*//p' "$TMP/headers" | tail -n 1 | tr -d '"\r' | sed 's/^W\///; s/^sha256[:-]//' | tr 'A-F' 'a-f')
ACTUAL=$(sha256_of "$TMP/pulse-agent.mjs")
case $EXPECTED in
  ''|*[!0-9a-f]*) die "the server sent no sha256 ETag for the agent (got \"$EXPECTED\"); not installing" ;;
esac
[ ${#EXPECTED} -eq 64 ] || die "the server sent no sha256 ETag for the agent (got \"$EXPECTED\"); not installing"
[ "$EXPECTED" = "$ACTUAL" ] || die "the downloaded agent does not match its checksum (expected $EXPECTED, got $ACTUAL); not installing"
AGENT_VERSION=$("$NODE_BIN" "$TMP/pulse-agent.mjs" --version) || die "the downloaded agent does not run with $NODE_BIN ($NODE_VERSION)"

if ! user_exists; then
  NOLOGIN=/usr/sbin/nologin
  [ -x "$NOLOGIN" ] || NOLOGIN=/sbin/nologin
  "$USERADD" --system --home-dir /var/lib/pulse-agent --no-create-home --shell "$NOLOGIN" "$SERVICE_USER" ||
    die "could not create the $SERVICE_USER system user"
fi
# Docker's socket is root:docker 0660: the group is what lets the agent list containers.
if grep -q '^docker:' /etc/group 2>/dev/null; then
  "$USERMOD" -a -G docker "$SERVICE_USER" || warn "could not add $SERVICE_USER to the docker group; containers will not be reported"
fi

mkdir -p "$INSTALL_DIR" "$CONFIG_DIR" "$STATE_DIR" "$(dirname "$UNIT")"
chmod 0755 "$INSTALL_DIR"
chmod 0750 "$CONFIG_DIR"
chmod 0700 "$STATE_DIR"
cp "$TMP/pulse-agent.mjs" "$INSTALL_DIR/pulse-agent.mjs.new"
chmod 0755 "$INSTALL_DIR/pulse-agent.mjs.new"
mv -f "$INSTALL_DIR/pulse-agent.mjs.new" "$INSTALL_DIR/pulse-agent.mjs"

if [ -n "$CA_FILE" ]; then
  cp "$CA_FILE" "$CONFIG_DIR/ca.pem"
  chmod 0644 "$CONFIG_DIR/ca.pem"
fi

# An agent that is already enrolled keeps its identity (and history) when the script runs again to
# upgrade it; --reenrol makes it a new agent.
if [ -f "$CONFIG" ] && [ -z "$REENROL" ] && grep -q '"token"' "$CONFIG"; then
  say "already enrolled; keeping its identity (pass --reenrol to enrol again)"
else
  set -- enrol --server "$PULSE_SERVER" --config "$CONFIG" --state-dir "$STATE_DIR"
  [ -z "$INSECURE" ] || set -- "$@" --insecure-tls
  [ -z "$CA_FILE" ] || set -- "$@" --ca "$CONFIG_DIR/ca.pem"
  [ -z "$DOCKER" ] || set -- "$@" --docker "$DOCKER"
  PULSE_AGENT_INSTALL_TOKEN=$PULSE_INSTALL_TOKEN "$NODE_BIN" "$INSTALL_DIR/pulse-agent.mjs" "$@" ||
    die "enrolment failed (see above); nothing is running yet"
fi
"$CHOWN" "root:$SERVICE_USER" "$CONFIG_DIR"
"$CHOWN" "$SERVICE_USER:$SERVICE_USER" "$CONFIG" "$STATE_DIR"
chmod 0600 "$CONFIG"

cat >"$UNIT" <<EOF
# Written by the pulse-agent installer; "install.sh --uninstall" removes it.
[Unit]
Description=Pulse agent: reports this machine and its containers to $PULSE_SERVER
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=simple
User=$SERVICE_USER
Group=$SERVICE_USER
# A 1 MiB young generation keeps the agent's resident memory about 4 MB lower (measured) at no
# visible CPU cost: it allocates little per report. --jitless --single-threaded: the agent's code
# runs a few milliseconds a second, too little for the JIT to pay off, and V8's helper threads only
# add wake-ups; together 8 MB less RSS and ~10 % less CPU (docs/BENCHMARKS.md, bench/agent).
# --no-expose-wasm: without it V8 warns on every start that --jitless turned WebAssembly off.
ExecStart=$NODE_BIN --max-semi-space-size=1 --jitless --no-expose-wasm --single-threaded $INSTALL_DIR/pulse-agent.mjs run --config $CONFIG
Restart=on-failure
RestartSec=5
# 2 usage, 77 token refused (the agent was removed in Pulse: enrol again), 78 bad config:
# restarting cannot fix those, so systemd shows the unit as failed instead of looping.
RestartPreventExitStatus=2 77 78
TimeoutStopSec=15
StateDirectory=pulse-agent
StateDirectoryMode=0700
ReadWritePaths=$STATE_DIR
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
# read-only, not yes: the agent measures every filesystem, /home included.
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
SystemCallArchitectures=native
CapabilityBoundingSet=
AmbientCapabilities=
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
# Not MemoryDenyWriteExecute: V8's JIT needs writable executable memory.

[Install]
WantedBy=multi-user.target
EOF
chmod 0644 "$UNIT"

if ! have "$SYSTEMCTL"; then
  warn "systemd was not found; start the agent yourself: $NODE_BIN $INSTALL_DIR/pulse-agent.mjs run --config $CONFIG"
  exit 0
fi
"$SYSTEMCTL" daemon-reload
"$SYSTEMCTL" enable pulse-agent.service
"$SYSTEMCTL" restart pulse-agent.service
say "pulse-agent $AGENT_VERSION installed and running. Status: systemctl status pulse-agent; log: journalctl -u pulse-agent -f"
