# SPDX-License-Identifier: GPL-2.0
# tests/vm/vns.sh: vnetscope helpers for the VM scenarios; source after lib.sh.
#
# The text views are parsed as their README documents them: "# vnetscope <view> v1", then
# records of space-separated key=value pairs.

VNS_DBG=/sys/kernel/debug/vnetscope
VNS_PROC=/proc/vnetscope

# view_sum FILE KEY=VALUE...: sum of count= over the records matching every KEY=VALUE
view_sum() {
  local f=$1; shift
  awk -v conds="$*" -f "$VNS_REPO/tests/vm/view.awk" -v mode=sum "$f"
}

# view_count FILE KEY=VALUE...: number of records matching
view_count() {
  local f=$1; shift
  awk -v conds="$*" -f "$VNS_REPO/tests/vm/view.awk" -v mode=count "$f"
}

# view_get FILE FIELD KEY=VALUE...: FIELD of every matching record, one per line
view_get() {
  local f=$1 field=$2; shift 2
  awk -v conds="$*" -v field="$field" -f "$VNS_REPO/tests/vm/view.awk" -v mode=get "$f"
}

# status_get KEY: KEY of the drops collector in the status view
status_get() {
  view_get "${VNS_STATUS:-$VNS_PROC/status}" "$1" collector=drops
}

# ctl COMMAND: write one command to the control file
ctl() { echo "$*" > "$VNS_DBG/control"; }

# keep VIEW NAME: a copy of a view in $VNS_OUT/views/, for the post-mortem
keep() { mkdir -p "$VNS_OUT/views"; cat "$1" > "$VNS_OUT/views/$VNS_SCENARIO-$2.txt"; }

# udp_send SRC SPORT DST DPORT N [SIZE]: N datagrams from one socket (one flow)
udp_send() { "$VNS_TESTBIN/udpsend" "$@" >/dev/null; }

# has_reasons: does this kernel give drop reasons (5.17+)?  Read from the tracepoint itself.
has_reasons() {
  grep -q reason /sys/kernel/tracing/events/skb/kfree_skb/format 2>/dev/null
}

# --- the selftest collector's probes on tun_net_xmit, and a TAP to drive them (60, 95) ---
# pget KEY TYPE: KEY of the selftest probe of TYPE (kprobe, kretprobe) in the probes view
pget() { view_get "$VNS_PROC/probes" "$1" collector=selftest probe=tun_net_xmit type="$2"; }
tun_loaded() { grep -q '^tun ' /proc/modules && echo loaded || echo gone; }

# tap_up: the TAP vt0 and its reader (tests/vm/tapreader.py holds the fd, which gives the TAP
# a carrier), 192.0.2.1/24 with a permanent neighbour 192.0.2.2
tap_up() {
  coproc TAP { python3 "$VNS_REPO/tests/vm/tapreader.py" vt0 9; }
  read -r ready <&"${TAP[0]}"
  [ "$ready" = ready ] || return 1
  sysctl -qw net.ipv6.conf.vt0.disable_ipv6=1
  ip addr add 192.0.2.1/24 dev vt0
  ip link set vt0 up
  ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev vt0 nud permanent
}
# tap_down: sets SEEN to what the reader saw ("frames N udp M"); not in a $(...), whose
# subshell would close only its own copy of the reader's stdin
tap_down() {
  exec {TAP[1]}>&-
  read -r SEEN <&"${TAP[0]}"
  wait "$TAP_PID" 2>/dev/null
  ip link del vt0 2>/dev/null
}

# hub_nics: the two NICs scripts/vmrun.sh joins on a qemu hub (VNS_VM_HUB=1), found by MAC
# (their names depend on the kernel): sets e (the e1000) and v (the virtio-net); 1 if either is
# still missing after 10 s
hub_nics() {
  local d _
  modprobe virtio_net 2>/dev/null; modprobe e1000 2>/dev/null   # built in on 4.19
  for _ in $(seq 50); do
    e= v=
    for d in /sys/class/net/*; do
      case "$(cat "$d/address" 2>/dev/null)" in
      52:54:00:e1:00:01) e=${d##*/} ;;
      52:54:00:f2:00:02) v=${d##*/} ;;
      esac
    done
    [ -n "$e" ] && [ -n "$v" ] && return 0
    sleep 0.2
  done
  return 1
}
