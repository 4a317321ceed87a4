#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 94-read: a read changes nothing it was not asked to change (issue 11).
#   1. enable latency with a filter (UDP to port 4242), loopback datagrams of that flow and of
#      another: the first details read, with only --threshold 1us, prints the filtered flow only,
#      the filter stays and the tables are not restarted (the details mode turns on live: the
#      end-to-end counts are the ones before plus what was sent since; the status gains events=
#      and events_lost= and the rings count in mem_bytes); the same read again changes nothing;
#      `enable` with the filter only turns the details mode off live (the tables kept, the
#      rings' memory given back).
#   2. --no-enable on a collector that is off (irqoff, drops): exit status 3, one line, and
#      the collector stays off.
#   3. drops --no-enable --proto tcp on a running drops collector with a filter: only the
#      protocol changes.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=read
CLI=$VNS_CLI
N=20	# datagrams of the filtered flow, per round
M=15	# of another flow, per round
J=$VNS_OUT/read-status.json

# coll_json NAME EXPR: python EXPR over collector NAME of `vnetscope status --json` (c); "a, b"
# prints as a tuple
coll_json() {
  "$CLI" status --json > $J
  python3 -c "import json; d=json.load(open('$J')); c=[c for c in d['collectors'] if c['name']=='$1'][0]; print(($2))"
}
# totals: the end-to-end counts of `vnetscope latency --json`, "rx tx" (a read that sends nothing)
totals() {
  "$CLI" latency --json | python3 -c "
import json,sys
d = json.load(sys.stdin)
t = dict((x['dir'], x['count']) for x in d['totals'])
print(t.get('rx', 0), t.get('tx', 0))"
}
# round: N datagrams to the filtered flow (received) and M to another (no receiver)
round() {
  "$VNS_TESTBIN/udpsend" --recv 127.0.0.1 4242 2 > $VNS_OUT/read-recv.txt &
  local recv=$!
  for _ in $(seq 100); do grep -q ready $VNS_OUT/read-recv.txt && break; sleep 0.1; done
  udp_send 127.0.0.1 40000 127.0.0.1 4242 $N
  udp_send 127.0.0.1 40001 127.0.0.1 4243 $M
  wait $recv
  expect_eq $T/received_$1 "$(tail -n 1 $VNS_OUT/read-recv.txt)" $N
  sleep 0.2
}
# summary FILE KEY: a key of the last line ({"summary":{...}}) of a --details --json run
summary() { tail -n 1 "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['$2'])"; }

load_vns || exit 1

# --- 1. a details read keeps the filter and the tables -------------------------------------------
check $T/enable "$CLI" enable latency --proto udp --dport 4242
expect_eq $T/filter_set "$(coll_json latency "c['filter'], c.get('config')")" "({'proto': 'udp', 'dport': 4242}, None)"
round 1
read -r rx0 tx0 <<< "$(totals)"
# each datagram is followed in one direction on lo, or in both: whichever, it is per packet
per=$(( (rx0 + tx0) / N ))
expect_eq $T/totals_per_packet "$(( (rx0 + tx0) % N )) $(( per >= 1 ))" "0 1"
expect_eq $T/tracked_only_filtered "$(coll_json latency "c['counters']['tracked']")" $(( per * N ))

# a details read with a threshold and no filter: the threshold turns the details mode on live
# (the module keeps the tables), the filter is not touched
details() {  # details OUT: --details --threshold 1us until SIGINT, round $2 sent meanwhile
  "$CLI" latency --details --threshold 1us --json > $VNS_OUT/read-$1.json \
    2> $VNS_OUT/read-$1.err &
  local cli=$!
  # its settings in place (the details mode on) before the round; it drains at SIGINT
  for _ in $(seq 100); do
    grep -q '^collector=latency state=on .* events=' /proc/vnetscope/status && break
    sleep 0.1
  done
  sleep 0.3
  round $2
  sleep 0.3
  kill -INT $cli
  wait $cli; echo $? > $VNS_OUT/read-$1.rc
}
events_of() {  # events_of OUT: the (proto, dport) of its records, and how many
  head -n -1 $VNS_OUT/read-$1.json | python3 -c "
import json,sys
e = [json.loads(l) for l in sys.stdin]
print(sorted(set((x['flow']['proto'], x['flow']['dport']) for x in e)), len(e))"
}
# the status line of the latency collector: its mem_bytes, and whether events=/events_lost= are on it
lat_status() {
  awk '/^collector=latency /{ m=""; e=0; l=0
    for (i = 1; i <= NF; i++) { if ($i ~ /^mem_bytes=/) m=substr($i, 11)
      if ($i ~ /^events=/) e=1; if ($i ~ /^events_lost=/) l=1 }
    print m, e, l }' /proc/vnetscope/status
}
read -r mem0 ev0 evl0 <<< "$(lat_status)"
expect_eq $T/no_details_status "$ev0 $evl0" "0 0"
tracked0=$(coll_json latency "c['counters']['tracked']")
details details1 2
expect_eq $T/details_exit "$(cat $VNS_OUT/read-details1.rc)|$(cat $VNS_OUT/read-details1.err)" "0|"
expect_eq $T/details_only_filtered "$(events_of details1)" "[('udp', 4242)] $(( per * N ))"
expect_eq $T/details_summary "$(summary $VNS_OUT/read-details1.json events) $(summary $VNS_OUT/read-details1.json events_lost)" "$(( per * N )) 0"
expect_eq $T/filter_kept "$(coll_json latency "c['state'], c['filter'], c['config']")" \
  "('on', {'proto': 'udp', 'dport': 4242}, {'threshold_us': 1})"
