#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 98-virt-kvm: the virtio (guest side) collector on a real device of this VM (issue 13): its
# virtio-net NIC on the qemu hub (scripts/vmrun.sh VNS_VM_HUB=1) in a netns, datagrams in from
# the e1000 on the same hub.  A flood: virtnet_poll runs from net_rx_action only, and its
# packets sum to the NIC's rx_packets delta exactly; the receive queue's vring_interrupt count
# equals its MSI-X line's /proc/interrupts delta.  Then a receiver with SO_BUSY_POLL
# (net.core.busy_read/busy_poll=50): polls from napi_busy_loop appear, their packets are at most
# what the socket received, and the sum is still the rx_packets delta.
# (The kvm collector's irqfd assertions are 98-virt's, on its nested guest.)  Without the hub's
# NICs the scenario fails: nothing here skips.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=virtkvm
VIO=$VNS_PROC/virtio
in_e() { ip netns exec vns_e "$@"; }
in_v() { ip netns exec vns_v "$@"; }
# vsum FILE FIELD KEY=VALUE...: the sum of FIELD over the matching records
vsum() {
  local f=$1 k=$2; shift 2
  view_get "$f" "$k" "$@" | awk '{ s += $1 } END { print s + 0 }'
}
# irqs_of NAME: the /proc/interrupts total of the line named NAME (all CPUs)
irqs_of() {
  awk -v n="$1" '$NF == n { s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break; print s; f = 1 }
                 END { if (!f) print "" }' /proc/interrupts
}

