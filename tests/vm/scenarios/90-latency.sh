#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64 arm64-regs
# 90-latency: per-stage latency (issue 5), system path.
#   1. A known delay at a known stage: netem delay 20 ms on the egress veth between two
#      namespaces, N pings: QDISC_ENQ -> QDISC_DEQ holds every request in 16-32 ms, every
#      other pair stays below 1 ms, the end-to-end count is N; the replies coming back in on
#      the same port are followed from PHY_RX to L4_RCV.
#   2. Filters: only matching packets are tracked.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=latency
V=$VNS_PROC/latency
N=20
J=$VNS_OUT/latency.json
jq_py() { python3 -c "import json,sys; d=json.load(open('$J')); print($1)"; }
lat_status() { view_get $VNS_PROC/status "$1" collector=latency; }

load_vns || exit 1
netns_pair vns_a vns_b va vb 10.20.0.1/24 10.20.0.2/24 || { fail $T/netns "netns_pair"; exit 1; }
ip netns exec vns_a ping -c 1 -W 5 10.20.0.2 >/dev/null || fail $T/arp "no neighbour"
ip netns exec vns_a tc qdisc add dev va root netem delay 20ms

# A VM-wide stall (the emulator or its host stopping the vCPUs; seen here with 35% CPU
# steal on the host) is real time to the guest: it lands in whichever stage the packet was
# in. A run where any sample of a pair other than the netem one reaches 1 ms, or a netem
# sample leaves 16-32 ms, is logged and repeated, at most 5 times, from empty tables; the
# checks read the last run.
pair() { view_get $V "$1" type=pair from="$2" to="$3"; }
# Every other pair stays below 1 ms; on arm64 (VNS_ARM64=1: TCG emulating another architecture,
# where a packet takes 256-511 us from PHY_RX to L4_RCV and the VM's stalls on a busy host reach
# several ms, seen up to 9.3 ms) below the netem delay's own bucket, 16 ms: the 20 ms are at the
# qdisc and nowhere else.
oth_max=999; oth_name=other_pairs_below_1ms
[ "${VNS_ARM64:-0}" = 1 ] && oth_max=16383 oth_name=other_pairs_below_16ms
timing_ok() {
  local others
  others=$(awk '$1 == "type=pair" && !/from=QDISC_ENQ to=QDISC_DEQ/ && !/to=APP_READ/' $V | grep -o 'max_us=[0-9]*' | cut -d= -f2 | sort -n | tail -1)
  [ "$(pair hist_us QDISC_ENQ QDISC_DEQ)" = "16384-32767:$1" ] && [ "${others:-0}" -le $oth_max ]
}

# --- 1. netem on va: requests TX through va, replies RX on va --------------------------------
for try in 1 2 3 4 5; do
  ctl disable latency
  ctl enable latency phy=va proto=icmp || { fail $T/enable "control write failed"; exit 1; }
  ip netns exec vns_a ping -c $N -i 0.05 -W 2 10.20.0.2 > $VNS_OUT/latency-ping.txt
  sleep 0.2
  keep $V netem
  timing_ok $N && break
  echo "INFO run $try: a stall reached the timings, again:"; sed 's/^/    | /' $V
done
expect_eq $T/ping_replies "$(grep -c 'bytes from 10.20.0.2' $VNS_OUT/latency-ping.txt)" $N
expect_eq $T/qdisc_count "$(pair count QDISC_ENQ QDISC_DEQ)" $N
expect_eq $T/qdisc_bucket "$(pair hist_us QDISC_ENQ QDISC_DEQ)" "16384-32767:$N"
expect_eq $T/tx_total_count "$(view_get $V count type=total dir=tx)" $N
expect_eq $T/rx_total_count "$(view_get $V count type=total dir=rx)" $N
expect_eq $T/rx_pair "$(pair count PHY_RX L4_RCV)" $N
# every other pair but the wait for the reader: all below 1 ms (arm64: 16 ms, above)
others=$(awk '$1 == "type=pair" && !/from=QDISC_ENQ to=QDISC_DEQ/ && !/to=APP_READ/' $V | grep -o 'max_us=[0-9]*' | cut -d= -f2 | sort -n | tail -1)
expect_range $T/$oth_name "${others:-none}" 0 $oth_max
expect_eq $T/tx_path "$(awk '$1 == "type=pair" && !/to=APP_READ/ { print $2 "," $3 }' $V | sed 's/from=//; s/to=//' | sort | tr '\n' ' ')" \
  "IP_OUT,PHY_QUEUE PHY_QUEUE,QDISC_ENQ PHY_RX,L4_RCV QDISC_DEQ,TX_QUEUE QDISC_ENQ,QDISC_DEQ TX_QUEUE,TX_XMIT "
