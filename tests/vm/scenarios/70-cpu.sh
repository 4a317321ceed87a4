#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 70-cpu: the CPU-side causes of latency (issue 4), measured against the test-only fixtures
# module (tests/fixtures): a timer callback that busy-waits, interrupts held off, bottom halves
# held off; softirq accounting checked against the kernel's own tracefs events; 50 enable/disable
# cycles of each collector under load; CPU hotplug with the sampler running.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=cpu
MOD=$(vns_modname)
FIX_KO=$(dirname "$VNS_KO")/../tests/fixtures/vns_fixtures.ko
FX=/sys/kernel/debug/vns_fixtures
CLI=$VNS_CLI
J=$VNS_OUT/cpu.json
jq_py() { python3 -c "import json,sys; d=json.load(open('$J')); print($1)"; }
# ms VALUE_NS: nanoseconds to milliseconds, 1 decimal
ms() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }

[ -f "$FIX_KO" ] || { fail $T/fixtures "no fixtures module at $FIX_KO"; exit 1; }
load_vns || exit 1
insmod "$FIX_KO" || { fail $T/fixtures_load "insmod $FIX_KO"; exit 1; }

# A VM-wide stall (the emulator, or its host, stopping every vCPU at once) is a real stall
# to the guest, and the irqoff sampler reports it, on every CPU. CPU 0 runs nothing that
# holds interrupts or bottom halves off, so an event there means the VM stalled: an attempt
# with one (for the irq-off fixtures: one during the fixture's own event) is logged and
# repeated, at most 3 times. The checks read the first attempt without one (after three
# stalled attempts, the last one, and CPU 0's events then fail them).
ctl enable irqoff period=5ms threshold=20ms
sleep 0.5
stalled() {
  local n
  n=$(view_count $VNS_PROC/irqoff type=event cpu=0)
  [ "$n" = 0 ] && return 1
  echo "INFO $1: the VM stalled: CPU 0 events of $(view_get $VNS_PROC/irqoff latency_ns type=event cpu=0 | awk '{ printf "%.1f ms ", $1 / 1e6 }'), again"
  keep $VNS_PROC/irqoff "stall-$1"
  return 0
}

# Each timed fixture runs again, up to TRIES times, while the host stalls the VM under it: a
# quiet machine passes on the first try; on one as loaded as a 2-CPU host running two TCG VMs
# and builds (the arm64 VM's CPU 1 once had extra 25-98 ms events three times running), more.
TRIES=${VNS_CPU_TRIES:-5}

# --- 1. a 30 ms timer callback, 5 times --------------------------------------------------------
ctl enable timers
for try in $(seq "$TRIES"); do
  ctl reset timers; ctl reset irqoff
  echo "30 5 1" > $FX/timer
  "$CLI" timers --top 5 --json > $J
  keep $VNS_PROC/timers timers
  stalled timers-$try || break
done
expect_eq $T/timer_first "$(jq_py "d['timers'][0]['func']")" "vns_fixture_timer_fn [vns_fixtures]"
expect_eq $T/timer_count "$(jq_py "d['timers'][0]['count']")" 5
expect_range $T/timer_max_ms "$(ms "$(jq_py "d['timers'][0]['max_ns']")")" 24 36
expect_eq $T/timer_max_cpu "$(jq_py "d['timers'][0]['max_cpu']")" 1
expect_eq $T/timer_hist "$(jq_py "sum(b['count'] for b in d['timers'][0]['hist']['buckets'] if b['low_us'] in (16384, 32768))")" 5
expect_eq $T/timer_view "$(view_get $VNS_PROC/timers count 'func=vns_fixture_timer_fn[vns_fixtures]')" 5
"$CLI" timers --top 3 > $VNS_OUT/cpu-timers.txt
expect_eq $T/timer_cli_text "$(grep -c 'vns_fixture_timer_fn \[vns_fixtures\]' $VNS_OUT/cpu-timers.txt)" 1
ctl disable timers

