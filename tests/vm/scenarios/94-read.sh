#!/bin/bash
# 94-read: a read changes nothing it was not asked to change (issue 11).
#   1. enable latency with a filter (UDP to port 4242), loopback datagrams of that flow and of
#      another: a details read with only --threshold 1us prints the filtered flow only, the
#      filter stays, the tables are not restarted (the end-to-end counts are the ones before
#      plus what was sent since); the same read again changes nothing.
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

# coll_json NAME EXPR: python EXPR over collector NAME of `vnetscope status --json` (c)
coll_json() {
  "$CLI" status --json > $J
  python3 -c "import json; d=json.load(open('$J')); c=[c for c in d['collectors'] if c['name']=='$1'][0]; print($2)"
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
  "$VNS_TESTBIN/udpsend" --recv 127.0.0.1 4242 1 > $VNS_OUT/read-recv.txt &
  local recv=$!
  sleep 0.3
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
expect_eq $T/filter_set "$(coll_json latency "c['filter']")" "{'proto': 'udp', 'dport': 4242}"
round 1
read -r rx0 tx0 <<< "$(totals)"
# each datagram is followed in both directions on lo, or in one: whatever it is, it is per packet
per=$(( (rx0 + tx0) / N ))
expect_eq $T/totals_per_packet "$(( (rx0 + tx0) % N )) $(( per >= 1 ))" "0 1"
tracked0=$(coll_json latency "c['counters']['tracked']")
expect_eq $T/tracked_only_filtered "$tracked0" $(( per * N ))

"$CLI" latency --details --threshold 1us --duration 2 --json > $VNS_OUT/read-details.json \
  2> $VNS_OUT/read-details.err &
cli=$!
sleep 0.5
round 2
wait $cli; rc=$?
expect_eq $T/details_exit "$rc" 0
expect_eq $T/details_quiet "$(cat $VNS_OUT/read-details.err)" ""
# every record is of the filtered flow, one per packet and direction followed
expect_eq $T/details_flows "$(head -n -1 $VNS_OUT/read-details.json | python3 -c "
import json,sys
print(sorted(set((e['flow']['proto'], e['flow']['dport']) for e in map(json.loads, sys.stdin))))")" "[('udp', 4242)]"
expect_eq $T/details_count "$(head -n -1 $VNS_OUT/read-details.json | wc -l)" $(( per * N ))
expect_eq $T/details_summary "$(summary $VNS_OUT/read-details.json events) $(summary $VNS_OUT/read-details.json events_lost)" "$(( per * N )) 0"
# the filter is still on, the threshold was added, and the tables kept counting
expect_eq $T/filter_kept "$(coll_json latency "c['state'], c['filter']")" "('on', {'proto': 'udp', 'dport': 4242})"
expect_eq $T/threshold_set "$(coll_json latency "c['config'].get('threshold_us')")" 1
read -r rx1 tx1 <<< "$(totals)"
expect_eq $T/totals_kept "$rx1 $tx1" "$(( rx0 * 2 )) $(( tx0 * 2 ))"
expect_eq $T/tracked_kept "$(coll_json latency "c['counters']['tracked']")" $(( 2 * tracked0 ))

# the same read again changes nothing: no record, the same counters and settings
coll_json latency "c['filter'], c['config'], c['counters']['tracked']" > $VNS_OUT/read-before.txt
"$CLI" latency --details --threshold 1us --duration 1 --json > $VNS_OUT/read-details2.json
expect_eq $T/again_exit $? 0
expect_eq $T/again_no_events "$(summary $VNS_OUT/read-details2.json events)" 0
expect_eq $T/again_same "$(coll_json latency "c['filter'], c['config'], c['counters']['tracked']")" \
  "$(cat $VNS_OUT/read-before.txt)"
read -r rx2 tx2 <<< "$(totals)"
expect_eq $T/again_totals "$rx2 $tx2" "$rx1 $tx1"
# a plain read with no option sends nothing either
"$CLI" latency > /dev/null
expect_eq $T/plain_totals "$(totals)" "$rx1 $tx1"
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
