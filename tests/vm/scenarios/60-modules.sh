#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 60-modules: probes in a module that loads later attach through the module notifier, count
# exactly, detach before the module goes (also under traffic), and attach again when it comes
# back; a probe on a symbol that exists nowhere is "unavailable (symbol not found)" and the
# collector still runs. Uses the test build's "selftest" collector: a kprobe and a kretprobe on
# tun_net_xmit, in the tun module, driven through a real TAP device.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=modules
MOD=$(vns_modname)
P=$VNS_PROC/probes
# pget, tun_loaded, tap_up, tap_down: tests/vm/vns.sh

rmmod tun 2>/dev/null
if [ "$(tun_loaded)" = loaded ]; then
  skip $T/all "tun is loaded and busy, or built in"; exit 0
fi
load_vns || exit 1
if ! grep -q 'collector=selftest' $P; then
  fail $T/selftest_build "the module under test has no selftest collector (VNS_SELFTEST=y)"
  exit 1
fi
ctl enable selftest
expect_eq $T/kprobe_waiting "$(pget state kprobe)" waiting
expect_eq $T/kretprobe_waiting "$(pget state kretprobe)" waiting
expect_eq $T/missing_symbol "$(view_get $P state collector=selftest probe=vns_selftest_no_such_function)" unavailable
expect_eq $T/missing_reason "$(view_get $P reason collector=selftest probe=vns_selftest_no_such_function)" symbol_not_found
expect_eq $T/collector_on "$(view_get $VNS_PROC/status state collector=selftest)" on
expect_eq $T/cli_waiting "$("$VNS_CLI" probes | grep -c 'tun_net_xmit (k[a-z]*, module tun): waiting for module')" 2

# --- the module comes: the notifier attaches both probes ----------------------------------------
modprobe tun
expect_eq $T/kprobe_attached "$(pget state kprobe)" attached
expect_eq $T/kretprobe_attached "$(pget state kretprobe)" attached
tap_up || fail $T/tap_up "no TAP"
c0=$(pget hits kprobe) r0=$(pget hits kretprobe)
cc0=$(pget calls kprobe) rc0=$(pget calls kretprobe)
udp_send 192.0.2.1 40000 192.0.2.2 9 100
sleep 0.5
tap_down
expect_eq $T/tap_received "$SEEN" "frames 100 udp 100"
expect_eq $T/kprobe_hits "$(( $(pget hits kprobe) - c0 ))" 100
expect_eq $T/kretprobe_hits "$(( $(pget hits kretprobe) - r0 ))" 100
# every call of these handlers is a hit; a return-only kretprobe's call is its return
expect_eq $T/kprobe_calls "$(( $(pget calls kprobe) - cc0 ))" 100
expect_eq $T/kretprobe_calls "$(( $(pget calls kretprobe) - rc0 ))" 100
expect_eq $T/status_calls "$(view_get $VNS_PROC/status calls collector=selftest)" "$(pget hits kprobe)"

# --- the module goes: probes detach first and wait for it again ----------------------------------
ip link del vt0 2>/dev/null
rmmod tun
expect_eq $T/tun_gone "$(tun_loaded)" gone
expect_eq $T/kprobe_waiting_again "$(pget state kprobe)" waiting
expect_eq $T/kretprobe_waiting_again "$(pget state kretprobe)" waiting
h=$(pget hits kprobe)

# --- and comes back, ten times; the counts go on ------------------------------------------------
for i in 1 2 3 4 5 6 7 8 9 10; do modprobe tun && rmmod tun; done
modprobe tun
expect_eq $T/reattached "$(pget state kprobe) $(pget state kretprobe)" "attached attached"
tap_up || fail $T/tap_up2 "no TAP"
udp_send 192.0.2.1 40001 192.0.2.2 9 50
sleep 0.5
tap_down
expect_eq $T/tap_received2 "$SEEN" "frames 50 udp 50"
expect_eq $T/kprobe_hits_after_reload "$(( $(pget hits kprobe) - h ))" 50