# --- 2. interrupts off 50 ms on CPU 1; bottom halves off 50 ms on CPU 1 ------------------------
# during_fixture KIND: CPU 0 events in $J that overlap (within 5 ms) the fixture's KIND event
# on CPU 1: a stall of the whole VM while the fixture ran. Stalls at other times (seen while
# the guest loads the CLI over 9p from a host with I/O wait) do not touch the measurement.
during_fixture() {
  python3 - "$J" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fx = [e for e in d['events'] if e['cpu'] == 1 and e['kind'] == sys.argv[2]]
span = lambda e: (-e['age_ns'] - e['latency_ns'], -e['age_ns'])
n = 0
for e in d['events']:
    if e['cpu'] == 0:
        a0, b0 = span(e)
        n += any(a0 < span(f)[1] + 5e6 and span(f)[0] < b0 + 5e6 for f in fx)
print(n)
PY
}
for kind in hard soft; do
  for try in $(seq "$TRIES"); do
    ctl reset irqoff
    if [ $kind = hard ]; then echo "1 50" > $FX/irqoff; else echo "1 50" > $FX/bhoff; fi
    sleep 0.1
    "$CLI" irqoff --threshold 20 --json > $J
    keep $VNS_PROC/irqoff irqoff-$kind
    [ "$(during_fixture $kind)" = 0 ] && break
    echo "INFO $kind-$try: the VM stalled while the fixture ran, again"
    keep $VNS_PROC/irqoff "stall-$kind-$try"
  done
  fn=vns_fixture_irqoff_fn; [ $kind = soft ] && fn=vns_fixture_bhoff_fn
  expect_eq $T/${kind}_cpu1_events "$(jq_py "len([e for e in d['events'] if e['kind']=='$kind' and e['cpu']==1])")" 1
  # hard: the hrtimer's lateness, 50 ms less at most a period. soft: the tasklet's raise-to-run,
  # raised by the first hrtimer run inside the 50 ms, which TCG's round-robin between the vCPUs
  # may delay by another slice (4.19 once: 38.7 ms)
  lo=40; [ $kind = soft ] && lo=30
  expect_range $T/${kind}_latency_ms "$(ms "$(jq_py "[e['latency_ns'] for e in d['events'] if e['kind']=='$kind' and e['cpu']==1][0]")")" $lo 60
  expect_eq $T/${kind}_stack "$(jq_py "any(f.startswith('$fn+') for e in d['events'] if e['kind']=='$kind' and e['cpu']==1 for f in e['stack'])")" True
  expect_eq $T/${kind}_cpu0_quiet "$(during_fixture $kind)" 0
done
"$CLI" irqoff > $VNS_OUT/cpu-irqoff.txt
expect_eq $T/irqoff_cli_text "$(grep -c 'vns_fixture_bhoff_fn+0x[0-9a-f]*/0x[0-9a-f]* \[vns_fixtures\]' $VNS_OUT/cpu-irqoff.txt)" 1

# --- 5. CPU hotplug while sampling -------------------------------------------------------------
if [ -w /sys/devices/system/cpu/cpu1/online ]; then
  echo 0 > /sys/devices/system/cpu/cpu1/online
  s1=$(view_get $VNS_PROC/irqoff samples type=summary kind=hard cpu=1)
  sleep 0.5
  s2=$(view_get $VNS_PROC/irqoff samples type=summary kind=hard cpu=1)
  expect_eq $T/hotplug_offline_stops "$s2" "$s1"
  echo 1 > /sys/devices/system/cpu/cpu1/online
  sleep 0.5
  s3=$(view_get $VNS_PROC/irqoff samples type=summary kind=hard cpu=1)
  expect_range $T/hotplug_online_resumes "$((s3 - s2))" 20 1000
  for try in $(seq "$TRIES"); do
    ctl reset irqoff
    echo "1 50" > $FX/irqoff
    # under TCG the host can hold CPU 1's own thread off too: a second CPU 1 event then,
    # which CPU 0 does not see (seen once on 6.1); again, as for a stall of the whole VM
    n1=$(view_count $VNS_PROC/irqoff type=event kind=hard cpu=1)
    if [ "$n1" != 1 ]; then
      echo "INFO hotplug-$try: $n1 CPU 1 events, of $(view_get $VNS_PROC/irqoff latency_ns type=event cpu=1 | awk '{ printf "%.1f ms ", $1 / 1e6 }'), again"
      keep $VNS_PROC/irqoff "stall-hotplug-$try"
      continue
    fi
    stalled hotplug-$try || break
  done
  # the count the loop judged, not a second read: a host stall after it adds an event (seen on
  # the arm64 VM with three VMs on two CPUs: 1 in the loop, 2 a moment later)
  expect_eq $T/hotplug_detects_again "$n1" 1
