#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 98-tun-ring: a TUN queue's tx ring full, on a real multi-queue TAP (no VM, no nesting).
#  A program holds the two queues of the TAP vq0 (tests/vm/tapmq.py) and reads queue 0 only:
#  queue 1's reader has stopped.  The tun collector is enabled after the queues exist and
#  still learns where the ring is (T2: at enable, from a TUN file of its own).  One UDP flow,
#  its source port chosen so that TUN's flow hash puts it on queue 1 (checked packet by packet
#  against the reader of queue 0), is routed into the TAP from one CPU:
#   - the collector's ring-full drops on queue 1 = the TAP's own tx_dropped growth = the flood
#     minus the room left in the ring; queue 0 has no drop of any cause;
#   - the fill histogram of queue 1 reaches the ring's size = the TAP's tx_queue_len;
#   - the event table (tun_events=64 a CPU) holds exactly min(drops, 64) events, all of that
#     flow on queue 1 with the ring full, times increasing; events_lost is the rest; the CLI's
#     `tun --events` (text and JSON) says the same;
#   - the drop collector's entries for those drops carry queue=1 (view, CLI text and JSON).
#  TUN drops on a full ring and never stops the queue: under the flood no queue stopped or
#  woke; `ip link set vq0 down` stops each of the 2 queues once (tun_net_close), `up` wakes
#  each once (tun_net_open), and nothing else moves (view, CLI JSON).
#  Then the netns is in each entry (T3), a TAP in another netns is apart, deleting the TAP
#  removes its entries, and unloading tun makes the ring unknown again (status says why).
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=tunring
V=$VNS_PROC/tun
S=$VNS_PROC/status
D=$VNS_PROC/drops
CAP=64
DPORT=9
tget() { view_get $S "$1" collector=tun; }

unload_vns
modprobe tun 2>/dev/null
if ! grep -q '^tun ' /proc/modules && [ ! -c /dev/net/tun ]; then
  skip $T/all "no tun"; exit 0
fi
load_vns tun_events=$CAP || exit 1

# --- the TAP and its queues, before the collector ---------------------------------------------
coproc TAPQ { python3 "$VNS_REPO/tests/vm/tapmq.py" vq0 2 0; }
read -r ready <&"${TAPQ[0]}"
[ "$ready" = ready ] || { fail $T/tap "tapmq.py did not start"; exit 1; }
sysctl -qw net.ipv6.conf.vq0.disable_ipv6=1
ip addr add 192.0.2.1/24 dev vq0
ip link set vq0 up
ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev vq0 nud permanent
RING=$(cat /sys/class/net/vq0/tx_queue_len)
expect_eq $T/two_queues "$(ls -d /sys/class/net/vq0/queues/tx-* | wc -l)" 2

# --- T2: enabled after the queues exist, the ring is known at once ----------------------------
ctl enable tun || fail $T/enable "control write failed"
expect_eq $T/ring_learned_at_enable "$(tget ring)" 1
expect_eq $T/ring_known "$(tget ring_known)" 1
expect_eq $T/event_capacity "$(tget event_capacity)" $CAP

# --- a source port whose flow TUN puts on queue 1, and one it puts on queue 0 -------------------
# one datagram per candidate: it lands on queue 1 when queue 1's count grows, else on queue 0
# (whose count grows, and whose reader gets it); SPORT is the first on queue 1, SPORT0 the
# first on queue 0
SPORT='' SPORT0='' q0=0 q1=0
for p in $(seq 40000 40063); do
  udp_send 192.0.2.1 $p 192.0.2.2 $DPORT 1
  n1=$(view_get $V tx_packets dev=vq0 queue=1) n0=$(view_get $V tx_packets dev=vq0 queue=0)
  if [ "${n1:-0}" -gt "$q1" ]; then
    [ -n "$SPORT" ] || SPORT=$p
  elif [ "${n0:-0}" -gt "$q0" ]; then
    [ -n "$SPORT0" ] || SPORT0=$p
  fi
  q0=${n0:-0} q1=${n1:-0}
  [ -n "$SPORT" ] && [ -n "$SPORT0" ] && break
