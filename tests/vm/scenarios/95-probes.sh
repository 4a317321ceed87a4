#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 95-probes: how the probe layer resolves and registers its probes.
#  a. vnetscope never calls kallsyms_lookup_name itself where the kernel does not export it
#     (it used to call it through a kprobe's address, which is past the ENDBR on IBT kernels):
#     a tracefs kprobe on kallsyms_lookup_name with a stacktrace trigger, over an insmod, every
#     collector enabled and openvswitch and tun loaded, sees no call whose caller is vnetscope
#     (the kernel's own lookups under register_kprobe() are fine).
#  b. on a kernel built with CONFIG_X86_KERNEL_IBT (6.12 here) the kprobe that vnetscope places
#     on a function entry sits at +0x4 (after the ENDBR), at +0x0 without IBT: the address that
#     must never be called.
#  c. a module probe is registered as "module:symbol": it waits before the module loads,
#     attaches on modprobe and counts exactly; the kretprobes show maxactive and missed.
#  d. an enable that races the module going ends "waiting", never "unavailable", and the probe
#     attaches when the module comes back, counting exactly.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=probes
P=$VNS_PROC/probes
TR=/sys/kernel/tracing
[ -d $TR/events ] || TR=/sys/kernel/debug/tracing
# pget, tun_loaded, tap_up, tap_down: tests/vm/vns.sh
# tap_hits SPORT N: N datagrams out of the TAP; sets SEEN (tap_down) and KHITS, RHITS: the
# hits of the selftest kprobe and kretprobe meanwhile
tap_hits() {
  local c0 r0
  tap_up || { fail $T/tap_up "no TAP"; return 1; }
  c0=$(pget hits kprobe) r0=$(pget hits kretprobe)
  udp_send 192.0.2.1 "$1" 192.0.2.2 9 "$2"
  sleep 0.5
  tap_down
  KHITS=$(( $(pget hits kprobe) - c0 )) RHITS=$(( $(pget hits kretprobe) - r0 ))
}

ovs-dpctl del-dp ovs-system 2>/dev/null
for m in openvswitch tun; do rmmod $m 2>/dev/null; done
if [ "$(tun_loaded)" = loaded ]; then
  skip $T/all "tun is loaded and busy, or built in"; exit 0
fi

# --- a. who calls kallsyms_lookup_name ----------------------------------------------------------
kln_ok=0
if echo 'p:vns_kln kallsyms_lookup_name' >> $TR/kprobe_events 2>/dev/null; then
  echo stacktrace > $TR/events/kprobes/vns_kln/trigger
  echo > $TR/trace
  echo 1 > $TR/tracing_on      # (an earlier scenario may have left it off)
  echo 1 > $TR/events/kprobes/vns_kln/enable && kln_ok=1
fi
load_vns || exit 1
grep -q 'collector=selftest' $P || { fail $T/selftest_build "no selftest collector"; exit 1; }
for c in $(view_get $VNS_PROC/status collector); do
  ctl enable "$c" 2>/dev/null || echo "enable $c refused"
