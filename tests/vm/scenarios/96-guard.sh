#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 96-guard: the module guards the host (issue 12, items 4, 5, 6, 12).
#  - init:  a failed init (test builds: vns_fail_init=views|genl, the collectors= ones enabled
#           first, as an enable through the files or netlink could have) leaves no probe, no
#           file, no family, no splat; drops afterwards do not crash.
#  - poll:  a reader blocked in poll() on the events file keeps waiting while the collector is
#           disabled, and wakes with POLLHUP at unload; epoll registrations that keep coming while
#           the module unloads never outlive it (no "still waiting" wait, no crash on close).
#  - caps:  uid 0 without CAP_NET_ADMIN gets EACCES from every view and the control file,
#           procfs and debugfs, and cannot hold the single-reader events file.
#  - limit: mem_limit= refuses an enable that would exceed it, with a message naming the numbers
#           (control file and CLI, exit status 1); status shows exactly the bytes the
#           configured sizes take; a drop record too big for one netlink message arrives cut and
#           flagged (VNS_A_TRUNCATED) instead of failing the dump.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=guard
MOD=$(vns_modname)
CLI=$VNS_CLI
FIX_KO=$(dirname "$VNS_KO")/../tests/fixtures/vns_fixtures.ko
FX=/sys/kernel/debug/vns_fixtures
loaded() { grep -q "^$MOD " /proc/modules && echo loaded || echo gone; }
# the kernel log since mark_log (never cleared: the post-mortem keeps it)
mark_log() { _log_mark=$(dmesg | wc -l); }
new_log() { dmesg | tail -n +$((_log_mark + 1)); }
# top_get KEY: KEY of the status view's module line
top_get() { awk -v k="$1=" 'NR == 2 { for (i = 1; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' $VNS_PROC/status; }
# nocap CMD...: CMD as uid 0 without any capability (bounding set emptied before the exec)
nocap() { setpriv --bounding-set=-all --inh-caps=-all -- "$@"; }
opens() { if "$@" >/dev/null 2>&1; then echo ok; else echo denied; fi; }

# --- init: a failed init leaves nothing behind ----------------------------------------------------
for step in views genl; do
  mark_log
  kp_before=$(grep -c . /sys/kernel/debug/kprobes/list 2>/dev/null)
  if insmod "$VNS_KO" vns_fail_init=$step collectors=drops,latency,irqoff 2>/dev/null; then
    fail $T/init_${step}_fails "insmod succeeded"; unload_vns
  else
    pass $T/init_${step}_fails
  fi
  # the injection ran (on a module without it, insmod refuses the parameter)
  expect_eq $T/init_${step}_injected "$(new_log | grep -c "vns_fail_init=$step: init fails")" 1
  expect_eq $T/init_${step}_had_enabled "$(new_log | grep -c 'collector drops enabled')" 1
  expect_eq $T/init_${step}_gone "$(loaded)" gone
  expect_eq $T/init_${step}_no_kprobes "$(grep -c . /sys/kernel/debug/kprobes/list 2>/dev/null)" "$kp_before"
  expect_eq $T/init_${step}_no_vns_kprobes "$(grep -c vnetscope /sys/kernel/debug/kprobes/list 2>/dev/null)" 0
  expect_eq $T/init_${step}_no_files "$(ls -d /proc/vnetscope /sys/kernel/debug/vnetscope 2>/dev/null | wc -l)" 0
  # a drop through kfree_skb: a tracepoint probe left behind would run freed code
  udp_send 127.0.0.1 45000 127.0.0.1 9 20
  ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
  dmesg_clean $T/init_${step}_no_splat
done
load_vns collectors=drops || exit 1
udp_send 127.0.0.1 45001 127.0.0.1 9 3
expect_eq $T/init_then_loads "$(view_sum $VNS_PROC/drops sport=45001)" 3
unload_vns

# --- caps: every open needs CAP_NET_ADMIN --------------------------------------------------------
load_vns collectors=drops || exit 1
expect_eq $T/nocap_has_none "$(nocap grep CapEff /proc/self/status | awk '{print $2}')" 0000000000000000
for f in $VNS_PROC/* $VNS_DBG/*; do
  n=${f#/}; n=${n//\//_}
  if [ "${f##*/}" = events ]; then
    # the reader slot: a non-blocking open and close
    cmd=(python3 -c "import os,sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK))" "$f")
  else
    cmd=(cat "$f")
  fi
  expect_eq $T/nocap_$n "$(opens nocap "${cmd[@]}")" denied
  expect_eq $T/root_$n "$(opens "${cmd[@]}")" ok
