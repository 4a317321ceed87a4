# SPDX-License-Identifier: GPL-2.0
# tests/vm/virt-cost.sh: what the virtualization collectors cost a real guest (issue 13's
# closing figure), inside the nested setup of tests/vm/l2.sh; source after l2.sh and vns.sh,
# call virt_cost T while L2 runs and vnetscope is loaded in this VM.
#
# The guest sends UDP to the far end (10.0.9.1, netns vns_f) for VC_SECONDS (default 3) from
# its own udpsend, over virtio-net, vhost-net, tap0, br0 and b0: the far end counts what
# arrives. Rounds alternate between "off" (every collector disabled) and "on" (tun, vhost,
# kvm, drops and the latency collector's VM path phy=b0 vm=tap0 all enabled), VC_ROUNDS of
# each, interleaved so that a drift of the host hits both alike: 1 in `make check` (the checks
# below need one round; the figure is only printed), 3 with VNS_BENCH=full (VC_ROUNDS
# overrides either). The figure is the rate on / the rate off (median and best of the rounds)
# and the guest's ping round trip on / off: a ratio, never an absolute time, and never
# asserted (the emulator's noise is larger than any bound worth asserting). Written to
# $VNS_OUT/virt-cost.txt and printed.
# What is asserted: each round delivered datagrams, and in the "on" rounds the tun collector
# saw at least every datagram the far end got and the 10 pings come in from the guest on tap0.

VC_ROUNDS=${VC_ROUNDS:-$(bench_rounds 3 1)}
VC_SECONDS=${VC_SECONDS:-3}

_vc_all() {
  local c
  for c in tun vhost kvm drops latency; do ctl disable $c 2>/dev/null; done
  if [ "$1" = on ]; then
    ctl enable tun && ctl enable vhost && ctl enable kvm && ctl enable drops &&
      ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=udp dport=7100
  fi
}

# _vc_round MODE: one round; sets VC_RATE (datagrams per second at the far end), VC_RTT (the
# guest's average ping round trip in microseconds), VC_GOT (the datagrams the far end got) and
# VC_TRX (the packets the tun collector saw come in from the guest on tap0; - when off)
_vc_round() {
  local got rtt trx=- pid f=$VNS_OUT/virt-cost-recv.txt
  VC_RATE=0 VC_RTT=0 VC_GOT=0 VC_TRX=-
  _vc_all "$1" || return 1
  # (the far end reports 2 s after the last datagram, and waits up to 60 s for the first: L2
  # may take seconds to start its sender; to a file, not a coproc, whose descriptors bash
  # closes when the receiver ended before it is read)
  : > "$f"
  ip netns exec $L2_FAR_NS "$VNS_TESTBIN/udpsend" --recv $L2_FAR_IP 7100 2 --first 60 > "$f" &
  pid=$!
  for _ in $(seq 100); do grep -q ready "$f" && break; sleep 0.1; done
  l2_run -t $((VC_SECONDS + 60)) "udpsend $L2_IP 5000 $L2_FAR_IP 7100 0 64 --seconds $VC_SECONDS" >/dev/null
  wait "$pid"
  got=$(sed -n 2p "$f")
  rtt=$(l2_run "ping -c 10 -i 0.1 $L2_FAR_IP" | sed -n 's#^round-trip min/avg/max = [0-9.]*/\([0-9.]*\)/.*#\1#p')
  [ "$1" = on ] && trx=$(view_get $VNS_PROC/tun rx_packets dev=$L2_TAP | awk '{ s += $1 } END { print s + 0 }')
  VC_RATE=$(( ${got:-0} / VC_SECONDS )) VC_GOT=${got:-0} VC_TRX=$trx
  VC_RTT=$(awk -v r="${rtt:-0}" 'BEGIN { printf "%d", r * 1000 }')
}

# virt_cost T
virt_cost() {
  local t=$1/cost i m rate rtt got trx out=$VNS_OUT/virt-cost.txt
  local -a off_rate on_rate off_rtt on_rtt
  for i in $(seq "$VC_ROUNDS"); do
    for m in off on; do
      _vc_round $m
      rate=$VC_RATE rtt=$VC_RTT got=$VC_GOT trx=$VC_TRX
      echo "INFO cost round $i $m: $rate datagrams/s ($got), ping avg ${rtt} us, tun saw $trx from the guest"
      expect_eq "$t/round${i}_${m}_delivered" "$(( got > 0 ))" 1
      # (on: every datagram the far end got, and the 10 pings, came in through tap0)
      [ $m = on ] && expect_eq "$t/round${i}_tun_counted" "$(( trx >= got + 10 ))" 1
      if [ $m = off ]; then off_rate+=("$rate"); off_rtt+=("$rtt"); else on_rate+=("$rate"); on_rtt+=("$rtt"); fi
    done
  done
  _vc_all off
  {
    echo "# vnetscope: the virtualization collectors' cost to a nested guest ($(uname -r), $(date -u +%F))"
    echo "# $VC_ROUNDS interleaved rounds of ${VC_SECONDS}s guest->far end UDP (64 bytes) + 10 pings;"
    echo "# on = tun, vhost, kvm, drops, latency phy=$L2_PHY vm=$L2_TAP"
    echo "off_rate ${off_rate[*]}"
    echo "on_rate ${on_rate[*]}"
    echo "off_rtt_us ${off_rtt[*]}"
    echo "on_rtt_us ${on_rtt[*]}"
    python3 - "${off_rate[*]}" "${on_rate[*]}" "${off_rtt[*]}" "${on_rtt[*]}" <<'PY'
import statistics, sys
off, on, toff, ton = ([float(x) for x in a.split()] for a in sys.argv[1:5])
def ratio(a, b): return a / b if b else float('nan')
print("rate_on_off_median %.3f" % ratio(statistics.median(on), statistics.median(off)))
print("rate_on_off_best %.3f" % ratio(max(on), max(off)))
print("rtt_on_off_median %.3f" % ratio(statistics.median(ton), statistics.median(toff)))
print("rtt_on_off_best %.3f" % ratio(min(ton), min(toff)))
PY
  } > "$out"
  sed 's/^/INFO cost: /' "$out"
}
