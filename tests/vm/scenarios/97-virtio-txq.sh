#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 97-virtio-txq: a virtio-net send queue stops and wakes (issue 13, the virtio collector's
# xmits / tx_stops / tx_wakes), on the hub virtio-net of scripts/vmrun.sh (VNS_VM_HUB=1), whose
# only peer on the qemu hub is the e1000.  Both NICs go into netns of their own; the e1000 stays
# down, so qemu cannot deliver what the virtio-net sends: it takes one packet from the ring and
# holds it until the hub can pass it on, the ring fills, and the driver stops the queue (its
# start_xmit sees too few free slots).  Then the e1000 comes up, qemu drains the ring, and the
# TX completion wakes the queue.
#   - while the e1000 is down: exactly 1 stop and 0 wakes on output.0 (nothing completes);
#   - once drained: stops >= 1 and wakes == stops; a last datagram goes through start_xmit
#     (the queue runs: a stopped one would leave it in the qdisc);
#   - packets through start_xmit (xmits) equal the datagrams sent and the NIC's own tx_packets
#     delta (with napi_tx; without it the driver counts a packet when it frees it, at the next
#     start_xmit or in its clean-up after a stop, so the last one may not be counted yet:
#     xmits - 1 or xmits);
#   - no other queue counts anything (virtio_net keeps no per-queue stop/wake count of its own
#     in these kernels' ethtool statistics to compare with).
# The stall is kept well under the netdev watchdog's 5 s (a transmit timeout is a WARN, and the
# VM runs with panic_on_warn).
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=virtio_txq
V=$VNS_PROC/virtio
N=600
in_t() { ip netns exec vns_tq "$@"; }
in_e() { ip netns exec vns_tqe "$@"; }

if ! hub_nics; then
  skip $T/nics "no hub NICs (scripts/vmrun.sh with VNS_VM_HUB=1): e1000='${e:-}' virtio='${v:-}'"
  exit 0
fi
VI=vns_txq E=vns_txe
ip netns add vns_tq && ip netns add vns_tqe || { fail $T/netns "ip netns add"; exit 1; }
# no IPv6 on the virtio-net (router solicitations, MLD would be packets of their own)
in_t sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link set "$e" down
ip link set "$v" netns vns_tq && ip link set "$e" netns vns_tqe || { fail $T/netns "move"; exit 1; }
in_t ip link set "$v" name $VI && in_e ip link set "$e" name $E
in_t ip link set lo up
in_t ip addr add 10.98.0.2/24 dev $VI
# a plain FIFO of 2000 behind the queue (Debian's default fq_codel drops what waited long: the
# datagrams held behind the stopped queue), made when the link comes up; and no byte queue
# limit (6.11+ virtio_net has BQL: with qemu holding the first packet, BQL would stop the queue
# after it, the stack's stop, before the ring fills)
qdisc=$(cat /proc/sys/net/core/default_qdisc)
echo pfifo_fast > /proc/sys/net/core/default_qdisc
in_t ip link set $VI txqueuelen 2000
in_t ip link set $VI up
echo "$qdisc" > /proc/sys/net/core/default_qdisc
bql=/sys/class/net/$VI/queues/tx-0/byte_queue_limits/limit_min
in_t sh -c "[ ! -f $bql ] || echo 100000000 > $bql"
in_t ip neigh replace 10.98.0.1 lladdr 52:54:00:e1:00:01 dev $VI nud permanent
napi=$(cat /sys/module/virtio_net/parameters/napi_tx 2>/dev/null || echo '?')
txqs=$(in_t sh -c "ls -d /sys/class/net/$VI/queues/tx-*" | wc -l)
echo "INFO virtio-net $v -> $VI ($txqs send queue(s)), napi_tx=$napi; e1000 $e -> $E, down"
# room in the socket for every datagram in flight (with napi_tx a sent skb stays charged to it
# until its completion) and in the qdisc behind the stopped queue
wmem=$(cat /proc/sys/net/core/wmem_default)
echo 8388608 > /proc/sys/net/core/wmem_default
in_t tc qdisc show dev $VI 2>/dev/null | sed 's/^/INFO qdisc: /'

