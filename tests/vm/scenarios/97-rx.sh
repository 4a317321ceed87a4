#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 97-rx: packets parsed where the kernel has them (issue 12, items 7-11), on real devices: the
# e1000 and the virtio-net that scripts/vmrun.sh puts on a qemu hub (VNS_VM_HUB=1, tests/vm/run.sh's
# default), each moved into its own netns, GRO off on both (their drivers then leave the network
# header unset at net:netif_receive_skb).
#   1. RX before the network header is set: 1000 datagrams in over virtio-net are 1000
#      PHY_RX -> L4_RCV; a drop to a closed port there, and drops in the RPS backlog (before
#      __netif_receive_skb_core sets the header), show the right flow.
#   2. tot_len: datagrams of 1-3 bytes in padded frames (qemu's e1000 pads what it receives to
#      60 bytes) complete PHY_RX -> L4_RCV exactly N times.
#   3. non-IP skbs: AF_UNIX datagrams that hold a forged copy of a followed IPv6/UDP packet
#      neither complete it at APP_READ nor put its flow in the drop table.
#   4. latency dev=: the device a packet starts on, exact counts both ways.
#   5. reset against the reaper: resets under traffic, then after each final reset with the
#      traffic stopped, every counter and the table stay exactly zero.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=rx
V=$VNS_PROC/latency
D=$VNS_DBG/drops
H=$VNS_REPO/tests/vm/rxhelp.py
lat_status() { view_get $VNS_PROC/status "$1" collector=latency; }
pair() { view_get $V count type=pair from="$1" to="$2"; }
total() { view_get $V count type=total dir="$1"; }
in_e() { ip netns exec vns_e "$@"; }
in_v() { ip netns exec vns_v "$@"; }

# --- the two hub NICs ------------------------------------------------------------------------
if ! hub_nics; then
  skip $T/nics "no hub NICs (scripts/vmrun.sh with VNS_VM_HUB=1): e1000='${e:-}' virtio='${v:-}'"
  exit 0
fi
E=vns_e1000 VI=vns_virtio
# the virtio-net's interrupts on CPU 0, the sender and the receiver on CPU 1 (taskset): with
# ftrace-based kprobes the handlers run with interrupts on, so a virtio interrupt taken in the
# sender's IP_OUT or the receiver's APP_READ handler ran udp_rcv's kprobe nested, and the kprobe
# layer missed it (seen up to 993 of 1000 in CI, more than 20 missed on a slower machine)
# irqs_to_cpu0 NAME REGEX: the interrupt lines of /proc/interrupts that match REGEX to CPU 0
irqs_to_cpu0() {
  local irqs irq
  irqs=$(awk -v re="$2" '$0 ~ re { sub(":", "", $1); print $1 }' /proc/interrupts | tr '\n' ' ')
  [ -n "$irqs" ] || fail $T/irqs_$1 "no interrupt line of $1 in /proc/interrupts"
  for irq in $irqs; do
    echo 0 > /proc/irq/$irq/smp_affinity_list || fail $T/irq${irq}_affinity "irq $irq to CPU 0"
  done
  echo "INFO $1: interrupts $irqs on CPU $(for i in $irqs; do cat /proc/irq/$i/smp_affinity_list; done | sort -u | tr '\n' ' ')"
}
vdev=$(basename "$(readlink "/sys/class/net/$v/device")")
irqs_to_cpu0 "$v" "$vdev(-|\$)"
ip netns add vns_e && ip netns add vns_v || { fail $T/netns "ip netns add"; exit 1; }
ip link set "$e" netns vns_e && ip link set "$v" netns vns_v || { fail $T/netns "move"; exit 1; }
in_e ip link set "$e" name $E && in_v ip link set "$v" name $VI
in_e ip link set lo up; in_v ip link set lo up
in_e ip addr add 10.97.0.1/24 dev $E; in_v ip addr add 10.97.0.2/24 dev $VI
in_e ip link set $E up; in_v ip link set $VI up
expect_eq $T/gro_off_e1000 "$(in_e python3 $H gro $E off)" off
expect_eq $T/gro_off_virtio "$(in_v python3 $H gro $VI off)" off
# e1000 brings its link up a moment later
for _ in $(seq 50); do
  in_e ping -c 1 -W 1 10.97.0.2 >/dev/null 2>&1 && break
  sleep 0.2
done
check $T/link in_e ping -c 1 -W 2 10.97.0.2
echo "INFO e1000 $e -> $E, virtio-net $v -> $VI"

# (a 10 s timeout: a host that stalls the VM must not age a packet out between two stages)
load_vns latency_timeout_ms=10000 || exit 1