else
  skip $T/hotplug "cpu1 cannot go offline here"
fi
ctl disable irqoff

# --- 3. softirqs: NET_RX against tracefs, BLOCK flat -------------------------------------------
TR=/sys/kernel/tracing
[ -d $TR/events ] || TR=/sys/kernel/debug/tracing
echo 0 > $TR/tracing_on; echo > $TR/trace
echo 4096 > $TR/buffer_size_kb
echo 'vec == 3 || vec == 2 || vec == 4' > $TR/events/irq/softirq_entry/filter
echo 1 > $TR/events/irq/softirq_entry/enable
echo 1 > $TR/tracing_on
sleep 0.2
ctl enable softirqs
ping -f -c 3000 -q 127.0.0.1 > $VNS_OUT/cpu-ping.txt 2>&1
sleep 0.5
"$CLI" softirqs --json > $J
echo 0 > $TR/tracing_on
keep $VNS_PROC/softirqs softirqs
vsum() { jq_py "sum(v['$2'] for c in d['cpus'] for v in c['vectors'] if v['name']=='$1')"; }
netrx=$(vsum NET_RX count)
expect_range $T/netrx_count "$netrx" 3000 100000
expect_range $T/netrx_time "$(vsum NET_RX total_ns)" 1 100000000000
expect_eq $T/block_flat "$(vsum BLOCK count)" 0
overrun=$(grep -h overrun $TR/per_cpu/cpu*/stats | awk '{ s += $2 } END { print s + 0 }')
expect_eq $T/tracefs_no_overrun "$overrun" 0
expect_eq $T/netrx_equals_tracefs "$netrx" "$(grep -c 'vec=3 \[action=NET_RX\]' $TR/trace)"
expect_eq $T/nettx_equals_tracefs "$(vsum NET_TX count)" "$(grep -c 'vec=2 \[action=NET_TX\]' $TR/trace)"
echo 0 > $TR/events/irq/softirq_entry/enable; echo 0 > $TR/events/irq/softirq_entry/filter
echo 1 > $TR/tracing_on   # as the next scenarios expect it
"$CLI" softirqs --hist > $VNS_OUT/cpu-softirqs.txt
expect_range $T/softirq_cli_text "$(grep -c 'NET_RX' $VNS_OUT/cpu-softirqs.txt)" 1 100
ctl disable softirqs

# --- 4. 50 enable/disable cycles of each collector under the fixtures and a ping flood ----------
# (10 on arm64, VNS_ARM64=1: TCG emulating arm64 takes several times longer per cycle)
cycles=50; [ "${VNS_ARM64:-0}" = 1 ] && cycles=10
ping -f -q -w 600 127.0.0.1 > /dev/null 2>&1 &
pflood=$!
( while :; do echo "20 2 0" > $FX/timer; echo "0 5" > $FX/bhoff; echo "1 5" > $FX/irqoff; done ) 2>/dev/null &
fx=$!
for c in softirqs timers irqoff drops; do
  for i in $(seq 1 $cycles); do ctl enable $c; ctl disable $c; done
  pass $T/cycles_$c
done
for i in 1 2 3 4 5; do ctl enable softirqs; ctl enable timers; ctl enable irqoff; unload_vns; load_vns; done
pass $T/reload_all_on
kill $fx $pflood 2>/dev/null; wait $fx $pflood 2>/dev/null
unload_vns
rmmod vns_fixtures
expect_eq $T/refcount "$(grep -c "^$MOD " /proc/modules)" 0
expect_eq $T/fixtures_gone "$(grep -c '^vns_fixtures ' /proc/modules)" 0
dmesg_clean $T/dmesg_clean