# and the replies on to ping, which reads each one (its raw socket took a clone before L4_RCV)
expect_eq $T/app_read "$(pair count L4_RCV APP_READ)" $N
expect_eq $T/tracked "$(lat_status tracked)" $((2 * N))
expect_eq $T/completed "$(lat_status completed)" $((2 * N))
expect_eq $T/lost "$(lat_status lost)" 0

# the CLI reads the same
"$VNS_CLI" latency --json > $J
expect_eq $T/cli_json_count "$(jq_py "[s['count'] for s in d['stages'] if s['from'] == 'QDISC_ENQ' and s['to'] == 'QDISC_DEQ'][0]")" $N
expect_eq $T/cli_json_buckets "$(jq_py "[(b['low_us'], b['high_us'], b['count']) for s in d['stages'] if s['from'] == 'QDISC_ENQ' and s['to'] == 'QDISC_DEQ' for b in s['buckets']]")" "[(16384, 32767, $N)]"
expect_eq $T/cli_json_totals "$(jq_py "sorted((t['dir'], t['count']) for t in d['totals'])")" "[('rx', $N), ('tx', $N)]"
"$VNS_CLI" latency > $VNS_OUT/latency-cli.txt
expect_eq $T/cli_text "$(grep -c "^QDISC_ENQ -> QDISC_DEQ: count $N," $VNS_OUT/latency-cli.txt)" 1

# --interval: the deltas of three reports add up to the pings sent meanwhile
"$VNS_CLI" latency --interval 1 --count 3 --json > $VNS_OUT/latency-interval.json &
cli=$!
sleep 0.5
ip netns exec vns_a ping -c 10 -i 0.05 -W 2 10.20.0.2 >/dev/null
wait $cli
expect_eq $T/cli_interval_reports "$(wc -l < $VNS_OUT/latency-interval.json)" 3
expect_eq $T/cli_interval_sum "$(python3 -c "
import json
n = 0
for line in open('$VNS_OUT/latency-interval.json'):
    d = json.loads(line)
    n += sum(s['count'] for s in d['stages'] if s['from'] == 'QDISC_ENQ' and s['to'] == 'QDISC_DEQ')
print(n)")" 10

# --- 1b. the same over IPv6 ---------------------------------------------------------------
netns_pair vns_c vns_d vc vd fd00:20::1/64 fd00:20::2/64 || fail $T/netns6 "netns_pair"
ip netns exec vns_c ping -6 -c 1 -W 5 fd00:20::2 >/dev/null || fail $T/ndisc "no neighbour"
ip netns exec vns_c tc qdisc add dev vc root netem delay 20ms
for try in 1 2 3 4 5; do
  ctl disable latency
  ctl enable latency phy=vc proto=icmpv6 dst=fd00:20::/64   # not router solicitations, MLD
  ip netns exec vns_c ping -6 -c $N -i 0.05 -W 2 fd00:20::2 >/dev/null
  sleep 0.2
  keep $V netem6
  timing_ok "$(pair count QDISC_ENQ QDISC_DEQ)" && break
  echo "INFO IPv6 run $try: a stall reached the timings, again:"; sed 's/^/    | /' $V
done
# neighbour discovery is ICMPv6 too: a unicast NS probe may go out through netem with the pings
n6=$(pair count QDISC_ENQ QDISC_DEQ)
expect_range $T/ipv6_qdisc_count "$n6" $N $((N + 2))
expect_eq $T/ipv6_qdisc_bucket "$(pair hist_us QDISC_ENQ QDISC_DEQ)" "16384-32767:$n6"
expect_eq $T/ipv6_tx_total_count "$(view_get $V count type=total dir=tx)" "$n6"
expect_range $T/ipv6_rx_total_count "$(view_get $V count type=total dir=rx)" $N $((N + 2))

# --- 2. a filter that matches nothing tracks nothing ------------------------------------------
ctl enable latency phy=va proto=udp
ip netns exec vns_a ping -c 5 -i 0.05 -W 2 10.20.0.2 >/dev/null
expect_eq $T/filtered_tracked "$(lat_status tracked)" 0
expect_range $T/filtered_counted "$(lat_status filtered)" 5 1000
expect_eq $T/filtered_no_pairs "$(view_count $V type=pair)" 0

ctl disable latency
cleanup_netns
unload_vns
dmesg_clean $T/dmesg_clean
