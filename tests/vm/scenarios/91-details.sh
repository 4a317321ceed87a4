#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64 arm64-regs
# 91-details: the latency collector's details mode (issue 5): one record per slow packet in the
# events file, and vnetscope latency --details.
#   0. The events file starts with "# vnetscope events v1", glued to its first record.
#   1. Two concurrent ping flows from vns_a through va: to 10.20.0.3 through a netem child
#      (20 ms) of a prio qdisc, to 10.20.0.2 through a plain band.  With threshold=10ms (then
#      stage_threshold=10ms) exactly the N delayed requests give an event, each slowest at
#      QDISC_ENQ -> QDISC_DEQ; none for the other flow; nothing lost.  The raw file, then the CLI.
#   2. Unload: a reader blocked in read() on /proc/vnetscope/events does not hold rmmod up and
#      gets end of file; a blocked debugfs reader holds the module (busy); unload with the
#      collector on and events queued is clean.
#   3. A flood of slow packets past a ring of 16 (latency_events=16) with the CLI reading:
#      events_lost > 0, and the module still works.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=details
EV=$VNS_PROC/events
N=20
MOD=$(vns_modname)
lat_status() { view_get $VNS_PROC/status "$1" collector=latency; }
loaded() { grep -q "^$MOD " /proc/modules && echo loaded || echo gone; }
# read_events FILE: the records the events file has now (a blocked read ends after 1 s of
# quiet); the whole output, header included, in FILE.raw
read_events() { timeout 1 cat $EV > "$1.raw"; grep -v '^#' "$1.raw" > "$1"; true; }
# cli_details OUT ARGS...: the CLI in the background (pid in $cli), once the collector runs
# in its details mode (records wait in the rings until the CLI's next dump takes them)
cli_details() {
  local out=$1; shift
  "$VNS_CLI" latency --details "$@" > "$out" 2> "$out.err" &
  cli=$!
  for _ in $(seq 100); do
    grep -q '^collector=latency state=on .* events=' /proc/vnetscope/status && break
    sleep 0.1
  done
}
# json_lines JSON: the CLI's NDJSON events as events-file lines (the summary left out)
json_lines() {
  python3 -c "
import json, sys
for l in open('$1'):
    d = json.loads(l)
    if 'summary' in d:
        continue
    f = d['flow']
    w = [f\"ts_ns={d['ts_ns']}\", f\"cpu={d['cpu']}\", f\"dir={d['dir']}\", f\"family={f['family']}\",
         f\"proto={f['proto']}\", f\"src={f['src']}\", f\"dst={f['dst']}\", f\"total_us={d['total_us']}\",
         'why=' + ','.join(d['why']), f\"slow={d['slow']['from']}->{d['slow']['to']}\",
         f\"slow_us={d['slow']['us']}\", f\"hops={len(d['hops'])}\"]
    w += [f\"hop{i + 1}={h['stage']},{h['dev'] or '-'},{h['cpu']},{h['offset_ns']},{h['delta_ns']}\"
          for i, h in enumerate(d['hops'])]
    print(' '.join(w))"
}
# summary JSON KEY: the CLI's last line, {"summary":{...}}
summary() { tail -n 1 "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)['summary']['$2'])"; }
# field FILE KEY: KEY of every line
field() { grep -o "\b$2=[^ ]*" "$1" | cut -d= -f2-; }

setup_net() {
  netns_pair vns_a vns_b va vb 10.20.0.1/24 10.20.0.2/24 || { fail $T/netns "netns_pair"; exit 1; }
  ip -n vns_b addr add 10.20.0.3/24 dev vb
  ip netns exec vns_a ping -c 1 -W 5 10.20.0.2 >/dev/null || fail $T/arp "no neighbour"
  ip netns exec vns_a ping -c 1 -W 5 10.20.0.3 >/dev/null || fail $T/arp3 "no neighbour"
  # class 1:30 delays by 20 ms, everything else goes through 1:10 at once (HTB: the 4.19 test
  # kernel has no prio qdisc)
  ip netns exec vns_a tc qdisc add dev va root handle 1: htb default 10
  ip netns exec vns_a tc class add dev va parent 1: classid 1:10 htb rate 1gbit quantum 1514
  ip netns exec vns_a tc class add dev va parent 1: classid 1:30 htb rate 1gbit quantum 1514
  ip netns exec vns_a tc qdisc add dev va parent 1:30 handle 30: netem delay 20ms limit 100000
  ip netns exec vns_a tc filter add dev va parent 1: protocol ip prio 1 u32 \
    match ip dst 10.20.0.3/32 flowid 1:30 || fail $T/tc "tc setup"
}

# two_flows: N pings to each address at once
two_flows() {
  ip netns exec vns_a ping -c $N -i 0.05 -W 2 10.20.0.3 > $VNS_OUT/details-ping3.txt &
  local p=$!
  ip netns exec vns_a ping -c $N -i 0.05 -W 2 10.20.0.2 > $VNS_OUT/details-ping2.txt
  wait $p
  sleep 0.3
}

# events_ok FILE WHY: the N events of the delayed flow, nothing else (for the retry on a stall)
events_ok() {
  [ "$(wc -l < "$1")" = $N ] && [ "$(grep -c "dst=10.20.0.3 .*why=$2 slow=QDISC_ENQ->QDISC_DEQ " "$1")" = $N ] &&
    [ "$(field "$1" slow_us | awk '$1 < 16000 || $1 > 32767' | wc -l)" = 0 ]
}

# check_events NAME FILE WHY: exact checks of one run's lines
check_events() {
  local n=$1 f=$2 why=$3
  expect_eq $T/${n}_count "$(wc -l < "$f")" $N
  expect_eq $T/${n}_delayed_dst "$(grep -c ' dst=10.20.0.3 ' "$f")" $N
  expect_eq $T/${n}_none_undelayed "$(grep -c ' dst=10.20.0.2 ' "$f")" 0
  expect_eq $T/${n}_slow "$(field "$f" slow | sort -u | tr '\n' ' ')" "QDISC_ENQ->QDISC_DEQ "
  expect_eq $T/${n}_why "$(field "$f" why | sort -u | tr '\n' ' ')" "$why "
  expect_eq $T/${n}_head "$(cut -d' ' -f3-6 "$f" | sort -u | tr '\n' ' ')" "dir=tx family=ipv4 proto=icmp src=10.20.0.1 "
  expect_range $T/${n}_slow_us_min "$(field "$f" slow_us | sort -n | head -1)" 16000 32767
  expect_range $T/${n}_slow_us_max "$(field "$f" slow_us | sort -n | tail -1)" 16000 32767
  expect_range $T/${n}_total_us_min "$(field "$f" total_us | sort -n | head -1)" 10000 1000000
  # TX from IP_OUT to TX_XMIT, in path order, 6 hops; the slow pair is hop 3 -> hop 4
  expect_eq $T/${n}_hops "$(awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^hop[0-9]+=/) { split($i, a, "[=,]"); s = s a[2] "," a[3] " " } print s }' "$f" | sort -u)" \
    "IP_OUT,va PHY_QUEUE,va QDISC_ENQ,va QDISC_DEQ,va TX_QUEUE,va TX_XMIT,va "
  expect_eq $T/${n}_sorted "$(field "$f" ts_ns | sort -c -n 2>&1 && echo sorted)" sorted
  expect_eq $T/${n}_lost "$(lat_status events_lost)" 0
}

load_vns || exit 1
setup_net

# the delayed flow is delayed, the other not: the fastest of 3 round trips (a stall of the
# emulator can stretch any one of them)
min_rtt() { ip netns exec vns_a ping -c 3 -i 0.1 -W 2 "$1" | sed -n 's#^rtt [^=]*= \([0-9.]*\)/.*#\1#p'; }
expect_range $T/tc_delay_ms "$(min_rtt 10.20.0.3)" 19 60
expect_range $T/tc_no_delay_ms "$(min_rtt 10.20.0.2)" 0 10

# --- 1. the raw file: threshold=10ms, then stage_threshold=10ms ---------------------------------
for run in "threshold=10ms total" "stage_threshold=10ms stage"; do
  set -- $run
  name=${1%%=*}
  for try in 1 2 3; do
    ctl disable latency
    ctl enable latency phy=va proto=icmp "$1" || { fail $T/enable "control write failed"; exit 1; }
    two_flows
    read_events $VNS_OUT/details-$name.txt
    keep $VNS_PROC/latency $name
    events_ok $VNS_OUT/details-$name.txt "$2" && break
    echo "INFO $name run $try: a stall reached the timings, again:"; sed 's/^/    | /' $VNS_OUT/details-$name.txt
  done
  expect_eq $T/${name}_replies "$(cat $VNS_OUT/details-ping[23].txt | grep -c 'bytes from 10.20.0')" $((2 * N))
  check_events $name $VNS_OUT/details-$name.txt "$2"
  expect_eq $T/${name}_header "$(grep -n '^#' $VNS_OUT/details-$name.txt.raw)" "1:# vnetscope events v1"
  expect_eq $T/${name}_status_events "$(lat_status events)" $N
  # the file is consumed: nothing more, and O_NONBLOCK says so
  expect_eq $T/${name}_consumed "$(python3 -c "
import os, errno
fd = os.open('$EV', os.O_RDONLY | os.O_NONBLOCK)
try:
    os.read(fd, 65536); print('data')
except BlockingIOError:
    print('EAGAIN')")" EAGAIN
done
head -n 1 $VNS_OUT/details-threshold.txt | sed 's/^/    | /'

# --- 1a. the same through VNS_CMD_EVENT_GET (nlfuzz --events prints the file's lines) -------
for try in 1 2 3; do
  ctl disable latency
  ctl enable latency phy=va proto=icmp threshold=10ms
  two_flows
  "$VNS_TESTBIN/nlfuzz" --events > $VNS_OUT/details-nl.txt 2> $VNS_OUT/details-nl.err; rc=$?
  events_ok $VNS_OUT/details-nl.txt total && break
  echo "INFO netlink run $try: a stall reached the timings, again:"; sed 's/^/    | /' $VNS_OUT/details-nl.txt
done
expect_eq $T/nl_exit "$rc $(cat $VNS_OUT/details-nl.err)" "0 "
check_events nl $VNS_OUT/details-nl.txt total
"$VNS_TESTBIN/nlfuzz" --events > $VNS_OUT/details-nl-again.txt 2>&1; rc=$?
expect_eq $T/nl_consumed "$rc $(wc -l < $VNS_OUT/details-nl-again.txt)" "0 0"
# many records: a dump of several rounds (the skb fills mid-batch) loses and repeats none
ctl disable latency
ctl enable latency phy=va proto=udp threshold=10ms
ip netns exec vns_a "$VNS_TESTBIN/udpsend" 10.20.0.1 40000 10.20.0.3 9 200 >/dev/null
sleep 1
"$VNS_TESTBIN/nlfuzz" --events > $VNS_OUT/details-nl-many.txt 2> $VNS_OUT/details-nl-many.err; rc=$?
expect_eq $T/nl_many "$rc $(wc -l < $VNS_OUT/details-nl-many.txt) $(lat_status events_lost)" "0 $(lat_status events) 0"
expect_range $T/nl_many_count "$(wc -l < $VNS_OUT/details-nl-many.txt)" 150 200
expect_eq $T/nl_many_unique "$(field $VNS_OUT/details-nl-many.txt ts_ns | sort | uniq -d | wc -l)" 0
expect_eq $T/nl_many_sorted "$(field $VNS_OUT/details-nl-many.txt ts_ns | sort -c -n 2>&1 && echo sorted)" sorted

# --- 1b. the same through vnetscope latency --details --json ------------------------------------
for try in 1 2 3; do
  ctl disable latency
  cli_details $VNS_OUT/details-cli.json --json --duration 5 --phy-interface va --proto icmp \
    --threshold 10ms
  two_flows
  wait $cli; rc=$?
  json_lines $VNS_OUT/details-cli.json > $VNS_OUT/details-cli.txt
  events_ok $VNS_OUT/details-cli.txt total && break
  echo "INFO CLI run $try: a stall reached the timings, again:"; sed 's/^/    | /' $VNS_OUT/details-cli.json
done
expect_eq $T/cli_exit "$rc" 0
expect_eq $T/cli_enabled "$(cat $VNS_OUT/details-cli.json.err)" "vnetscope: enabled the latency collector"
check_events cli $VNS_OUT/details-cli.txt total
expect_eq $T/cli_summary "$(summary $VNS_OUT/details-cli.json events) $(summary $VNS_OUT/details-cli.json events_lost)" "$N 0"
head -n 1 $VNS_OUT/details-cli.json | sed 's/^/    | /'
# text, until SIGINT
cli_details $VNS_OUT/details-cli-text.txt
ip netns exec vns_a ping -c 3 -i 0.05 -W 2 10.20.0.3 >/dev/null
sleep 0.5
kill -INT $cli; wait $cli; rc=$?
expect_eq $T/cli_text_exit "$rc" 0
expect_eq $T/cli_text_events "$(grep -c ' cpu[0-9]* tx icmp 10.20.0.1 -> 10.20.0.3 .* (end to end)  slowest QDISC_ENQ -> QDISC_DEQ ' $VNS_OUT/details-cli-text.txt)" 3
expect_eq $T/cli_text_hops "$(grep -c '^    QDISC_DEQ  *va  *cpu' $VNS_OUT/details-cli-text.txt)" 3
expect_eq $T/cli_text_summary "$(cat $VNS_OUT/details-cli-text.txt.err)" "vnetscope: 3 events printed, events_lost 0"
sed 's/^/    | /' $VNS_OUT/details-cli-text.txt | head -n 8
# a second reader is refused (the events file open: the details dump is -EBUSY), a bad option
# is a usage error
exec 7< $EV
"$VNS_CLI" latency --details --duration 1 > /dev/null 2> $VNS_OUT/details-busy.err; rc=$?
exec 7<&-
BUSY="vnetscope: another reader holds the details events (another latency --details, or the events file open)"
expect_eq $T/cli_busy "$rc $(cat $VNS_OUT/details-busy.err)" "1 $BUSY"
# two CLIs: the second is refused while the first reads (its socket's lease), the events file
# too; once the first exits (its socket closed) both work again at once. The first reads until
# SIGINT (a --duration could run out first on a loaded host, which stalls the guest)
cli_details $VNS_OUT/details-first.txt
sleep 0.5
"$VNS_CLI" latency --details --duration 1 > /dev/null 2> $VNS_OUT/details-second.err; rc=$?
expect_eq $T/cli_second_busy "$rc $(cat $VNS_OUT/details-second.err)" "1 $BUSY"
expect_eq $T/cli_second_file_busy "$(python3 -c "
import os, errno
try:
    os.close(os.open('$EV', os.O_RDONLY | os.O_NONBLOCK)); print('opened')
except OSError as e:
    print(errno.errorcode[e.errno])")" EBUSY
kill -INT $cli; wait $cli; rc=$?
expect_eq $T/cli_first_exit "$rc $(grep -c "another reader" $VNS_OUT/details-first.txt.err)" "0 0"
"$VNS_CLI" latency --details --duration 1 > /dev/null 2> $VNS_OUT/details-after.err; rc=$?
expect_eq $T/cli_after_first "$rc $(grep -c 'another reader' $VNS_OUT/details-after.err)" "0 0"
expect_eq $T/file_after_first "$(python3 -c "
import os
os.close(os.open('$EV', os.O_RDONLY | os.O_NONBLOCK)); print('opened')")" opened
"$VNS_CLI" latency --details --threshold 0 2> $VNS_OUT/details-usage.err; rc=$?
expect_eq $T/cli_usage "$rc $(cat $VNS_OUT/details-usage.err)" "2 vnetscope: invalid --threshold '0': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)"

# one reader at a time; a buffer smaller than a line is refused, and the line stays
ctl disable latency
ctl enable latency phy=va proto=icmp threshold=10ms
ip netns exec vns_a ping -c 1 -W 2 10.20.0.3 >/dev/null
sleep 0.3
expect_eq $T/small_buffer_and_busy "$(python3 -c "
import os, errno
fd = os.open('$EV', os.O_RDONLY | os.O_NONBLOCK)
try:
    os.open('$EV', os.O_RDONLY); print('no EBUSY')
except OSError as e:
    print(errno.errorcode[e.errno], end=' ')
try:
    os.read(fd, 100); print('no EINVAL')
except OSError as e:
    print(errno.errorcode[e.errno], end=' ')
line = os.read(fd, 4096).decode()
print(line.count('\n'), line.startswith('# vnetscope events v1\n'), 'dst=10.20.0.3' in line)")" "EBUSY EINVAL 2 True True"
mem=$(lat_status mem_bytes)
ctl disable latency
ctl enable latency phy=va proto=icmp
expect_range $T/rings_in_memory "$(( mem - $(lat_status mem_bytes) ))" $((256 * 744)) $((64 * 1024 * 1024))
expect_eq $T/no_threshold_no_counters "$(lat_status events)" ""

# --- 2. unload with readers ---------------------------------------------------------------------
ctl enable latency phy=va proto=icmp threshold=10ms
# a debugfs reader holds the module: rmmod says busy at once
timeout 30 cat $VNS_DBG/events > /dev/null &
dbg=$!
sleep 0.5
rmmod $MOD 2>/dev/null
expect_eq $T/debugfs_reader_busy "$(loaded)" loaded
kill $dbg 2>/dev/null; wait $dbg 2>/dev/null
# a procfs reader blocked in read(): rmmod completes, the reader gets end of file
timeout 60 cat $EV > $VNS_OUT/details-blocked.txt &
rd=$!
sleep 1
t0=$(date +%s%N)
timeout 20 rmmod $MOD; rc=$?
t1=$(date +%s%N)
expect_eq $T/rmmod_blocked_reader "$rc $(loaded)" "0 gone"
expect_range $T/rmmod_ms "$(( (t1 - t0) / 1000000 ))" 0 5000
for _ in $(seq 50); do kill -0 $rd 2>/dev/null || break; sleep 0.1; done
wait $rd; rc=$?
expect_eq $T/reader_eof "$rc" 0
# unload with the collector on and events queued
load_vns || exit 1
ctl enable latency phy=va proto=icmp threshold=10ms
ip netns exec vns_a ping -c 5 -i 0.05 -W 2 10.20.0.3 >/dev/null
sleep 0.3
expect_eq $T/queued "$(lat_status events)" 5
unload_vns && pass $T/rmmod_queued
dmesg_clean $T/dmesg_after_unload

# --- 3. a flood past a ring of 16 ---------------------------------------------------------------
# (the CLI must outlast the flood; on arm64, VNS_ARM64=1, TCG emulating arm64 took more than
# 4 s for 3000 datagrams: 1000 there, and 10 s)
nflood=3000 dur=4; [ "${VNS_ARM64:-0}" = 1 ] && nflood=1000 dur=10
load_vns latency_events=16 || exit 1
ctl enable latency phy=va threshold=10ms
cli_details $VNS_OUT/details-flood.json --json --duration $dur --phy-interface va --threshold 10ms
ip netns exec vns_a "$VNS_TESTBIN/udpsend" 10.20.0.1 40000 10.20.0.3 9 $nflood >/dev/null
wait $cli; rc=$?
json_lines $VNS_OUT/details-flood.json > $VNS_OUT/details-flood.txt
lost=$(lat_status events_lost)
expect_eq $T/flood_cli_exit "$rc" 0
expect_range $T/flood_lost "$lost" 1 3000
expect_eq $T/flood_cli_lost "$(summary $VNS_OUT/details-flood.json events_lost)" "$lost"
expect_range $T/flood_read "$(grep -c ' dst=10.20.0.3 ' $VNS_OUT/details-flood.txt)" 16 3000
# every record that went into a ring came out of the file
expect_eq $T/flood_read_all "$(wc -l < $VNS_OUT/details-flood.txt) $(summary $VNS_OUT/details-flood.json events)" \
  "$(lat_status events) $(lat_status events)"
echo "INFO flood: $(lat_status events) events, $lost lost"
# still healthy: a fresh enable records again
ctl disable latency
ctl enable latency phy=va proto=icmp threshold=10ms
ip netns exec vns_a ping -c 3 -i 0.05 -W 2 10.20.0.3 >/dev/null
sleep 0.3
read_events $VNS_OUT/details-after.txt
expect_eq $T/after_flood "$(grep -c ' dst=10.20.0.3 ' $VNS_OUT/details-after.txt)" 3

ctl disable latency
cleanup_netns
unload_vns
dmesg_clean $T/dmesg_clean