# not restarted: before + what was sent since
read -r rx1 tx1 <<< "$(totals)"
expect_eq $T/details_totals_kept "$rx1 $tx1" "$(( rx0 * 2 )) $(( tx0 * 2 ))"
expect_eq $T/details_tracked_kept "$(coll_json latency "c['counters']['tracked']")" $(( tracked0 + per * N ))
# the details mode on live: events= and events_lost= in the status, the rings in mem_bytes
# (at least one CPU's ring of latency_events=256 records of 744 bytes)
read -r mem1 ev1 evl1 <<< "$(lat_status)"
expect_eq $T/details_status "$ev1 $evl1 $(( mem1 - mem0 >= 256 * 744 ))" "1 1 1"
expect_eq $T/details_status_events "$(coll_json latency "c['counters']['events'], c['counters']['events_lost']")" "($(( per * N )), 0)"

# the same read again: nothing changes, the tables keep counting (before + what was sent since)
tracked1=$(coll_json latency "c['counters']['tracked']")
details details2 3
expect_eq $T/again_exit "$(cat $VNS_OUT/read-details2.rc)|$(cat $VNS_OUT/read-details2.err)" "0|"
expect_eq $T/again_only_filtered "$(events_of details2)" "[('udp', 4242)] $(( per * N ))"
read -r rx2 tx2 <<< "$(totals)"
expect_eq $T/again_totals_kept "$rx2 $tx2" "$(( rx1 + rx0 )) $(( tx1 + tx0 ))"
expect_eq $T/again_tracked_kept "$(coll_json latency "c['counters']['tracked']")" $(( tracked1 + per * N ))
expect_eq $T/again_settings "$(coll_json latency "c['filter'], c['config']")" \
  "({'proto': 'udp', 'dport': 4242}, {'threshold_us': 1})"
# with no traffic: no record, nothing changes; a plain read sends nothing either
"$CLI" latency --details --threshold 1us --duration 1 --json > $VNS_OUT/read-details3.json
expect_eq $T/quiet_exit $? 0
expect_eq $T/quiet_no_events "$(summary $VNS_OUT/read-details3.json events)" 0
"$CLI" latency > /dev/null
expect_eq $T/quiet_totals "$(totals)" "$rx2 $tx2"
expect_eq $T/quiet_tracked "$(coll_json latency "c['counters']['tracked']")" $(( tracked1 + per * N ))
# enable with the filter only: the details mode turns off live, the tables are kept, the rings'
# memory is given back
check $T/details_off "$CLI" enable latency --proto udp --dport 4242
read -r mem3 ev3 evl3 <<< "$(lat_status)"
expect_eq $T/details_off_status "$mem3 $ev3 $evl3" "$mem0 0 0"
expect_eq $T/details_off_kept "$(totals) $(coll_json latency "c['filter'], c.get('config')")" \
  "$rx2 $tx2 ({'proto': 'udp', 'dport': 4242}, None)"
check $T/disable_latency "$CLI" disable latency

# --- 2. --no-enable never turns a collector on ---------------------------------------------------
for coll in irqoff drops; do
  expect_eq $T/${coll}_off "$(coll_json $coll "c['state']")" off
  out=$("$CLI" $coll --no-enable 2>&1); rc=$?
  expect_eq $T/${coll}_no_enable "$rc $out" "3 vnetscope: the $coll collector is off (--no-enable: not turning it on)"
  expect_eq $T/${coll}_still_off "$(coll_json $coll "c['state']")" off
done
# with options too: the module refuses (-ENODATA), nothing turns on
out=$("$CLI" drops --no-enable --proto udp 2>&1); rc=$?
expect_eq $T/drops_no_enable_opts "$rc $out" "3 vnetscope: the drops collector is off (--no-enable: not turning it on)"
expect_eq $T/drops_opts_still_off "$(coll_json drops "c['state'], c['filter']")" "('off', None)"

# --- 3. a read with --no-enable --proto tcp changes only the protocol ----------------------------
check $T/enable_drops "$CLI" enable drops --proto udp --dport 9 --src-ip 127.0.0.0/8
udp_send 127.0.0.1 40100 127.0.0.1 9 7
"$CLI" drops --no-enable --json > $VNS_OUT/read-drops.json; rc=$?
expect_eq $T/drops_read "$rc $(python3 -c "import json; print(sum(e['count'] for e in json.load(open('$VNS_OUT/read-drops.json'))['entries']))")" "0 7"
"$CLI" drops --no-enable --proto tcp > /dev/null; rc=$?
expect_eq $T/drops_proto_exit $rc 0
expect_eq $T/drops_proto_only "$(coll_json drops "c['state'], sorted(c['filter'].items())")" \
  "('on', [('dport', 9), ('proto', 'tcp'), ('src', '127.0.0.0'), ('src_prefix', 8)])"
check $T/disable_drops "$CLI" disable drops

unload_vns
dmesg_clean $T/dmesg_clean