done
# EACCES, as open(2) says for a file that may not be opened
expect_eq $T/nocap_eacces "$(nocap cat $VNS_PROC/drops 2>&1 | grep -c 'Permission denied')" 1
expect_eq $T/nocap_control_write "$(opens nocap sh -c "echo 'disable drops' > $VNS_DBG/control")" denied
expect_eq $T/nocap_left_it_on "$(status_get state)" on
expect_eq $T/root_control_write "$(opens sh -c "echo 'reset drops' > $VNS_DBG/control")" ok
# a holder without the capability cannot take the events file from the administrator
nocap python3 -c "
import os, sys, time
try:
    fd = os.open('$VNS_PROC/events', os.O_RDONLY | os.O_NONBLOCK)
except OSError as e:
    print('open', e.errno, flush=True); sys.exit(0)
print('held', flush=True); time.sleep(4)
" > "$VNS_OUT/guard-holder.txt" 2>&1 &
holder=$!
sleep 1.5
expect_eq $T/admin_gets_events "$(opens python3 -c "import os; os.close(os.open('$VNS_PROC/events', os.O_RDONLY | os.O_NONBLOCK))")" ok
wait $holder
expect_eq $T/nocap_holder_refused "$(cat "$VNS_OUT/guard-holder.txt")" "open 13"
unload_vns

# --- poll: disable and unload under pollers ------------------------------------------------------
load_vns || exit 1
ctl enable latency threshold=1ms
mark_log
coproc POLL { python3 "$VNS_REPO/tests/vm/evpoll.py" $VNS_PROC/events; }
read -r ready <&"${POLL[0]}"
expect_eq $T/poll_ready "$ready" ready
sleep 0.5
ctl disable latency                     # the rings go; the blocked poll() waits on
sleep 0.5
ctl enable latency threshold=1ms
sleep 0.3
t0=$(date +%s%N)
unload_vns
t1=$(date +%s%N)
expect_range $T/poll_unload_ms "$(( (t1 - t0) / 1000000 ))" 0 4000
expect_eq $T/poll_gone "$(loaded)" gone
sleep 0.5
exec {POLL[1]}>&-
read -r _ regs _ hup _ woke <&"${POLL[0]}"
wait $POLL_PID 2>/dev/null
expect_range $T/poll_registrations "$regs" 20 100000
expect_eq $T/poll_blocked_woke "$woke" 1
expect_eq $T/poll_no_straggler "$(new_log | grep -c 'reader is still waiting at unload')" 0
dmesg_clean $T/poll_no_splat

# --- limit: the default, then an exact refusal and the exact bytes -------------------------------
load_vns || exit 1
ram=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
want=$(( ram / 64 > 67108864 ? ram / 64 : 67108864 ))
expect_eq $T/limit_default "$(cat /sys/module/$MOD/parameters/mem_limit)" "$want"
expect_eq $T/limit_in_status "$(top_get mem_limit)" "$want"
unload_vns