# recv NS ADDR PORT: a counting receiver in NS (udpsend --recv), ready when this returns
recv_start() {
  coproc RECV { ip netns exec "$1" taskset -c 1 "$VNS_TESTBIN/udpsend" --recv "$2" "$3" 2; }
  read -r _ <&"${RECV[0]}"
}
recv_count() { local n; read -r n <&"${RECV[0]}"; wait "$RECV_PID" 2>/dev/null; echo "$n"; }

# --- 1. RX on virtio-net, GRO off: 1000 datagrams, 1000 PHY_RX -> L4_RCV ------------------
# l4miss: the latency collector's L4_RCV hits the kprobe layer missed (a kprobe hit on a CPU
# already running a kprobe handler: here the sender's IP_OUT handler in process context, taken
# by the virtio interrupt whose softirq reaches udp_rcv). Seen once in CI (993 of 1000 under two
# VMs); the kernel counts each one, so the scenario accounts for them exactly.
l4miss() {
  awk '$1 == "collector=latency" && ($2 == "probe=udp_rcv" || $2 == "probe=__udp4_lib_rcv") {
    for (i = 3; i <= NF; i++) if ($i ~ /^missed=/) { sub("missed=", "", $i); s += $i } }
    END { print s + 0 }' $VNS_PROC/probes
}
# settle: every followed packet completes or ages out (10 s timeout, a reaper every 5 s) before
# the counts are read: under load a few may still be between PHY_RX and L4_RCV when the
# receiver has gone idle, and one whose L4_RCV hit was missed only leaves the table by ageing
settle() {
  for _ in $(seq 250); do
    [ "$(( $(lat_status completed) + $(lat_status incomplete) ))" -ge "$(lat_status tracked)" ] && break
    sleep 0.1
  done
}
ctl enable latency phy=$VI proto=udp dport=5101 || { fail $T/enable "control write failed"; exit 1; }
m0=$(l4miss)
recv_start vns_v 10.97.0.2 5101
in_e taskset -c 1 "$VNS_TESTBIN/udpsend" 10.97.0.1 41001 10.97.0.2 5101 1000 >/dev/null
got=$(recv_count)
settle
miss=$(( $(l4miss) - m0 ))
keep $V virtio
keep $VNS_PROC/status virtio-status
keep $VNS_PROC/probes virtio-probes
# (the receiver, slow under TCG, may overflow its socket: what the device got is the point)
echo "INFO the receiver got $got of 1000; L4_RCV hits missed by the kprobe layer: $miss"
expect_eq $T/virtio_tracked "$(lat_status tracked)" 1000
expect_eq $T/virtio_phy_rx "$(pair PHY_RX L4_RCV)" $((1000 - miss))
expect_eq $T/virtio_rx_total "$(total rx)" $((1000 - miss))
expect_eq $T/virtio_completed "$(lat_status completed)" $((1000 - miss))
expect_eq $T/virtio_incomplete "$(lat_status incomplete)" "$miss"
expect_eq $T/virtio_missed_few "$(( miss <= 20 ))" 1

# a drop to a closed port on that device: the right flow
ctl enable drops dev=$VI proto=udp
in_e "$VNS_TESTBIN/udpsend" 10.97.0.1 41002 10.97.0.2 5199 20 >/dev/null
keep $D closed
expect_eq $T/closed_flow "$(view_sum $D family=ipv4 src=10.97.0.1 dst=10.97.0.2 sport=41002 dport=5199)" 20
expect_eq $T/closed_only "$(view_sum $D)" 20

# drops in the RPS backlog, before __netif_receive_skb_core(): every one with the right flow
# (no flow filter, which would hide wrong ones). RPS to CPU 0, and the backlog's flow limit
# on with a backlog of 0: past the first half of its history, one flow is all dropped there.
# (get_rps_cpu() sets the network header: the code before item 7 gets these right too.)
ctl enable drops dev=$VI
mb=$(cat /proc/sys/net/core/netdev_max_backlog)
in_v sh -c "echo 1 > /sys/class/net/$VI/queues/rx-0/rps_cpus"
echo "INFO rps_cpus: $(in_v cat /sys/class/net/$VI/queues/rx-0/rps_cpus)"
echo 3 > /proc/sys/net/core/flow_limit_cpu_bitmap
echo 0 > /proc/sys/net/core/netdev_max_backlog
in_e "$VNS_TESTBIN/udpsend" 10.97.0.1 41003 10.97.0.2 5102 1000 >/dev/null
sleep 0.5
echo "$mb" > /proc/sys/net/core/netdev_max_backlog
echo 0 > /proc/sys/net/core/flow_limit_cpu_bitmap
in_v sh -c "echo 0 > /sys/class/net/$VI/queues/rx-0/rps_cpus"
keep $D backlog
# each datagram is dropped in the backlog or, past it, at the closed port 5102
all=$(view_sum $D)
bl=$(( all - $(view_sum $D 'location~__udp4_lib_rcv') ))
echo "INFO drops on $VI: $all, before the socket lookup (the backlog): $bl"
expect_range $T/backlog_drops "$bl" 1 1000
expect_eq $T/backlog_flow "$(view_sum $D family=ipv4 proto=udp src=10.97.0.1 dst=10.97.0.2 sport=41003 dport=5102)" "$all"
ctl disable drops