# --- enable/disable under traffic through the TAP ------------------------------------------------
tap_up || fail $T/tap_up3 "no TAP"
"$VNS_TESTBIN/udpsend" 192.0.2.1 40002 192.0.2.2 9 0 --seconds 120 >/dev/null &
flood=$!
sleep 1
for i in $(seq 1 20); do ctl disable selftest; ctl enable selftest; done
expect_eq $T/toggled_attached "$(pget state kprobe)" attached
h=$(pget hits kprobe)
sleep 1
expect_range $T/flood_counted "$(( $(pget hits kprobe) - h ))" 1 100000000
kill $flood; wait $flood 2>/dev/null
tap_down

# --- what the handlers cost: calls, one in 64 timed on each CPU, their time ---------------------
# (tun is quiet now: the TAP is gone.)  Exact counts; the time only > 0.
cat $VNS_PROC/status > $VNS_OUT/modules-status.txt
cat $VNS_PROC/probes > $VNS_OUT/modules-probes.txt
S=$VNS_OUT/modules-status.txt PV=$VNS_OUT/modules-probes.txt ncpu=$(nproc)
psum() { awk -v k="$1" '/collector=selftest / { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) s += substr($i, length(k) + 2) } END { print s + 0 }' $PV; }
calls=$(view_get $S handler_calls collector=selftest)
timed=$(view_get $S handler_timed collector=selftest)
tns=$(view_get $S handler_timed_ns collector=selftest)
echo "selftest handlers: calls=$calls timed=$timed timed_ns=$tns ncpu=$ncpu"
expect_eq $T/handler_calls "$calls" "$(psum hits)"
expect_eq $T/handler_calls_probes "$calls" "$(psum calls)"
expect_eq $T/handler_timed_probes "$timed" "$(psum timed)"
expect_eq $T/handler_ns_probes "$tns" "$(psum timed_ns)"
for ty in kprobe kretprobe; do
  c=$(view_get $PV calls collector=selftest probe=tun_net_xmit type=$ty)
  lo=$(( c / 64 - ncpu )); [ $lo -ge 0 ] || lo=0
  expect_range $T/timed_$ty "$(view_get $PV timed collector=selftest probe=tun_net_xmit type=$ty)" $lo $(( c / 64 ))
done
expect_range $T/handler_timed_some "$timed" 1 "$calls"
expect_range $T/handler_ns "$tns" "$timed" 1000000000000000
json=$("$VNS_CLI" status --json | python3 -c 'import json, sys
h = [c["handlers"] for c in json.load(sys.stdin)["collectors"] if c["name"] == "selftest"][0]
print(h["calls"], h["timed"], h["timed_ns"], h["avg_ns"] == (h["timed_ns"] + h["timed"] // 2) // h["timed"])')
expect_eq $T/cli_handlers "$json" "$calls $timed $tns True"
expect_eq $T/cli_handlers_text "$("$VNS_CLI" status | grep -A2 '^collector selftest' | grep -c "^  handlers: $calls calls, $timed timed, .* a call, about .* in all$")" 1
ip link del vt0 2>/dev/null

# --- the collector goes off while tun is away: waiting becomes detached -------------------------
rmmod tun
ctl disable selftest
expect_eq $T/detached "$(pget state kprobe) $(pget state kretprobe)" "detached detached"

# --- vnetscope goes while its probes sit in a loaded tun; tun goes after ------------------------
modprobe tun
ctl enable selftest
expect_eq $T/attached_at_enable "$(pget state kprobe)" attached
unload_vns && pass $T/rmmod_vns_with_module_probes
rmmod tun && pass $T/rmmod_tun_after
load_vns collectors=selftest
expect_eq $T/param_waiting "$(pget state kprobe)" waiting
modprobe tun
expect_eq $T/param_attached "$(pget state kprobe)" attached
rmmod tun
unload_vns
expect_eq $T/refcount "$(grep -c "^$MOD " /proc/modules)" 0
dmesg_clean $T/dmesg_clean