done
[ -n "$SPORT" ] && [ -n "$SPORT0" ] ||
  { fail $T/sport "no port of 64 hashed to queue 1 (${SPORT:-none}) or 0 (${SPORT0:-none})"; exit 1; }
expect_eq $T/probes_one_each "$((q0 + q1))" $((SPORT > SPORT0 ? SPORT - 40000 + 1 : SPORT0 - 40000 + 1))
# each flow again: the same queue (the other's count unchanged)
b0=$q0 b1=$q1
udp_send 192.0.2.1 $SPORT 192.0.2.2 $DPORT 1
expect_eq $T/probe_again_queue1 "$(view_get $V tx_packets dev=vq0 queue=1)" $((b1 + 1))
expect_eq $T/probe_not_queue0 "$(view_get $V tx_packets dev=vq0 queue=0)" "$b0"
udp_send 192.0.2.1 $SPORT0 192.0.2.2 $DPORT 1
expect_eq $T/probe_again_queue0 "$(view_get $V tx_packets dev=vq0 queue=0)" $((b0 + 1))
expect_eq $T/probe_not_queue1 "$(view_get $V tx_packets dev=vq0 queue=1)" $((b1 + 1))
echo "    flow 192.0.2.1:$SPORT -> 192.0.2.2:$DPORT on queue 1, :$SPORT0 on queue 0; ring $RING"

# --- the flood, from CPU 0 -----------------------------------------------------------------------
ctl enable drops dev=vq0 proto=udp dport=$DPORT || fail $T/drops_enable "control write failed"
FLOOD=$((2 * RING + 100))
inring=$(view_get $V tx_packets dev=vq0 queue=1)		# unread, in the ring
txd0=$(cat /sys/class/net/vq0/statistics/tx_dropped)
full0=$(view_get $V drop_ring_full dev=vq0 queue=1)
lost0=$(tget events_lost)
taskset -c 0 "$VNS_TESTBIN/udpsend" 192.0.2.1 $SPORT 192.0.2.2 $DPORT $FLOOD >/dev/null
txd1=$(cat /sys/class/net/vq0/statistics/tx_dropped)
cat $V > "$VNS_OUT/tun-flood.txt"
keep $V flood
keep $D drops
TF=$VNS_OUT/tun-flood.txt
full1=$(view_get $TF drop_ring_full dev=vq0 queue=1)
DROPS=$((full1 - full0))
expect_eq $T/drops_expected "$DROPS" $((FLOOD - (RING - inring)))
expect_eq $T/drops_eq_tx_dropped "$DROPS" $((txd1 - txd0))
for c in ring_full no_queue filter other; do
  expect_eq $T/queue0_$c "$(view_get $TF drop_$c dev=vq0 queue=0)" 0
done
for c in no_queue filter other; do
  expect_eq $T/queue1_$c "$(view_get $TF drop_$c dev=vq0 queue=1)" 0
done
expect_eq $T/queue1_tx "$(view_get $TF tx_packets dev=vq0 queue=1)" "$RING"
expect_eq $T/queue0_tx "$(view_get $TF tx_packets dev=vq0 queue=0)" $((b0 + 1))
expect_eq $T/ring_size "$(view_get $TF ring_size dev=vq0 queue=1)" "$RING"
expect_eq $T/fill_max_eq_ring "$(view_get $TF fill_max dev=vq0 queue=1)" "$RING"

# --- the event table ------------------------------------------------------------------------------
KEPT=$(( DROPS < CAP ? DROPS : CAP ))
flow="ifname=vq0 txq=1 family=ipv4 proto=udp src=192.0.2.1 dst=192.0.2.2 sport=$SPORT dport=$DPORT"
expect_eq $T/events_all "$(grep -c '^event=' $TF)" "$KEPT"
expect_eq $T/events_flow "$(view_count $TF event=ring_full $flow fill=$RING ring_size=$RING cpu=0)" "$KEPT"
expect_eq $T/events_lost "$(( $(tget events_lost) - lost0 ))" $((DROPS - KEPT))
expect_eq $T/events_status "$(tget events)" "$KEPT"
expect_eq $T/events_time_increasing "$(view_get $TF time_ns event=ring_full |
  awk 'NR > 1 && $1 <= p { bad++ } { p = $1 } END { print bad + 0 }')" 0
