#!/bin/sh
# Records the host collector's view from inside Linux namespaces, the way a container runtime sets
# them up (own pid, mount, uts, ipc and network namespaces, a memory cgroup v1 limit), without a
# container runtime: `recorded-pidns-container` was made with it. Run as root from the repo root:
#
#   sh tools/record-proc/record-container.sh [out-dir]
#
# Inside: pid 1 is a shell, with `sleep`, a CPU-busy node process and a node process sending TCP
# traffic out of eth0 (a veth pair to the host) while the recorder takes two snapshots a second
# apart. Everything it creates (netns, veth, cgroup, /run/netns if it made it) is removed on exit.
set -eu

out=${1:-packages/collectors/src/host/fixtures/recorded-pidns-container}
notes=tools/record-proc/notes/pidns-container.md
ns=pulse-rec-$$
host_if=pulse-rec$$
cgroup=/sys/fs/cgroup/memory/pulse-rec-$$
sink_pid=
made_run_netns=
[ -d /run/netns ] || made_run_netns=1

cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "$made_run_netns" ] && [ -d /run/netns ] && [ -z "$(ls /run/netns)" ]; then
    umount /run/netns 2>/dev/null || true
    rmdir /run/netns
  fi
  if [ -d "$cgroup" ]; then
    echo $$ > /sys/fs/cgroup/memory/cgroup.procs
    rmdir "$cgroup"
  fi
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip link add "$host_if" type veth peer name eth0 netns "$ns"
ip addr add 10.213.0.1/30 dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" sh -c 'ip link set lo up && ip addr add 10.213.0.2/30 dev eth0 && ip link set eth0 up'

# The host end of the "container's" uplink: swallows whatever arrives.
node -e "require('node:net').createServer((s) => s.resume()).listen(47613, '10.213.0.1')" &
sink_pid=$!

# A memory limit the kernel enforces but /proc/meminfo does not show (no lxcfs).
if [ -d /sys/fs/cgroup/memory ]; then
  mkdir "$cgroup"
  echo 536870912 > "$cgroup/memory.limit_in_bytes"
  echo $$ > "$cgroup/cgroup.procs"
fi

# `ip netns exec` also mounts a sysfs of the new network namespace on /sys, as runtimes do.
ip netns exec "$ns" unshare --pid --fork --mount --mount-proc --uts --ipc sh -c '
  hostname web-1
  sleep 600 &
  node -e "const end = Date.now() + 3000; while (Date.now() < end);" &
  node -e "
    const socket = require(\"node:net\").connect(47613, \"10.213.0.1\");
    const chunk = Buffer.alloc(64 * 1024);
    const timer = setInterval(() => socket.write(chunk), 20);
    setTimeout(() => { clearInterval(timer); socket.end(); }, 3000);
  " &
  sleep 0.5
  node tools/record-proc/record.mjs --out "$1" --label pidns-container --snapshots 2 --interval-ms 1000 --notes-file "$2"
' record-container "$out" "$notes"
