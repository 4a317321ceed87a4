# SPDX-License-Identifier: GPL-2.0
# tests/vm/ovs.sh: Open vSwitch, Linux bridge and TAP-guest helpers for the VM scenarios;
# source after lib.sh.
#
# Open vSwitch runs inside the test VM: its programs are the host's (openvswitch-switch,
# installed by scripts/lab-setup.sh), and the VM's / is the host root, read-only over 9p. The
# paths compiled into Debian's OVS (the database in /etc/openvswitch) are not writable there,
# so the database, pidfiles and control sockets live in $OVS_RUNDIR (/run/openvswitch, a tmpfs
# in the VM) and the daemons' logs in $VNS_OUT/logs/<scenario>-ovs*.log (kept for the
# post-mortem). The OVS_* variables are exported, so ovs-vsctl, ovs-appctl and ovs-dpctl in a
# scenario find the daemons without options.
#
#   ovs_start                         modprobe openvswitch, start ovsdb-server and ovs-vswitchd
#   ovs_stop                          bridges deleted, daemons stopped, openvswitch removed
#   ovs_bridge BR                     an OVS bridge (its own interface BR stays down)
#   ovs_veth_port BR PORT NS PEER ADDR [MAC]   veth PORT on BR, PEER in netns NS with ADDR
#   ovs_internal_ns BR PORT NS ADDR [MAC]      an internal port of BR, moved into netns NS
#   ovs_add_port BR DEV               an existing device (a TAP) as a port of BR, set up
#   ovs_del_flows                     the datapath's flow table emptied (and vswitchd's view of it)
#   ovs_dp_lookups                    "HIT MISSED LOST" of the datapath (dpctl/show)
#   br_bridge BR                      a Linux bridge, up, STP off
#   br_veth_port BR PORT NS PEER ADDR [MAC]    veth PORT on the Linux bridge BR, PEER in netns NS
#   br_add_port BR DEV                an existing device as a port of the Linux bridge BR, set up
#   ns_mac NS DEV                     DEV's Ethernet address (NS "" is the root namespace)
#   ns_neigh NS DEV IP MAC            a permanent neighbour entry in NS
#   tapguest_start OUT ARG...         tests/vm/tapguest.py ARG... in the background
#   tapguest_wait                     waits for it; TAPGUEST_RESULT="sent=N received=M answered=K"
# Every helper returns nonzero and says why on stderr when a step fails. Namespaces they create
# are removed by cleanup_netns (lib.sh), as netns_pair's are.
#
# IPv6 is off in the namespaces and on the devices these helpers make: router solicitations,
# MLD reports and DAD probes would otherwise cross the switch at random moments, and a
# scenario that counts datapath misses or packets must see only its own traffic.

# shellcheck shell=bash
export OVS_RUNDIR=/run/openvswitch OVS_DBDIR=/run/openvswitch
export OVS_LOGDIR=${VNS_OUT:-/tmp}/logs OVS_PKGDATADIR=/usr/share/openvswitch
OVS_SCHEMA=$OVS_PKGDATADIR/vswitch.ovsschema
_OVS_MODS_BEFORE=""        # the modules loaded before ovs_start (ovs_stop leaves them)

_ovs_err() { echo "$*" >&2; return 1; }
_ovs_log() { echo "$OVS_LOGDIR/${VNS_SCENARIO:-vm}-$1.log"; }

