#!/bin/bash
# 80-overhead: what each collector costs, as the ratio of a fixed workload's runtime with the
# collector on to its runtime with it off, measured back to back in the same boot:
#   ping   `ping -f -c N 127.0.0.1`: 2N packets through the stack, NET_RX and NET_TX softirqs
#   drops  N UDP datagrams to a closed port: N drops (kfree_skb with a stack) and ICMP errors
# Each (collector, workload) pair runs off/on/off/on and keeps the faster of each, so that a
# stall of the emulator in one run does not read as overhead. Lines "MEASURE overhead ..." give
# the figures; the checks are that the collector saw the workload and that the ratio stays
# under a bound far above what it should cost (TCG inflates every probe hit's price: these are
# an upper bound of the native overhead, not an estimate of it).
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=overhead
NPING=${VNS_OVH_PING:-5000}
NUDP=${VNS_OVH_UDP:-20000}
OUTF=$VNS_OUT/overhead.txt

load_vns || exit 1
# ms: the wall time of a command, in milliseconds
ms_of() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
w_ping() { ping -f -q -c "$NPING" 127.0.0.1; }
w_drops() { "$VNS_TESTBIN/udpsend" 127.0.0.1 41000 127.0.0.1 9 "$NUDP"; }
min() { [ "$1" -le "$2" ] && echo "$1" || echo "$2"; }

w_ping; w_drops      # warm up: caches, neighbour entries, the ICMP rate limiter's state
: > "$OUTF"
for c in drops softirqs timers irqoff; do
  for w in ping drops; do
    off1=$(ms_of w_$w); ctl enable "$c"; on1=$(ms_of w_$w); ctl disable "$c"
    off2=$(ms_of w_$w); ctl enable "$c"; on2=$(ms_of w_$w)
    off=$(min "$off1" "$off2"); on=$(min "$on1" "$on2")
    ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')
    line="MEASURE overhead collector=$c workload=$w off_ms=$off on_ms=$on ratio=$ratio"
    echo "$line"; echo "$line" >> "$OUTF"
    # the collector saw the workload of the last run
    case $c/$w in
      drops/drops)
        expect_range $T/${c}_saw_$w "$(view_sum $VNS_DBG/drops sport=41000 dport=9)" "$NUDP" "$((2 * NUDP))";;
      softirqs/ping)
        expect_range $T/${c}_saw_$w "$(view_sum $VNS_PROC/softirqs type=softirq vec=NET_RX)" "$NPING" 100000000;;
      irqoff/ping)
        expect_range $T/${c}_saw_$w "$(view_get $VNS_PROC/irqoff samples type=summary kind=hard cpu=0)" 1 100000000;;
      timers/ping)
        expect_range $T/${c}_saw_$w "$(view_sum $VNS_PROC/timers kind=hrtimer)" 1 100000000;;
    esac
    expect_range $T/${c}_${w}_ratio "$ratio" 0.5 3
    ctl disable "$c"
  done
done
unload_vns
dmesg_clean $T/dmesg_clean
