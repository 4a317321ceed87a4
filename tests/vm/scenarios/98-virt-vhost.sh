#!/bin/bash
# 98-virt-vhost: the vhost and kvm collectors' runs, pids and eviction on a real nested guest
# (tests/vm/l2.sh: Debian's 6.1 under KVM in this VM, virtio-net on tap0 with vhost=on).
#   1. The guest pings: vhost's RX packets equal tap0's transmitted delta (what TUN handed to
#      the worker), its TX packets tap0's received delta; each direction's runs by cause equal
#      the hits of that work callback's probe (the cause is the callback's, whatever CPU the
#      worker ran on); the worker names qemu's pid (its tgid) and so does the kvm collector's
#      VM, so that they join.
#   2. The guest powers off: qemu's close of /dev/vhost-net (vhost_net_release) and the VM's
#      destruction (kvm_arch_destroy_vm) mark their entries gone (gone=1, status gone/evicted):
#      kept with their last counters and qemu's pid, never matched again; dmesg is clean.
# vns-vm: nested timeout=900
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
. "$VNS_REPO/tests/vm/l2.sh"
T=virt-vhost
V=$VNS_PROC/vhost
K=$VNS_PROC/kvm
P=$VNS_PROC/probes
S=$VNS_PROC/status
N=20
info() { echo "INFO $*"; }
tapstat() { cat /sys/class/net/$L2_TAP/statistics/"$1"; }
hits() { view_get $P hits collector=vhost probe="$1"; }
st() { view_get $S "$2" collector="$1"; }
cbs="handle_rx_kick handle_rx_net handle_tx_kick handle_tx_net"
allhits() { local p; for p in $cbs; do printf '%s ' "$(hits $p)"; done; }
trap l2_cleanup EXIT

load_vns || exit 1
if ! l2_start; then
  fail $T/l2_start "the nested guest did not come up (see above, $VNS_OUT/l2-console.log)"
  exit 1
fi
pass $T/l2_start
check $T/enable_vhost ctl enable vhost
check $T/enable_kvm ctl enable kvm
for p in $cbs handle_rx handle_tx vhost_net_release vhost_dev_cleanup; do
  expect_eq $T/probe_$p "$(view_get $P state collector=vhost probe=$p)" attached
done
expect_eq $T/probe_kvm_arch_destroy_vm "$(view_get $P state collector=kvm probe=kvm_arch_destroy_vm)" attached

# --- 1. pings ------------------------------------------------------------------------------------
ctl reset vhost
ctl reset kvm
h0=($(allhits))
tx0=$(tapstat tx_packets) rx0=$(tapstat rx_packets)
l2_run -t 120 "ping -q -c $N -i 0.2 $L2_FAR_IP" > $VNS_OUT/vhost-ping.txt
sed 's/^/    | /' $VNS_OUT/vhost-ping.txt
sleep 1
# the view and the probes' hits at one moment: nothing ran in between
for _ in 1 2 3 4 5; do
  h1=$(allhits); keep $V vhost-ping; tx=$(tapstat tx_packets) rx=$(tapstat rx_packets); h2=$(allhits)
  [ "$h1" = "$h2" ] && break
  sleep 1