# vmiss: what the vring_interrupt probe missed so far (a kprobe hit on a CPU already running
# a kprobe handler is skipped by the kprobes core and counted there, not in the collector)
vmiss() {
  view_get "$VNS_PROC/probes" missed collector=virtio probe=vring_interrupt | awk '{ s += $1 } END { print s + 0 }'
}
# irqs_check NAME: /proc/interrupts' growth (i1 - i0) is the collector's count plus what the
# probe missed meanwhile (m1 - m0). Not yet exact: on 4.19 under two VMs the collector once
# counted 1160 of 1162 with nothing missed (unexplained, see the README's known limits), so up
# to 1% more is allowed; never fewer interrupts in /proc than the collector counted.
irqs_check() {
  local c d
  c=$(vsum $VIO irqs vdev=${vdev#virtio} name=input.0)
  d=$(( i1 - i0 - c ))
  echo "INFO $1: /proc/interrupts +$((i1 - i0)), collector $c, probe missed +$((m1 - m0))"
  expect_range $T/$1 "$d" 0 "$(( m1 - m0 + (i1 - i0) / 100 ))"
}

load_vns || exit 1
trap 'cleanup_netns vns_e vns_v; unload_vns' EXIT

# --- probes: what this kernel has -------------------------------------------------------------
ctl enable virtio || fail $T/enable_virtio "rejected"
grep -E "collector=virtio" $VNS_PROC/probes | sed 's/^/INFO /'

# --- 1. virtio: the hub's virtio-net NIC ------------------------------------------------------
if ! hub_nics; then
  fail $T/nics "no hub NICs (scripts/vmrun.sh VNS_VM_HUB=1): e1000='${e:-}' virtio='${v:-}'"
else
  VI=vns_virtio
  vdev=$(basename "$(readlink -f /sys/class/net/$v/device)")   # virtioN
  ip netns add vns_e; ip netns add vns_v
  ip link set "$e" netns vns_e; ip link set "$v" netns vns_v
  in_v ip link set "$v" name $VI
  for ns in vns_e vns_v; do
    ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec $ns ip link set lo up
  done
  in_e ip addr add 10.98.0.1/24 dev "$e"; in_v ip addr add 10.98.0.2/24 dev $VI
  in_e ip link set "$e" up; in_v ip link set $VI up
  for _ in $(seq 50); do in_e ping -c 1 -W 1 10.98.0.2 >/dev/null 2>&1 && break; sleep 0.2; done
  check $T/link in_e ping -c 1 -W 2 10.98.0.2
  in_e ip neigh replace 10.98.0.2 lladdr 52:54:00:f2:00:02 dev "$e" nud permanent
  in_v ip neigh replace 10.98.0.1 lladdr 52:54:00:e1:00:01 dev $VI nud permanent
  rxp() { in_v cat /sys/class/net/$VI/statistics/rx_packets; }
  msix=$(irqs_of "$vdev-input.0")
  echo "INFO virtio-net $v -> $VI ($vdev), MSI-X input.0 line: ${msix:-none}"
  sleep 1

  # 1a. a flood, nobody busy-polling
  N=3000
  ctl reset virtio
  rx0=$(rxp); i0=$(irqs_of "$vdev-input.0"); m0=$(vmiss)
  in_e "$VNS_TESTBIN/udpsend" 10.98.0.1 4000 10.98.0.2 9 $N 64 >/dev/null
  sleep 1
  rx1=$(rxp); i1=$(irqs_of "$vdev-input.0"); m1=$(vmiss)
  keep $VIO flood
  sed 's/^/INFO /' $VIO | grep "dev=$VI"
  expect_eq $T/flood_rx_packets "$((rx1 - rx0 >= N))" 1
  expect_eq $T/flood_packets_eq_rx "$(vsum $VIO packets dev=$VI)" "$((rx1 - rx0))"
  expect_eq $T/flood_softirq_polls "$(( $(vsum $VIO polls_softirq dev=$VI) > 0 ))" 1
  expect_eq $T/flood_no_busy_polls "$(vsum $VIO polls_busy dev=$VI)" 0
  expect_eq $T/flood_queue_name "$(view_get $VIO name dev=$VI | grep -v '^output\.' | head -1)" input.0
  if [ -n "$i0" ]; then
    irqs_check flood_irqs_eq_proc
  fi
  echo "INFO flood: rx_packets +$((rx1 - rx0)) irqs(/proc) +$(( ${i1:-0} - ${i0:-0} )) irq_none $(vsum $VIO irq_none vdev=${vdev#virtio})"

  # 1b. a busy-polling receiver
  # global, not per netns: set from the initial one
  sysctl -qw net.core.busy_read=50 net.core.busy_poll=50 net.core.rmem_max=8388608
  udp_stat() { in_v awk -v k="$1" '/^Udp:/ { if (!n) { for (i = 2; i <= NF; i++) if ($i == k) c = i; n = 1 } else print $c }' /proc/net/snmp; }
  ub0=$(udp_stat RcvbufErrors)
  ctl reset virtio
  rx0=$(rxp); i0=$(irqs_of "$vdev-input.0"); m0=$(vmiss)
  M=400
  in_v python3 - 10.98.0.2 7000 $M > /tmp/busy.out 2>&1 <<'PY' &
import signal, socket, sys
# a blocking recv() busy-polls (sk_busy_loop); one with a timeout would poll() first
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 46, 50)    # SO_BUSY_POLL, us
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((sys.argv[1], int(sys.argv[2])))
n = 0
def done(*_):
    print(n)
    sys.exit(0)
signal.signal(signal.SIGALRM, done)
signal.alarm(120)
open('/tmp/busy.ready', 'w').close()
while n < int(sys.argv[3]):
    s.recv(2048)
    n += 1
done()
PY
  rpid=$!
  for _ in $(seq 100); do [ -e /tmp/busy.ready ] && break; sleep 0.1; done
  for _ in $(seq $((M / 20))); do
    in_e "$VNS_TESTBIN/udpsend" 10.98.0.1 4001 10.98.0.2 7000 20 64 >/dev/null
    sleep 0.05
  done
  wait $rpid
  got=$(cat /tmp/busy.out)
  sleep 0.5
  rx1=$(rxp); i1=$(irqs_of "$vdev-input.0"); m1=$(vmiss)
  keep $VIO busy
  sed 's/^/INFO /' $VIO | grep "dev=$VI"
  busy=$(vsum $VIO polls_busy dev=$VI)
  pbusy=$(vsum $VIO packets_busy dev=$VI)
  ub=$(( $(udp_stat RcvbufErrors) - ub0 ))
  expect_eq $T/busy_received_or_rcvbuf "$((got + ub))" $M
  expect_eq $T/busy_packets_eq_rx "$(vsum $VIO packets dev=$VI)" "$((rx1 - rx0))"
  expect_eq $T/busy_polls_seen "$((busy > 0))" 1
  expect_eq $T/busy_packets_le_received "$((pbusy <= got))" 1
  if [ -n "$i0" ]; then
    irqs_check busy_irqs_eq_proc
  fi
  echo "INFO busy: received $got (RcvbufErrors +$ub), rx_packets +$((rx1 - rx0)), polls softirq/busy/other" \
       "$(vsum $VIO polls_softirq dev=$VI)/$busy/$(vsum $VIO polls_other dev=$VI)," \
       "packets_busy $pbusy, irqs +$(( ${i1:-0} - ${i0:-0} )), irq_none $(vsum $VIO irq_none vdev=${vdev#virtio} name=input.0)"
  sysctl -qw net.core.busy_read=0 net.core.busy_poll=0
  # the command: the same figures over netlink
  "$VNS_CLI" virtio --dev $VI | sed 's/^/INFO cli: /'
  js=$("$VNS_CLI" virtio --dev $VI --json)
  expect_eq $T/cli_virtio_packets "$(echo "$js" | python3 -c 'import json,sys; print(sum(q["packets"] for q in json.load(sys.stdin)["queues"]))')" \
    "$(vsum $VIO packets dev=$VI)"
  expect_eq $T/cli_virtio_busy "$(echo "$js" | python3 -c 'import json,sys; print(sum(q["polls_busy"] for q in json.load(sys.stdin)["queues"]))')" "$busy"
  expect_eq $T/cli_virtio_queue1 "$("$VNS_CLI" virtio --dev $VI --queue 1)" "no virtio data for $VI"
fi
grep -E "collector=virtio" $VNS_PROC/status | sed 's/^/INFO /'

dmesg_clean $T/dmesg