# --- 2. tot_len: 1-3 byte datagrams in frames padded to 60 bytes, in over e1000 --------------
# (no socket on 5103: every datagram that reaches UDP counts in NoPorts; under TCG the e1000
# may miss a frame or two, so the datagrams that came in are NoPorts' growth).  An unconnected
# socket's DF datagrams all have IPv4 ID 0, so the payload tells them apart: udpsend writes the
# low bytes of its sequence number.  Two datagrams alike in every byte that overlap in flight
# (5.x delivers a NAPI poll's packets as a list) are one identity to the collector.
noports() { in_e awk '$1 == "Udp:" && n++ { print $3 }' /proc/net/snmp; }
# (the e1000's interrupts on CPU 0 and the sender on CPU 1, as in 1 for the virtio-net: 3 of
# 150 L4_RCV hits missed on 4.19 without)
irqs_to_cpu0 $E "[ ,]$E(,|$)"
ctl enable latency phy=$E proto=udp dport=5103
np0=$(noports) m0=$(l4miss)
for size in 1 2 3; do
  in_v taskset -c 1 "$VNS_TESTBIN/udpsend" 10.97.0.2 41004 10.97.0.1 5103 50 $size >/dev/null
done
sleep 0.2
np=$(( $(noports) - np0 ))
# (as in 1: an L4_RCV hit the kprobe layer missed, seen once here with two VMs on two CPUs:
# tracked 150, completed 149, NoPorts 150)
settle
miss=$(( $(l4miss) - m0 ))
keep $V padded
keep $VNS_PROC/status padded-status
expect_range $T/padded_arrived "$np" 140 150
expect_eq $T/padded_phy_rx "$(pair PHY_RX L4_RCV)" $((np - miss))
expect_eq $T/padded_completed "$(lat_status completed)" $((np - miss))
expect_eq $T/padded_missed_few "$(( miss <= 2 ))" 1

# --- 3. AF_UNIX datagrams holding a followed packet, forged -----------------------------------
# 20 IPv6/UDP datagrams over lo to a socket that never reads: each waits, done, for APP_READ;
# 20 AF_UNIX datagrams with the same bytes are read: not one of them is the packet
ctl enable latency phy=lo proto=udp dport=5104
left=$(python3 $H forge-read 41010 5104 20)
keep $V unix
expect_eq $T/unix_sent "$left" 20
expect_eq $T/unix_queued "$(pair L4_RCV SOCK_QUEUE)" 20
expect_eq $T/unix_no_app_read "$(view_sum $V type=pair to=APP_READ)" 0
ctl enable drops proto=udp dport=5104
expect_eq $T/unix_drop_sends "$(python3 $H forge-drop 41011 5104 5)" 5
keep $D unix
expect_eq $T/unix_no_drop_flow "$(view_count $D)" 0
ctl disable drops

# --- 4. latency dev=: where a packet starts ------------------------------------------------
# 30 in over virtio-net (start PHY_RX on it), 20 out by it (start IP_OUT routed to it); the
# e1000 side of each (IP_OUT by e1000, PHY_RX on e1000) is filtered
ctl disable latency
# Both ends are this kernel: each datagram is seen by the sender's stages and the receiver's,
# with one identity, interleaved across CPUs. An rx datagram keeps to the RX path's stages
# (once in CI the e1000 sender's TX_XMIT came after the virtio-net's PHY_RX, and ended it);
# a tx one ends at TX_XMIT, or at the e1000 receiver's L4_RCV when that comes first (2 of 20
# on 4.19): L4_RCV ends a packet on any path. A count off prints the whole view and status.
ctl enable latency dev=$VI proto=udp dport=5105
in_e taskset -c 1 "$VNS_TESTBIN/udpsend" 10.97.0.1 41005 10.97.0.2 5105 30 >/dev/null
in_v taskset -c 1 "$VNS_TESTBIN/udpsend" 10.97.0.2 41006 10.97.0.1 5105 20 >/dev/null
sleep 0.2
settle
keep $V dev
keep $VNS_PROC/status dev-status
expect_eq $T/dev_rx "$(total rx)" 30
expect_eq $T/dev_tx "$(total tx)" 20
n=$(pair PHY_RX L4_RCV) nx=$(( $(view_sum "$V" type=pair to=TX_XMIT) + $(view_sum "$V" type=pair from=TX_QUEUE to=L4_RCV) ))
expect_eq $T/dev_rx_start "$n" 30
expect_eq $T/dev_tx_ends "$nx" 20
if [ "$n $nx" != "30 20" ]; then
  echo "INFO dev: the view and status:"
  grep -E '^type=(pair|total)' "$V" | sed 's/^/INFO   /'
  grep 'collector=latency' "$VNS_PROC/status" | sed 's/^/INFO   /'