# ovs_start: the openvswitch module, then ovsdb-server on a fresh database in $OVS_DBDIR,
# `ovs-vsctl --no-wait init`, then ovs-vswitchd. A bridge added afterwards exists in the
# datapath when ovs-vsctl returns (it waits for ovs-vswitchd).
ovs_start() {
  local p
  for p in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl ovs-dpctl ovs-ofctl; do
    command -v "$p" >/dev/null || _ovs_err "ovs_start: no $p (scripts/lab-setup.sh installs openvswitch-switch)" || return
  done
  [ -f "$OVS_SCHEMA" ] || _ovs_err "ovs_start: no schema $OVS_SCHEMA" || return
  if [ -s "$OVS_RUNDIR/ovsdb-server.pid" ] && kill -0 "$(cat "$OVS_RUNDIR/ovsdb-server.pid")" 2>/dev/null; then
    _ovs_err "ovs_start: ovsdb-server is already running (ovs_stop first)"; return
  fi
  _ovs_entropy || _ovs_err "ovs_start: cannot initialize the kernel's random pool" || return
  _OVS_MODS_BEFORE=$(awk '{ printf "%s ", $1 }' /proc/modules)
  modprobe openvswitch || _ovs_err "ovs_start: modprobe openvswitch failed" || return
  rm -rf "$OVS_RUNDIR"
  mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" || _ovs_err "ovs_start: cannot make $OVS_RUNDIR" || return
  # timeout, --timeout: a program that hangs must not hold the scenario until the scenario's
  # own timeout (a --detach'ed daemon's parent waits until the daemon has started)
  timeout 60 ovsdb-tool create "$OVS_DBDIR/conf.db" "$OVS_SCHEMA" ||
    _ovs_err "ovs_start: ovsdb-tool create $OVS_DBDIR/conf.db failed" || return
  timeout 60 ovsdb-server "$OVS_DBDIR/conf.db" --remote="punix:$OVS_RUNDIR/db.sock" \
    --pidfile="$OVS_RUNDIR/ovsdb-server.pid" --detach --no-chdir \
    --log-file="$(_ovs_log ovsdb-server)" -vconsole:off ||
    _ovs_err "ovs_start: ovsdb-server did not start (see $(_ovs_log ovsdb-server))" || return
  ovs-vsctl --timeout=30 --no-wait init || _ovs_err "ovs_start: ovs-vsctl init failed" || return
  timeout 60 ovs-vswitchd "unix:$OVS_RUNDIR/db.sock" --pidfile="$OVS_RUNDIR/ovs-vswitchd.pid" \
    --detach --no-chdir --log-file="$(_ovs_log ovs-vswitchd)" -vconsole:off ||
    _ovs_err "ovs_start: ovs-vswitchd did not start (see $(_ovs_log ovs-vswitchd))" || return
  # ovs-vswitchd has connected and configured itself once it has written its version (under
  # TCG that takes seconds)
  ovs-vsctl --timeout=60 wait-until Open_vSwitch . 'ovs_version!=""' >/dev/null ||
    _ovs_err "ovs_start: ovs-vswitchd did not configure itself within 60 s" || return
}

# _ovs_entropy: the kernel's random pool initialized. OVS's programs (through OpenSSL, which
# waits for the pool before it seeds itself) block until it is, and a 4.19 guest under TCG
# has no entropy source to initialize it (no RDRAND, no virtio-rng, and the jitter entropy of
# 5.4+ is missing): ovsdb-tool waited until the scenario timed out. A test VM needs no secret
# randomness, so when getrandom() would still block, bytes from /dev/urandom are credited to the
# pool by hand (ioctl RNDADDENTROPY on /dev/random, root only).
_ovs_entropy() {
  python3 - <<'PY'
import fcntl, os, struct
RNDADDENTROPY = 0x40085203
try:
    os.getrandom(1, os.GRND_NONBLOCK)
except BlockingIOError:
    with open('/dev/urandom', 'rb') as f:
        data = f.read(64)
    fd = os.open('/dev/random', os.O_WRONLY)
    fcntl.ioctl(fd, RNDADDENTROPY, struct.pack('ii', 8 * len(data), len(data)) + data)
    os.close(fd)
    os.getrandom(1, os.GRND_NONBLOCK)
PY
}