done
h1=($h1)
keep $K kvm-ping
keep $S ping-status
sed 's/^/    | /' $VNS_OUT/views/$VNS_SCENARIO-vhost-ping.txt $VNS_OUT/views/$VNS_SCENARIO-kvm-ping.txt
tx=$((tx - tx0)) rx=$((rx - rx0))
got=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' $VNS_OUT/vhost-ping.txt)
info "guest got $got replies; tap0 tx $tx rx $rx; callback hits ${h0[*]} -> ${h1[*]}"
expect_eq $T/ping_replies "$got" $N
VP=$VNS_OUT/views/$VNS_SCENARIO-vhost-ping.txt
expect_eq $T/vhost_lost "$(st vhost lost)" 0
expect_eq $T/vhost_rx_eq_tap_tx "$(view_get $VP packets dir=rx)" "$tx"
expect_eq $T/vhost_tx_eq_tap_rx "$(view_get $VP packets dir=tx)" "$rx"
expect_eq $T/rx_runs_kick_eq_hits "$(view_get $VP runs_kick dir=rx)" $((h1[0] - h0[0]))
expect_eq $T/rx_runs_net_eq_hits "$(view_get $VP runs_net dir=rx)" $((h1[1] - h0[1]))
expect_eq $T/tx_runs_kick_eq_hits "$(view_get $VP runs_kick dir=tx)" $((h1[2] - h0[2]))
expect_eq $T/tx_runs_net_eq_hits "$(view_get $VP runs_net dir=tx)" $((h1[3] - h0[3]))
expect_range $T/rx_runs_net "$(view_get $VP runs_net dir=rx)" 1 100000
expect_range $T/tx_runs_kick "$(view_get $VP runs_kick dir=tx)" 1 100000
# qemu's tgid on both sides of vmpath's join
expect_eq $T/vhost_rx_qemu_pid "$(view_get $VP qemu_pid dir=rx)" "$L2_QEMU_PID"
expect_eq $T/vhost_tx_qemu_pid "$(view_get $VP qemu_pid dir=tx)" "$L2_QEMU_PID"
expect_eq $T/kvm_vm_pid "$(view_get $VNS_OUT/views/$VNS_SCENARIO-kvm-ping.txt pid type=vm)" "$L2_QEMU_PID"
if [ "$(st vhost signals_known)" = 1 ]; then
  expect_range $T/vhost_rx_signals "$(view_get $VP signals dir=rx)" 1 100000
else
  expect_eq $T/vhost_signals_unknown "$(view_get $VP signals dir=rx)" -
fi
vh_entries=$(st vhost entries) kvm_entries=$(st kvm entries)
info "before the guest goes: vhost entries $vh_entries, kvm entries $kvm_entries"
expect_eq $T/vhost_entries "$vh_entries" 2
expect_range $T/kvm_entries "$kvm_entries" 2 100000

# --- 2. the guest goes: eviction -----------------------------------------------------------------
expect_eq $T/l2_dmesg_clean "$(l2_run 'dmesg | grep -cE "BUG:|WARNING:|Oops|Call Trace"')" 0
qpid=$L2_QEMU_PID     # (l2_stop forgets it)
l2_stop
expect_eq $T/l2_poweroff "$L2_STOP" clean
# the VM's last reference may go after qemu's exit (an irqfd's cleanup work)
for _ in $(seq 50); do [ "$(st kvm gone)" = "$(st kvm entries)" ] && break; sleep 0.2; done
keep $S gone-status
keep $V vhost-gone
keep $K kvm-gone
grep -E 'collector=(vhost|kvm) ' $S | sed 's/^/    | /'
# kept for readers, marked gone: they never match again, the next device or VM starts anew
expect_eq $T/vhost_entries_kept "$(st vhost entries)" 2
expect_eq $T/vhost_gone "$(st vhost gone)" 2
expect_eq $T/vhost_evicted "$(st vhost evicted)" 2
expect_eq $T/vhost_records_gone "$(view_count $V gone=1) $(view_count $V gone=0)" "2 0"
expect_eq $T/vhost_gone_qemu_pid "$(view_get $V qemu_pid dir=rx)" "$qpid"
expect_eq $T/vhost_gone_packets "$(view_get $V packets dir=rx)" "$(view_get $VP packets dir=rx)"
expect_eq $T/kvm_gone "$(st kvm gone)" "$(st kvm entries)"
expect_range $T/kvm_evicted "$(st kvm evicted)" "$kvm_entries" 100000
expect_eq $T/kvm_records_gone "$(view_count $K gone=0)" 0
expect_eq $T/kvm_gone_vm_pid "$(view_get $K pid type=vm)" "$qpid"
keep $P probes
ctl disable vhost
ctl disable kvm
unload_vns || fail $T/unload "rmmod vnetscope"
l2_net_down
dmesg_clean $T/dmesg_clean