fi
expect_eq $T/dev_tracked "$(lat_status tracked)" 50
expect_eq $T/dev_completed "$(lat_status completed)" 50
# (and whatever IPv6 the links send of their own: router solicitations, MLD)
expect_range $T/dev_filtered "$(lat_status filtered)" 50 1000
ctl disable latency

# --- 5. reset against the reaper ---------------------------------------------------------------
# A big table (a long reset, a long reaper pass) and a short timeout (a pass every 50 ms).
# Datagrams to 10.97.0.99, which the e1000 side sends to the virtio-net's MAC: they start at
# PHY_RX there and are dropped unrouted (no forwarding), never reaching L4_RCV (incomplete).
# GRO on again for this part: GRO sets the network header before net:netif_receive_skb, so
# the code before items 7-8 follows these packets too (this test is about the reset).
# Rounds: traffic with resets in it, the traffic stopped, a last reset: from then on nothing
# is followed, so every counter and the table stay 0, and no incomplete comes after it.
# 4 rounds (8 resets under traffic, 4 after it) in `make check`, 8 with VNS_BENCH=full (each
# is 6-8 s under TCG); VNS_RX_ROUNDS overrides either.
unload_vns
# (about 200 MB of table: over the default mem_limit, 64 MiB in this VM)
load_vns latency_entries=262144 latency_timeout_ms=100 mem_limit=1G || exit 1
in_v python3 $H gro $VI on >/dev/null
in_e ip neigh replace 10.97.0.99 lladdr 52:54:00:f2:00:02 dev $E nud permanent
check $T/reset_enable ctl enable latency phy=$VI proto=udp dport=5106
expect_eq $T/reset_big_table "$(view_get $VNS_PROC/status capacity collector=latency)" 262144
bad=0
rounds=${VNS_RX_ROUNDS:-$(bench_rounds 8 4)}
for round in $(seq "$rounds"); do
  in_e "$VNS_TESTBIN/udpsend" 10.97.0.1 41007 10.97.0.99 5106 0 --seconds 4 >/dev/null &
  snd=$!
  # (a reset of this table takes a while under TCG: the traffic goes on well after them)
  t0=$(date +%s%N)
  for _ in 1 2; do sleep 0.$((RANDOM % 4 + 1)); ctl reset latency; done
  echo "INFO round $round: two resets under traffic in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  wait $snd
  # The sender is done, but what it queued (the e1000's qdisc and ring, the hub) may still be
  # coming in (seen on 6.12): wait until virtio-net's rx_packets stays the same for 50 ms, then
  # reset at once, while the last packets are in the table and the reaper ages them.
  in_v sh -c "f=/sys/class/net/$VI/statistics/rx_packets; a=\$(cat \$f)
    while sleep 0.05; b=\$(cat \$f); [ \"\$a\" != \"\$b\" ]; do a=\$b; done"
  ctl reset latency
  s0=$(grep collector=latency $VNS_PROC/status)
  echo "INFO round $round: $s0"
  sleep 0.5
  s1=$(grep collector=latency $VNS_PROC/status)
  for s in "$s0" "$s1"; do
    # (filtered may grow: the ICMP errors of the failed neighbour are not UDP)
    for k in entries lost tracked completed incomplete busy hops_dropped; do
      val=$(echo "$s" | tr ' ' '\n' | sed -n "s/^$k=//p")
      [ "$val" = 0 ] || { echo "INFO round $round: $k=$val after the reset: $s"; bad=$((bad + 1)); }
    done
  done
  [ "$(view_count $V type=pair)" = 0 ] || { echo "INFO round $round: pairs after the reset"; bad=$((bad + 1)); }
done
expect_eq $T/reset_zero "$bad" 0
ctl disable latency

cleanup_netns vns_e vns_v
unload_vns
dmesg_clean $T/dmesg_clean