# _txq_ethtool: "NAME VALUE" lines of the virtio-net's ethtool statistics (the ioctl: the guest
# has no ethtool)
_txq_ethtool() {
  in_t python3 - $VI <<'EOF'
import ctypes, fcntl, socket, struct, sys

def q(buf):
    ifr = struct.pack("16sQ16x", sys.argv[1].encode(), ctypes.addressof(buf))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), 0x8946, ifr)

d = ctypes.create_string_buffer(struct.pack("I", 0x03), 196)   # ETHTOOL_GDRVINFO
q(d)
n = struct.unpack_from("I", d.raw, 180)[0]
g = ctypes.create_string_buffer(struct.pack("III", 0x1b, 1, n) + bytes(32 * n))
q(g)                                                             # ETHTOOL_GSTRINGS, stats
st = ctypes.create_string_buffer(struct.pack("II", 0x1d, n) + bytes(8 * n))
q(st)                                                            # ETHTOOL_GSTATS
for i in range(n):
    name = g.raw[12 + 32 * i:12 + 32 * (i + 1)].split(b"\0")[0].decode()
    print(name, struct.unpack_from("Q", st.raw, 8 + 8 * i)[0])
EOF
}
q() { view_get "$1" "$2" type=queue dev=$VI name=output.0; }
txp() { in_t cat /sys/class/net/$VI/statistics/tx_packets; }

# BQL's limit follows limit_min from its first completions on: 20 datagrams with the e1000 up
# first (all completed: tx_packets), then the e1000 down again. With napi_tx only (virtio_net's
# BQL needs it): without, the driver would count the last of them in the delta below.
if [ "$napi" != N ]; then
  in_e ip link set $E up
  w0=$(txp)
  for _ in $(seq 50); do
    in_t "$VNS_TESTBIN/udpsend" 10.98.0.2 41999 10.98.0.1 5300 20 64 >/dev/null
    sleep 0.2
    [ "$(( $(txp) - w0 ))" -ge 20 ] && break
  done
  echo "INFO warm-up: tx_packets +$(( $(txp) - w0 ))"
  sleep 0.5
  in_e ip link set $E down
fi
load_vns || exit 1
ctl enable virtio || { fail $T/enable "control write failed"; exit 1; }
sleep 0.5
ctl reset virtio
tx0=$(txp)
_txq_ethtool > $VNS_OUT/txq-ethtool-0.txt 2>&1
in_t "$VNS_TESTBIN/udpsend" 10.98.0.2 42000 10.98.0.1 5300 $N 64 > $VNS_OUT/txq-send.txt 2>&1 &
spid=$!

# --- the stall: the queue stops once, nothing wakes it ----------------------------------------
# (3 s at most: the netdev watchdog warns after 5 s of a stopped queue, a panic before 6.x)
for _ in $(seq 30); do
  [ "$(q $V tx_stops)" = 1 ] && break
  sleep 0.1
done
sleep 0.3
cp $V $VNS_OUT/txq-stalled.txt
_txq_ethtool > $VNS_OUT/txq-ethtool-1.txt 2>&1
in_e ip link set $E up
S=$VNS_OUT/txq-stalled.txt
echo "INFO stalled: $(grep "dev=$VI .*name=output.0" $S | tr ' ' '\n' | grep -E '^(xmits|tx_stops|tx_wakes)=' | tr '\n' ' ')"
expect_eq $T/stalled_stops "$(q $S tx_stops)" 1
expect_eq $T/stalled_wakes "$(q $S tx_wakes)" 0
expect_range $T/stalled_xmits "$(q $S xmits)" 1 $((N - 1))