done
modprobe openvswitch
modprobe tun
expect_eq $T/tun_attached "$(pget state kprobe) $(pget state kretprobe)" "attached attached"
if [ "$kln_ok" = 1 ]; then
  echo 0 > $TR/events/kprobes/vns_kln/enable
  cp $TR/trace "$VNS_OUT/logs/$VNS_SCENARIO-kln-trace.txt"
  # one stack per call; the frame after kallsyms_lookup_name is its caller, vnetscope's when it
  # is a vns_ function (module frames carry no [vnetscope] in these stacks)
  counts=$(awk '
    /<stack trace>/ { n++; st = 1; next }
    st == 1 && /=> kallsyms_lookup_name/ { st = 2; next }
    st == 2 && /=>/ { if ($2 ~ /^vns_/ || /\[vnetscope\]/) v++; st = 0 }
    END { print n + 0, v + 0 }' $TR/trace)
  calls=${counts% *} ours=${counts#* }
  echo "kallsyms_lookup_name: $calls calls, $ours from vnetscope"
  echo '!stacktrace' > $TR/events/kprobes/vns_kln/trigger
  echo '-:vns_kln' >> $TR/kprobe_events
  expect_range $T/kln_traced "$calls" 1 1000000
  if grep -q ' __ksymtab_kallsyms_lookup_name$' /proc/kallsyms; then
    # exported (before 5.7): calling it is legitimate
    skip $T/kln_not_called "kallsyms_lookup_name is exported here ($ours calls from vnetscope)"
  else
    expect_eq $T/kln_not_called "$ours" 0
  fi
else
  skip $T/kln_not_called "no kprobe events on kallsyms_lookup_name"
fi

# --- b. the kprobe's address on an IBT kernel ----------------------------------------------------
cfg=/usr/src/linux-headers-$VNS_KVER/.config
[ -f "$cfg" ] || cfg=/boot/config-$VNS_KVER
KL=/sys/kernel/debug/kprobes/list
if [ -f "$cfg" ] && [ -f $KL ]; then
  cp $KL "$VNS_OUT/logs/$VNS_SCENARIO-kprobes-list.txt"
  want=tun_net_xmit+0x0
  grep -q '^CONFIG_X86_KERNEL_IBT=y' "$cfg" && want=tun_net_xmit+0x4
  # the kprobe (k) and the kretprobe (r) on tun_net_xmit, both vnetscope's (tun is fresh)
  got=$(awk '$2 == "k" && $3 ~ /^tun_net_xmit\+/ { print $3; exit }' $KL)
  expect_eq $T/kprobe_addr "$got" "$want"
  awk '$3 ~ /^tun_net_xmit\+/' $KL | sed 's/^/    | /'
else
  skip $T/kprobe_addr "no kernel config or no $KL"
fi
for c in $(view_get $VNS_PROC/status collector); do ctl disable "$c" 2>/dev/null; done
ovs-dpctl del-dp ovs-system 2>/dev/null
rmmod openvswitch 2>/dev/null

# --- c. module:symbol, waiting then attached; maxactive and missed ------------------------------
rmmod tun
ctl enable selftest
expect_eq $T/waiting "$(pget state kprobe) $(pget state kretprobe)" "waiting waiting"
expect_eq $T/missing_unavailable "$(view_get $P state collector=selftest probe=vns_selftest_no_such_function)" unavailable
expect_eq $T/kretprobe_maxactive "$(pget maxactive kretprobe)" 16
expect_eq $T/kprobe_no_maxactive "$(pget maxactive kprobe)" ""
possible=$(awk -F- '{ print $NF + 1 }' /sys/devices/system/cpu/possible)
want=$(( 2 * possible > 64 ? 2 * possible : 64 ))
expect_eq $T/ct_maxactive "$(view_get $P maxactive collector=latency probe=nf_conntrack_in)" "$want"
modprobe tun
expect_eq $T/attached "$(pget state kprobe) $(pget state kretprobe)" "attached attached"
tap_hits 40000 100
expect_eq $T/tap_received "$SEEN" "frames 100 udp 100"
expect_eq $T/kprobe_hits "$KHITS" 100
expect_eq $T/kretprobe_hits "$RHITS" 100
expect_eq $T/missed "$(pget missed kprobe) $(pget missed kretprobe)" "0 0"

# --- d. enable racing the module going -----------------------------------------------------------
stop=/tmp/vns-95-stop
rm -f $stop
( while [ ! -e $stop ]; do modprobe -r tun 2>/dev/null; modprobe tun; done ) &
cycler=$!
bad=0 n=0 end=$(( $(date +%s) + 40 ))
while [ "$(date +%s)" -lt "$end" ]; do
  ctl disable selftest; ctl enable selftest
  n=$((n + 1))
  s="$(pget state kprobe) $(pget state kretprobe)"
  case $s in *unavailable*) bad=$((bad + 1)); echo "enable $n: $s";; esac
done
touch $stop; wait $cycler
echo "$n enables while tun came and went; $bad left a probe unavailable"
expect_range $T/race_enables "$n" 20 1000000
expect_eq $T/race_never_unavailable "$bad" 0
modprobe tun
expect_eq $T/race_attached "$(pget state kprobe) $(pget state kretprobe)" "attached attached"
tap_hits 40001 50
expect_eq $T/race_tap_received "$SEEN" "frames 50 udp 50"
expect_eq $T/race_hits "$KHITS $RHITS" "50 50"
ctl disable selftest
rmmod tun
unload_vns
dmesg_clean $T/dmesg_clean