expect_eq $T/events_netns "$(view_get $TF netns event=ring_full | sort -u)" \
  "$(stat -L -c %i /proc/self/ns/net)"
"$VNS_CLI" tun --events --no-enable --dev vq0 --queue 1 > "$VNS_OUT/cli-tun-events.txt"
expect_eq $T/cli_events_text "$(grep -cE "^[0-9]+\.[0-9]{9} +[0-9.]+ vq0 +1 +0 ring_full +$RING/$RING  udp 192.0.2.1:$SPORT -> 192.0.2.2:$DPORT\$" \
  "$VNS_OUT/cli-tun-events.txt")" "$KEPT"
expect_eq $T/cli_events_lost "$(grep -c "^events lost (overwritten): $(tget events_lost), kept per CPU: $CAP\$" \
  "$VNS_OUT/cli-tun-events.txt")" 1
cli=$("$VNS_CLI" tun --events --json --no-enable --dev vq0 | python3 -c '
import json, sys
d = json.load(sys.stdin)
ev = d["events"]
ok = [e for e in ev if e["queue"] == 1 and e["cause"] == "ring_full" and e["fill"] == e["ring_size"]
      and e["flow"]["sport"] == int(sys.argv[1]) and e["flow"]["dport"] == int(sys.argv[2])]
inc = all(a["time_ns"] < b["time_ns"] for a, b in zip(ev, ev[1:]))
print(len(ev), len(ok), inc, d["events_lost"], d["event_capacity"])' $SPORT $DPORT)
expect_eq $T/cli_events_json "$cli" "$KEPT $KEPT True $(tget events_lost) $CAP"

# --- the drop collector: those drops carry queue=1 ----------------------------------------------
expect_eq $T/drops_queue1 "$(view_sum $D dev=vq0 queue=1 sport=$SPORT dport=$DPORT)" "$DROPS"
expect_eq $T/drops_queue0 "$(view_count $D dev=vq0 queue=0)" 0
if has_reasons; then
  expect_eq $T/drops_reason "$(view_get $D reason dev=vq0 queue=1 | sort -u)" FULL_RING
fi
expect_eq $T/cli_drops_text "$("$VNS_CLI" drops --no-enable | grep -cE '^#[0-9]+ Count: [0-9]+ \[device: vq0\] \[queue: 1\]')" \
  "$(view_count $D dev=vq0 queue=1)"
cli=$("$VNS_CLI" drops --json --no-enable | python3 -c '
import json, sys
e = json.load(sys.stdin)["entries"]
print(sum(x["count"] for x in e if x["dev"] == "vq0" and x["queue"] == 1),
      sum(x["count"] for x in e if x["dev"] == "vq0" and x["queue"] != 1))')
expect_eq $T/cli_drops_json "$cli" "$DROPS 0"
ctl disable drops

# --- stop/wake: a full ring drops, it does not stop the queue; down/up stop and wake each -------
for q in 0 1; do
  expect_eq $T/flood_q${q}_stops_wakes "$(view_get $TF stops dev=vq0 queue=$q) $(view_get $TF wakes dev=vq0 queue=$q)" "0 0"
done
ip link set vq0 down
expect_eq $T/down_stops "$(view_get $V stops dev=vq0 queue=0) $(view_get $V stops dev=vq0 queue=1)" "1 1"
expect_eq $T/down_no_wake "$(view_get $V wakes dev=vq0 queue=0) $(view_get $V wakes dev=vq0 queue=1)" "0 0"
ip link set vq0 up
expect_eq $T/up_wakes "$(view_get $V wakes dev=vq0 queue=0) $(view_get $V wakes dev=vq0 queue=1)" "1 1"
expect_eq $T/up_no_stop "$(view_get $V stops dev=vq0 queue=0) $(view_get $V stops dev=vq0 queue=1)" "1 1"
# the drops and the device's count did not move with it
expect_eq $T/updown_drops "$(view_get $V drop_ring_full dev=vq0 queue=1)" "$full1"
expect_eq $T/updown_tx_dropped "$(cat /sys/class/net/vq0/statistics/tx_dropped)" "$txd1"
expect_eq $T/updown_entries "$(view_count $V dev=vq0)" 2
cli=$("$VNS_CLI" tun --json --no-enable --dev vq0 | python3 -c '
import json, sys
print(" ".join("%d:%d/%d" % (q["queue"], q["stops"], q["wakes"]) for q in json.load(sys.stdin)["queues"]))')
expect_eq $T/cli_stops_wakes_json "$cli" "0:1/1 1:1/1"
expect_eq $T/cli_stops_wakes_text "$("$VNS_CLI" tun --no-enable --dev vq0 | awk '$1 == "vq0" { print $2 ":" $(NF-2) "/" $(NF-1) }' | xargs)" \
  "0:1/1 1:1/1"

# --- T3: the netns is in the key; a TAP in another netns is apart ------------------------------
expect_eq $T/queue_netns "$(view_get $V netns dev=vq0 queue=1)" "$(stat -L -c %i /proc/self/ns/net)"
ip netns add vns_tr
# bash has one coproc at a time: this reader's stdin is a FIFO, its output a file
rm -f /tmp/vns-tapn.in /tmp/vns-tapn.out
mkfifo /tmp/vns-tapn.in
ip netns exec vns_tr python3 "$VNS_REPO/tests/vm/tapmq.py" vq0 1 0 </tmp/vns-tapn.in >/tmp/vns-tapn.out &
TAPN_PID=$!
exec {TAPN_W}>/tmp/vns-tapn.in
for _ in $(seq 50); do grep -q ready /tmp/vns-tapn.out && break; sleep 0.2; done
ip netns exec vns_tr sysctl -qw net.ipv6.conf.vq0.disable_ipv6=1
ip -n vns_tr addr add 198.51.100.1/24 dev vq0
ip -n vns_tr link set vq0 up
ip -n vns_tr neigh replace 198.51.100.2 lladdr 02:00:00:00:00:03 dev vq0 nud permanent
ip netns exec vns_tr "$VNS_TESTBIN/udpsend" 198.51.100.1 41000 198.51.100.2 $DPORT 3 >/dev/null
nsid=$(stat -L -c %i /var/run/netns/vns_tr)
expect_eq $T/other_netns_queue "$(view_get $V tx_packets dev=vq0 queue=0 netns=$nsid)" 3
expect_eq $T/other_netns_apart "$(view_count $V dev=vq0)" 3
exec {TAPN_W}>&-
wait "$TAPN_PID" 2>/dev/null
expect_eq $T/other_netns_reader "$(tail -n 1 /tmp/vns-tapn.out)" q0=3
ip netns del vns_tr
expect_eq $T/closed_netns_gone "$(view_count $V dev=vq0 netns=$nsid)" 0

# --- T3: deleting the TAP removes its entries ---------------------------------------------------
ip link del vq0
expect_eq $T/deleted_entries "$(view_count $V dev=vq0)" 0
expect_eq $T/deleted_status "$(tget entries)" 0
exec {TAPQ[1]}>&-
read -r seen <&"${TAPQ[0]}"
wait "$TAPQ_PID" 2>/dev/null
# queue 0's reader got every packet TUN queued on queue 0
expect_eq $T/queue0_reader "$seen" "q0=$((b0 + 1))"
# the events stay: they are history
expect_eq $T/events_kept_after "$(view_count $V event=ring_full ifname=vq0)" "$KEPT"

# --- T2: tun unloaded, the ring is unknown and status says why; back at the next enable ----------
rmmod vhost_net 2>/dev/null
if rmmod tun 2>/dev/null; then
  expect_eq $T/ring_unloaded "$(tget ring)" 5
  expect_eq $T/ring_unknown "$(tget ring_known)" 0
  "$VNS_CLI" tun --no-enable > "$VNS_OUT/cli-tun-unloaded.txt"
  expect_eq $T/cli_says_why "$(grep -c '^tx rings unknown: tun was unloaded since$' "$VNS_OUT/cli-tun-unloaded.txt")" 1
  modprobe tun
  ctl disable tun
  ctl enable tun
  expect_eq $T/ring_relearned "$(tget ring)" 1
else
  skip $T/ring_unloaded "tun is busy or built in"
fi
ctl disable tun
unload_vns
dmesg_clean $T/dmesg_clean