# --- drained: every datagram through start_xmit, the queue woken as often as it stopped --------
wait $spid
sent=$(cat $VNS_OUT/txq-send.txt)
expect_eq $T/sent "$sent" $N
# (with napi_tx the completions are counted as they come; without, only by the next start_xmit:
# give qemu 2 s to complete the ring)
for _ in $(seq 300); do
  [ "$(q $V xmits)" = $N ] && [ "$(q $V tx_wakes)" = "$(q $V tx_stops)" ] &&
    { [ "$napi" = N ] || [ "$(( $(txp) - tx0 ))" = $N ]; } && break
  sleep 0.1
done
[ "$napi" = N ] && sleep 2
sleep 0.5
# one more datagram: it goes through start_xmit only if the queue runs (and, without napi_tx,
# frees the N before it)
in_t "$VNS_TESTBIN/udpsend" 10.98.0.2 42001 10.98.0.1 5300 1 64 > $VNS_OUT/txq-send1.txt 2>&1
echo "INFO the last datagram: $(tr '\n' ' ' < $VNS_OUT/txq-send1.txt)"
sleep 1
keep $V drained
cp $V $VNS_OUT/txq-drained.txt
D=$VNS_OUT/txq-drained.txt
_txq_ethtool > $VNS_OUT/txq-ethtool-2.txt 2>&1
delta=$(( $(txp) - tx0 ))
stops=$(q $D tx_stops) wakes=$(q $D tx_wakes) xmits=$(q $D xmits)
echo "INFO drained: xmits=$xmits tx_stops=$stops tx_wakes=$wakes, tx_packets delta $delta"
expect_eq $T/xmits "$xmits" $((N + 1))
if [ "$napi" = N ]; then
  # the driver counts a packet when it frees it: the next start_xmit, or its own clean-up
  # when the queue stopped and the host had used the ring by then (either may free the last)
  expect_range $T/tx_packets "$delta" $((xmits - 1)) "$xmits"
else
  expect_eq $T/tx_packets "$delta" "$xmits"
fi
expect_range $T/stops "$stops" 1 $N
expect_eq $T/wakes_eq_stops "$wakes" "$stops"
# the whole view: only this queue sent, stopped or woke
expect_eq $T/xmits_only "$(view_get $D xmits type=queue | awk '{ s += $1 } END { print s + 0 }')" "$xmits"
expect_eq $T/stops_only "$(view_get $D tx_stops type=queue | awk '{ s += $1 } END { print s + 0 }')" "$stops"
expect_eq $T/wakes_only "$(view_get $D tx_wakes type=queue | awk '{ s += $1 } END { print s + 0 }')" "$wakes"
expect_eq $T/one_record "$(view_count $D type=queue dev=$VI name=output.0)" 1
# virtio_net keeps no per-queue stop/wake count of its own in ethtool -S on these kernels

# the CLI: the same figures, text and JSON
"$VNS_CLI" virtio --dev $VI --no-enable > $VNS_OUT/txq-cli.txt 2>&1
"$VNS_CLI" virtio --dev $VI --json --no-enable > $VNS_OUT/txq-cli.json 2>&1
sed 's/^/    | /' $VNS_OUT/txq-cli.txt
expect_eq $T/cli_header "$(head -1 $VNS_OUT/txq-cli.txt | awk '{ print $(NF - 2), $(NF - 1), $NF }')" "XMITS STOPS WAKES"
expect_eq $T/cli_row "$(awk '$4 == "output.0" { print $(NF - 2), $(NF - 1), $NF }' $VNS_OUT/txq-cli.txt)" "$xmits $stops $wakes"
expect_eq $T/cli_json "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(str(q[k]) for q in d["queues"] if q["name"] == "output.0"
               for k in ("xmits", "tx_stops", "tx_wakes")))' $VNS_OUT/txq-cli.json)" "$xmits $stops $wakes"

ctl disable virtio
echo "$wmem" > /proc/sys/net/core/wmem_default
in_t sh -c "[ ! -f $bql ] || echo 0 > $bql"
cleanup_netns vns_tq vns_tqe
unload_vns
dmesg_clean $T/dmesg_clean