# drops: 24 + 8 x nr_cpu_ids (the table of per-CPU tables), per possible CPU 24 + 96 x entries
# and 24 of per-CPU counters, the stack table 40 + stack_entries x (16 + 8 x depth) + possible
# CPUs x 8 x depth
possible=$(cat /sys/devices/system/cpu/possible)
nr_ids=$(( ${possible##*-} + 1 ))
ncpu=$(python3 -c "
s=open('/sys/devices/system/cpu/possible').read().strip(); n=0
for r in s.split(','):
    a,_,b=r.partition('-'); n+=int(b or a)-int(a)+1
print(n)")
E=1024 S=128 D=8
need=$(( 24 + 8 * nr_ids + ncpu * (24 + 24 + 96 * E) + 40 + S * (16 + 8 * D) + ncpu * 8 * D ))
load_vns drop_entries=1000 stack_entries=100 stack_depth=8 mem_limit=$((need - 1)) || exit 1
if ctl enable drops 2>/dev/null; then r=enabled; else r=refused; fi
expect_eq $T/limit_ctl_refused "$r" refused
err=$(view_get $VNS_DBG/control last_error last_error~needs)
expect_eq $T/limit_ctl_message "$err" "drops_needs_${need}_bytes,_the_other_collectors_hold_0:_over_mem_limit=$((need - 1))_bytes_(module_parameter)_(-28)"
out=$($CLI enable drops 2>&1); rc=$?
expect_eq $T/limit_cli_exit "$rc" 1
expect_eq $T/limit_cli_message "$out" "vnetscope: enable failed: No space left on device: drops needs $need bytes, the other collectors hold 0: over mem_limit=$((need - 1)) bytes (module parameter)"
expect_eq $T/limit_refused_off "$(status_get state)" off
expect_eq $T/limit_refused_holds "$(status_get mem_bytes)" 0
echo $need > /sys/module/$MOD/parameters/mem_limit
check $T/limit_exact_fits ctl enable drops
expect_eq $T/status_bytes_exact "$(status_get mem_bytes)" "$need"
expect_eq $T/status_total "$(top_get mem_bytes)" "$need"
expect_eq $T/status_limit "$(top_get mem_limit)" "$need"
J=$VNS_OUT/guard-status.json
$CLI status --json > $J
expect_eq $T/cli_json_bytes "$(python3 -c "import json; d=json.load(open('$J')); print([c['mem_bytes'] for c in d['collectors'] if c['name']=='drops'][0], d['mem_bytes'], d['mem_limit'])")" "$need $need $need"
expect_eq $T/cli_text_memory "$($CLI status | grep -c "^  memory [0-9.]* [KMG]iB, entries [0-9]* of $((ncpu * E)),")" 1
# another collector does not fit beside it (the message counts what drops holds)
out=$($CLI enable timers 2>&1); rc=$?
expect_eq $T/limit_second_refused "$rc:$(echo "$out" | grep -c "the other collectors hold $need: over mem_limit=$need bytes")" 1:1
# a live settings change that needs memory (latency's details rings) is refused the same way
echo 0 > /sys/module/$MOD/parameters/mem_limit
ctl disable drops
ctl enable latency
lat=$(view_get $VNS_PROC/status mem_bytes collector=latency)
echo $lat > /sys/module/$MOD/parameters/mem_limit
if ctl update latency threshold=1ms 2>/dev/null; then r=applied; else r=refused; fi
expect_eq $T/limit_update_refused "$r" refused
expect_eq $T/limit_update_message "$(view_get $VNS_DBG/control last_error last_error~needs | grep -c "^latency_needs_[0-9]*_bytes")" 1
expect_eq $T/limit_update_kept "$(view_get $VNS_PROC/status state collector=latency):$(view_get $VNS_PROC/status mem_bytes collector=latency)" "on:$lat"
echo 0 > /sys/module/$MOD/parameters/mem_limit
check $T/limit_update_fits ctl update latency threshold=1ms
expect_range $T/limit_update_rings "$(( $(view_get $VNS_PROC/status mem_bytes collector=latency) - lat ))" $((256 * 744)) $((64 << 20))
unload_vns

# --- a record too big for one netlink message: cut and flagged, not a failed dump ---------------
if [ ! -f "$FIX_KO" ]; then
  fail $T/fixtures "no fixtures module at $FIX_KO"
else
  insmod "$FIX_KO" 2>/dev/null
  load_vns stack_depth=64 || exit 1
  ctl enable drops proto=udp sport=1111
  echo 80 > $FX/dropdeep
  expect_eq $T/deep_counted "$(view_sum $VNS_PROC/drops sport=1111)" 1
  frames=$(view_get $VNS_PROC/drops stack sport=1111 | tr ',' '\n' | grep -c long_name)
  expect_range $T/deep_frames "$frames" 40 64
  out=$(python3 "$VNS_REPO/tests/vm/bigdump.py")
  expect_eq $T/deep_dump "$out" "msgs 1 truncated 1 count_of_truncated 1 frames_of_truncated 0"
  # small records around it still come whole, the big one cut in a message of its own
  udp_send 127.0.0.1 1111 127.0.0.1 9 2
  read -r _ msgs _ trunc _ tcount _ <<< "$(python3 "$VNS_REPO/tests/vm/bigdump.py")"
  expect_eq $T/deep_dump_mixed "${msgs:-none} $trunc $tcount" "$(view_count $VNS_PROC/drops sport=1111) 1 1"
  check $T/deep_cli $CLI drops
  unload_vns
  rmmod vns_fixtures 2>/dev/null
fi
dmesg_clean $T/dmesg_clean