# ovs_stop: deletes every bridge, stops ovs-vswitchd (--cleanup: it deletes its datapath) and
# ovsdb-server, then removes the openvswitch module and the modules that ovs_start loaded for
# it (nf_conntrack, nsh, ... when they were not loaded before), so that a scenario can check
# that probes in them detach. Goes on past a step that fails, and returns nonzero if any did.
ovs_stop() {
  local rc=0 br d m name deps left
  if [ -S "$OVS_RUNDIR/db.sock" ]; then
    for br in $(ovs-vsctl --timeout=30 list-br 2>/dev/null); do
      ovs-vsctl --timeout=30 del-br "$br" || { echo "ovs_stop: del-br $br failed" >&2; rc=1; }
    done
  fi
  _ovs_kill ovs-vswitchd exit --cleanup || rc=1
  _ovs_kill ovsdb-server exit || rc=1
  # a datapath left by a vswitchd that died (ovs-dpctl talks to the kernel directly)
  for d in $(ovs-dpctl dump-dps 2>/dev/null); do ovs-dpctl del-dp "$d" 2>/dev/null; done
  # The module and its dependencies that were not loaded before ovs_start; dependents first,
  # in passes, since the dependencies depend on each other (nf_nat on nf_conntrack, ...).
  deps=$(modprobe --show-depends openvswitch 2>/dev/null | awk '$1 == "insmod" { print $2 }' |
         sed 's#.*/##; s/\.ko.*//; s/-/_/g')
  # and what ovs-vswitchd loaded itself (nfnetlink_cttimeout, probing its conntrack features),
  # but never vnetscope
  left=""
  for m in openvswitch $deps $(awk '{ print $1 }' /proc/modules); do
    grep -q "^$m " /proc/modules || continue
    case " $_OVS_MODS_BEFORE $(vns_modname) " in *" $m "*) [ "$m" = openvswitch ] || continue;; esac
    case " $left " in *" $m "*) continue;; esac
    left="$left $m"
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -n "$left" ] || break
    d=""
    for name in $left; do
      grep -q "^$name " /proc/modules || continue
      rmmod "$name" 2>/dev/null || d="$d $name"
    done
    left=$d
    [ -n "$left" ] && sleep 0.5
  done
  if [ -n "$left" ]; then
    left=${left# }
    echo "ovs_stop: cannot remove $left: $(grep -E "^(${left// /|}) " /proc/modules | tr '\n' ';')" >&2
    rc=1
  fi
  return $rc
}
# _ovs_kill NAME COMMAND...: `ovs-appctl -t NAME COMMAND...`, then waits for the process to go;
# a daemon that does not answer is killed.
_ovs_kill() {
  local name=$1 pidf=$OVS_RUNDIR/$1.pid pid; shift
  [ -s "$pidf" ] || return 0
  pid=$(cat "$pidf")
  kill -0 "$pid" 2>/dev/null || return 0
  ovs-appctl --timeout=30 -t "$name" "$@" >/dev/null 2>&1
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "ovs_stop: $name ($pid) did not exit, killed" >&2
  kill -9 "$pid" 2>/dev/null
  return 1
}

# _ns NS: netns NS, made if it does not exist (lo up, IPv6 off), and registered for cleanup_netns.
_ns() {
  ip netns list | awk '{ print $1 }' | grep -qx "$1" && return 0
  ip netns add "$1" || _ovs_err "cannot create netns $1" || return
  _VNS_NETNS="$_VNS_NETNS $1"
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$1" link set lo up
}
# _no6 DEV: IPv6 off on a device of the root namespace
_no6() { sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null; return 0; }
# _ns_addr NS DEV ADDR [MAC]: the address (and Ethernet address) of DEV in NS, DEV up
_ns_addr() {
  if [ -n "${4:-}" ]; then
    ip -n "$1" link set "$2" address "$4" || _ovs_err "cannot set $2's address to $4" || return
  fi
  ip -n "$1" addr add "$3" dev "$2" || _ovs_err "cannot add $3 to $2 in $1" || return
  ip -n "$1" link set "$2" up
}
# _veth PORT NS PEER: a veth pair, PORT in the root namespace, PEER in NS (made if needed)
_veth() {
  _ns "$2" || return
  ip link add "$1" type veth peer name "$3" netns "$2" || _ovs_err "cannot create veth $1/$3" || return
  _no6 "$1"
}

# ovs_bridge BR: an OVS bridge. Its local port (the interface BR) stays down and without IPv6,
# so that it sends nothing.
ovs_bridge() {
  ovs-vsctl --timeout=30 add-br "$1" || _ovs_err "ovs-vsctl add-br $1 failed" || return
  _no6 "$1"
}

# ovs_veth_port BR PORT NS PEER ADDR [MAC]: a veth pair; PORT is a port of the OVS bridge BR in
# the root namespace, PEER is in netns NS (made if needed) with address ADDR (and MAC).
ovs_veth_port() {
  [ $# -ge 5 ] || _ovs_err "ovs_veth_port: want BR PORT NS PEER ADDR [MAC]" || return
  _veth "$2" "$3" "$4" || return
  ovs-vsctl --timeout=30 add-port "$1" "$2" || _ovs_err "ovs-vsctl add-port $1 $2 failed" || return
  ip link set "$2" up && _ns_addr "$3" "$4" "$5" "${6:-}"
}

# ovs_internal_ns BR PORT NS ADDR [MAC]: an internal port of the OVS bridge BR moved into netns
# NS (made if needed), with ADDR (and MAC). This is how OVS's own tests put a host, whose
# packets enter the datapath through an internal port, in a namespace; the datapath keeps the
# port across the move.
ovs_internal_ns() {
  [ $# -ge 4 ] || _ovs_err "ovs_internal_ns: want BR PORT NS ADDR [MAC]" || return
  _ns "$3" || return
  ovs-vsctl --timeout=30 add-port "$1" "$2" -- set interface "$2" type=internal ||
    _ovs_err "ovs-vsctl add-port $1 $2 (internal) failed" || return
  ip link set "$2" netns "$3" || _ovs_err "cannot move $2 into $3" || return
  # a device that moves gets the IPv6 settings of its new namespace's defaults (off)
  _ns_addr "$3" "$2" "$4" "${5:-}"
}

# ovs_add_port BR DEV: the existing device DEV (e.g. a TAP that tapguest holds) as a port of the
# OVS bridge BR, then up.
ovs_add_port() {
  _no6 "$2"
  ovs-vsctl --timeout=30 add-port "$1" "$2" || _ovs_err "ovs-vsctl add-port $1 $2 failed" || return
  ip link set "$2" up
}

# ovs_del_flows: no flow in the datapath, and none that ovs-vswitchd still believes installed.
# `ovs-dpctl del-flows` alone empties the kernel's table behind ovs-vswitchd's back: its
# revalidators keep the flows' keys (ukeys) for a while, and an upcall for a flow whose ukey
# is still there installs nothing, so the next packets miss again. revalidator/purge deletes
# the flows through ovs-vswitchd; dpctl/del-flows then catches any flow it did not know.
ovs_del_flows() {
  ovs-appctl --timeout=30 revalidator/purge >/dev/null || _ovs_err "ovs-appctl revalidator/purge failed" || return
  ovs-appctl --timeout=30 dpctl/del-flows >/dev/null || _ovs_err "ovs-appctl dpctl/del-flows failed" || return
  [ -z "$(ovs-appctl --timeout=30 dpctl/dump-flows 2>/dev/null)" ] ||
    _ovs_err "ovs_del_flows: flows left: $(ovs-appctl dpctl/dump-flows)"
}

# ovs_dp_lookups: "HIT MISSED LOST" of the (one) datapath, from the line
# "lookups: hit:X missed:Y lost:Z" of ovs-dpctl show (asked through ovs-vswitchd: ovs-dpctl
# itself logs a line about feature negotiation each time it opens the datapath on 4.19). A miss is a packet sent up to
# ovs-vswitchd (an upcall); lost counts upcalls that could not be queued.
ovs_dp_lookups() {
  ovs-appctl --timeout=30 dpctl/show | sed -n 's/^ *lookups: hit:\([0-9]*\) missed:\([0-9]*\) lost:\([0-9]*\).*/\1 \2 \3/p' | head -n 1
}

# br_bridge BR: a Linux bridge, up, STP off (ports forward at once), IPv6 off on it.
br_bridge() {
  ip link add "$1" type bridge stp_state 0 || _ovs_err "cannot create bridge $1" || return
  _no6 "$1"
  ip link set "$1" up
}
# br_veth_port BR PORT NS PEER ADDR [MAC]: a veth pair, PORT a port of the Linux bridge BR,
# PEER in netns NS (made if needed) with ADDR (and MAC).
br_veth_port() {
  [ $# -ge 5 ] || _ovs_err "br_veth_port: want BR PORT NS PEER ADDR [MAC]" || return
  _veth "$2" "$3" "$4" || return
  ip link set "$2" master "$1" || _ovs_err "cannot add $2 to bridge $1" || return
  ip link set "$2" up && _ns_addr "$3" "$4" "$5" "${6:-}"
}
# br_add_port BR DEV: the existing device DEV as a port of the Linux bridge BR, then up.
br_add_port() {
  _no6 "$2"
  ip link set "$2" master "$1" || _ovs_err "cannot add $2 to bridge $1" || return
  ip link set "$2" up
}

# ns_mac NS DEV: DEV's Ethernet address; NS "" is the root namespace.
ns_mac() {
  ip ${1:+-n "$1"} -o link show dev "$2" | sed -n 's#.* link/ether \([0-9a-f:]*\) .*#\1#p'
}
# ns_neigh NS DEV IP MAC: a permanent neighbour entry (no ARP for IP on DEV in NS).
ns_neigh() {
  ip -n "$1" neigh replace "$3" lladdr "$4" dev "$2" nud permanent ||
    _ovs_err "cannot add neighbour $3 $4 on $2 in $1"
}

# tapguest_start OUT ARG...: tests/vm/tapguest.py ARG... in the background, its output in the
# file OUT; returns once the program has opened its TAP (its "ready" line), 0, or nonzero
# when it has died or not said so within 60 s. The TAP then exists; set it up to start the
# guest. TAPGUEST_PID and TAPGUEST_OUT are for tapguest_wait.
tapguest_start() {
  TAPGUEST_OUT=$1; shift
  # /dev/net/tun exists once tun is loaded (devtmpfs; the VM has no udev to make it earlier)
  modprobe tun || _ovs_err "tapguest_start: modprobe tun failed" || return
  : > "$TAPGUEST_OUT"
  python3 "$VNS_REPO/tests/vm/tapguest.py" "$@" > "$TAPGUEST_OUT" 2>&1 &
  TAPGUEST_PID=$!
  for _ in $(seq 1 600); do
    grep -qx ready "$TAPGUEST_OUT" && return 0
    kill -0 "$TAPGUEST_PID" 2>/dev/null || break
    sleep 0.1
  done
  _ovs_err "tapguest_start: no ready from tapguest.py $*: $(tr '\n' ' ' < "$TAPGUEST_OUT")"
}
# tapguest_wait: waits for the guest to finish; TAPGUEST_RESULT is its result line ("sent=N
# received=M answered=K", or what it printed last). Returns its exit status. Call it as a
# command, not in a $(...): a subshell cannot wait for the scenario's own background job.
tapguest_wait() {
  local rc
  wait "$TAPGUEST_PID"; rc=$?
  # shellcheck disable=SC2034  # for the scenario
  TAPGUEST_RESULT=$(grep '^sent=' "$TAPGUEST_OUT" || tail -n 1 "$TAPGUEST_OUT")
  return $rc
}
