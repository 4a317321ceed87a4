#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 98-virt: the virtualization layer on a real nested guest (issue 13). One L2 guest (Debian's
# 6.1 under KVM in this VM, 2 vCPUs, a multi-queue virtio-net on the TAP tap0 with vhost=on,
# two queue pairs and vhost-net's busy polling for 50 us (qemu's poll-us=50: tests/vm/l2.sh)
# serves every part, in this order:
#   0. vnetscope loads before tun, vhost_net and kvm: the probes of the latency, tun, vhost and
#      kvm collectors wait for the modules, and attach when l2_start loads them. The guest
#      uses both queue pairs (tap0 and its eth0 have two queues each).
#   1. A real guest's pings: the guest pings 10.0.9.1 (the far end behind the bridge br0) N/2
#      times from each of its CPUs (its XPS sends CPU c's packets on queue pair c); from its own
#      ping output, the TAP's tx_packets delta equals the replies it got and its rx_packets
#      delta the requests it sent; vhost is in use (qemu holds one /dev/vhost-net per queue and
#      its workers vhost-<pid> ran). The latency collector's VM path (phy=b0 vm=tap0) counts
#      exactly the guest's requests (VNET_RX ... TX_XMIT) and the replies to it (PHY_RX ...
#      VNET_TX); in details mode, with netem delaying what goes to the VM, it lists only the
#      replies (the delayed flow), none of the requests.
#   1c. tun and vhost on those pings, per queue: tap0's queue c transmitted = the replies of
#      CPU c's ping = vhost's RX packets on the virtqueue serving that queue's socket; what
#      TUN got from vhost (tun_sendmsg) on queue c = CPU c's requests = vhost's TX packets;
#      each queue's socket is served by one RX and one TX virtqueue of one worker vhost-<qemu
#      pid>; the CLI reads the same.
#   1d. kvm on those pings: every irqfd GSI seen is that qemu's; per GSI each EPOLLIN wakeup
#      made one fast-path attempt; injections > 0; and each notification vhost sent (an
#      eventfd_signal() on a virtqueue's call eventfd, which KVM's irqfd waits on) is one irqfd
#      wakeup: the multiset of vhost's per-virtqueue notifications equals the multiset of the
#      GSIs' wakeups (one MSI-X vector, one GSI, per virtqueue), sums equal.
#   1f. vhost's runs on those pings: each direction's runs by cause (the kick or the socket)
#      equal the hits of that work callback's probe, summed over the queues (the cause is the
#      callback's, whatever CPU the worker ran on); vhost's packets equal tap0's counters.
#   1e. vmpath --dev tap0 (text and JSON) joins it all: tap0's queues 0 and 1, their sockets,
#      the virtqueues and workers vhost-<qemu pid> that serve them, that qemu's GSIs, drops on
#      tap0; every figure equal to the views read at the same moment.
#   2. TUN ring full on one queue: qemu stopped (SIGSTOP: the guest refills no RX buffer), a
#      single-flow UDP flood from the far end toward the guest: all of it lands on one queue of
#      tap0; its ring-full drops = tap0's own tx_dropped delta = the drop collector's drops on
#      tap0, queued + dropped = what b0 received, the other queue moved not at all, the fill
#      histogram's maximum is the ring's size (tap0's tx_queue_len); vmpath shows the same
#      drops; after SIGCONT the guest answers the far end's pings again.
#   (the virtio collector inside L2 goes in the marked place: scenario 3)
#   L2 down: the guest powers off after 2 more pings from each CPU; qemu's close of each
#      /dev/vhost-net (vhost_net_release) and the VM's destruction (kvm_arch_destroy_vm) mark
#      the entries gone (gone=1, status gone/evicted): all 4 virtqueues' (2 queue pairs) kept
#      with their last counters and qemu's pid, never matched again.
#   4. After the guest is gone, `rmmod vhost_net`, `rmmod tun` and `rmmod kvm_amd kvm` with
#      collectors on (latency vm=tap0, drops, tun, vhost, kvm): the probes detach (waiting),
#      the modules reload and the probes attach again; vnetscope loaded after tun, vhost_net and
#      kvm attaches at once; no splat.
# Nothing here skips: what is missing fails.
# vns-vm: nested timeout=900
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
# shellcheck disable=SC2034  # read by tests/vm/l2.sh
L2_QUEUES=2 L2_SMP=2 L2_POLL_US=50
. "$VNS_REPO/tests/vm/l2.sh"
. "$VNS_REPO/tests/vm/virt-busy.sh"
. "$VNS_REPO/tests/vm/virt-cost.sh"
. "$VNS_REPO/tests/vm/virt-vhostpoll.sh"
T=virt
V=$VNS_PROC/latency
P=$VNS_PROC/probes
TUN=$VNS_PROC/tun
VH=$VNS_PROC/vhost
KV=$VNS_PROC/kvm
N=50          # baseline pings, N/2 from each of L2's CPUs
ND=10         # pings of the details run
info() { echo "INFO $*"; }
phase() { echo "INFO ${SECONDS}s: $*"; }
pair() { view_get $V count type=pair from="$1" to="$2"; }
lat_status() { view_get $VNS_PROC/status "$1" collector=latency; }
pstate() { view_get $P state collector="$1" probe="$2" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
tapstat() { cat /sys/class/net/$L2_TAP/statistics/"$1"; }
# the packets that reached stage $1, from whichever stage
into() { awk -v to="to=$1" '$1 == "type=pair" && $3 == to { sub("count=", "", $4); n += $4 } END { print n + 0 }' $V; }
# busybox ping's summary: "N packets transmitted, M packets received, ..."
ping_sent() { sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1"; }
ping_got() { sed -n 's/.* \([0-9]*\) packets received.*/\1/p' "$1"; }
ping_min_ms() { sed -n 's#^round-trip min/avg/max = \([0-9.]*\)/.*#\1#p' "$1"; }
# the voluntary and involuntary context switches of the vhost worker(s)
vhost_switches() {
  local t n=0
  for t in $(l2_vhost_tids); do
    n=$((n + $(awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' /proc/$t/status 2>/dev/null || echo 0)))
  done
  echo $n
}
# vsum FILE FIELD KEY=VALUE...: the sum of FIELD over the matching records
vsum() {
  local f=$1 k=$2; shift 2
  view_get "$f" "$k" "$@" | awk '{ s += $1 } END { print s + 0 }'
}
# the module's expected probe state: attached if MODULE is loaded, else waiting
loaded_state() { grep -q "^$1 " /proc/modules && echo attached || echo waiting; }
st() { view_get $VNS_PROC/status "$2" collector="$1"; }
# the vhost work callbacks' probe hits: handle_rx_kick handle_rx_net handle_tx_kick handle_tx_net
cbs="handle_rx_kick handle_rx_net handle_tx_kick handle_tx_net"
allhits() { local p; for p in $cbs; do printf '%s ' "$(view_get $P hits collector=vhost probe=$p)"; done; }
trap l2_cleanup EXIT

# --- 0. vnetscope first, then tun, vhost_net and kvm ---------------------------------------------
rmmod vhost_net vhost vhost_iotlb tun kvm_amd kvm 2>/dev/null
for m in tun vhost_net kvm_amd; do
  grep -q "^$m " /proc/modules && info "$m stays loaded (busy or needed)"
done
load_vns || exit 1
ctl enable drops || fail $T/drops_enable "enable drops"
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp || { fail $T/lat_enable "enable latency"; exit 1; }
for c in tun vhost kvm; do
  ctl enable $c || fail $T/${c}_enable "enable $c"
done
expect_eq $T/tun_probe_waiting "$(pstate latency tun_net_xmit)" "$(loaded_state tun)"
expect_eq $T/tun_coll_probe_waiting "$(pstate tun tun_net_xmit)" "$(loaded_state tun)"
expect_eq $T/vhost_probe_waiting "$(pstate vhost handle_rx)" "$(loaded_state vhost_net)"
expect_eq $T/kvm_probe_waiting "$(pstate kvm irqfd_wakeup)" "$(loaded_state kvm)"
keep $P probes-before
phase "L2 start"
if ! l2_start; then
  fail $T/l2_start "the nested guest did not come up (see above, $VNS_OUT/l2-console.log)"
  exit 1
fi
pass $T/l2_start
phase "L2 up"
QPID=$L2_QEMU_PID
info "L2 boot: ${L2_BOOT_S} s (qemu start to L2's shell), L2 kernel $(cat $VNS_L2/kver), L1 $VNS_KVER, qemu $QPID"
expect_eq $T/tun_probe_attached "$(pstate latency tun_net_xmit)" attached
expect_eq $T/tun_coll_probe_attached "$(pstate tun tun_net_xmit)" attached
expect_eq $T/vhost_probe_attached "$(pstate vhost handle_rx)" attached
expect_eq $T/kvm_probe_attached "$(pstate kvm irqfd_wakeup)" attached
for p in $cbs handle_rx handle_tx vhost_net_release vhost_dev_cleanup; do
  expect_eq $T/vhost_probe_$p "$(pstate vhost $p)" attached
done
expect_eq $T/kvm_probe_kvm_arch_destroy_vm "$(pstate kvm kvm_arch_destroy_vm)" attached
# (one l2_run: each is a round trip through L2's console)
l2_run 'uname -r; cat /sys/class/net/eth0/address; cd /sys/class/net/eth0/queues && echo *
  cat tx-*/xps_cpus | tr "\n" " "; echo' > $VNS_OUT/virt-l2-eth0.txt
expect_eq $T/l2_kernel "$(sed -n 1p $VNS_OUT/virt-l2-eth0.txt)" "$(cat $VNS_L2/kver)"
# the guest uses both queue pairs: its eth0 and tap0 have two queues each (qemu attaches tap0's
# second queue when the guest's driver enables the second pair)
expect_eq $T/l2_eth0 "$(sed -n 2,3p $VNS_OUT/virt-l2-eth0.txt | tr '\n' ' ')" "$L2_MAC rx-0 rx-1 tx-0 tx-1 "
expect_eq $T/tap_queues "$(ls /sys/class/net/$L2_TAP/queues | tr '\n' ' ')" "rx-0 rx-1 tx-0 tx-1 "
info "L2 eth0 XPS (tx-0 tx-1): $(sed -n 4p $VNS_OUT/virt-l2-eth0.txt)"
# vhost is real: qemu holds one /dev/vhost-net per queue, each with its worker "vhost-<qemu pid>"
expect_eq $T/vhost_fd "$(l2_vhost_fds)" $L2_QUEUES
tids=$(l2_vhost_tids | sort -n | tr '\n' ' ')
info "vhost worker(s) of qemu $QPID: ${tids:-none}"
expect_eq $T/vhost_workers "$(echo $tids | wc -w)" $L2_QUEUES
keep $P probes-up

# --- kvm/virtio collectors: the guest side is l2_run 'insmod /vns/vnetscope.ko' and its views
#     read with l2_run cat (scenario 3, busy poll in L2: not yet) -----------------------------------

# --- 1. the guest's pings: TAP counters, vhost, the latency VM path ------------------------------
phase "pings"
for c in latency tun vhost kvm; do ctl reset $c; done
read -ra h0 <<< "$(allhits)"
tx0=$(tapstat tx_packets) rx0=$(tapstat rx_packets) sw0=$(vhost_switches)
for c in 0 1; do
  l2_run -t 120 "taskset -c $c ping -q -c $((N / 2)) -i 0.2 $L2_FAR_IP" > $VNS_OUT/virt-ping$c.txt
  sed "s/^/    | cpu$c: /" $VNS_OUT/virt-ping$c.txt
done
sent0=$(ping_sent $VNS_OUT/virt-ping0.txt) got0=$(ping_got $VNS_OUT/virt-ping0.txt)
sent1=$(ping_sent $VNS_OUT/virt-ping1.txt) got1=$(ping_got $VNS_OUT/virt-ping1.txt)
sent=$((${sent0:-0} + ${sent1:-0})) got=$((${got0:-0} + ${got1:-0}))
# one moment for every view, the callbacks' hits and vmpath: the guest is idle, nothing moves
# (the hits the same before and after the copies; a worker's run ends a moment after the reply)
sleep 0.5
for _ in 1 2 3 4 5 6 7 8 9 10; do
  h1=$(allhits)
  cp $TUN $VNS_OUT/virt-tun.txt; cp $VH $VNS_OUT/virt-vhost.txt; cp $KV $VNS_OUT/virt-kvm.txt
  tx=$(( $(tapstat tx_packets) - tx0 )) rx=$(( $(tapstat rx_packets) - rx0 ))
  [ "$h1" = "$(allhits)" ] && break
  sleep 0.3
done
read -ra h1 <<< "$h1"
sw=$(( $(vhost_switches) - sw0 ))
"$VNS_CLI" vmpath --dev $L2_TAP --json --no-enable > $VNS_OUT/virt-vmpath.json 2>&1
"$VNS_CLI" vmpath --dev $L2_TAP --no-enable > $VNS_OUT/virt-vmpath.txt 2>&1
cp $VNS_DBG/drops $VNS_OUT/virt-drops.txt
keep $V ping
keep $VNS_PROC/status ping-status
sed 's/^/    | /' $V
info "guest: sent $sent0+$sent1, got $got0+$got1 replies; tap0: tx $tx rx $rx; vhost workers' context switches +$sw"
expect_eq $T/ping_sent "$sent0 $sent1" "$((N / 2)) $((N / 2))"
expect_eq $T/ping_replies "$got0 $got1" "$((N / 2)) $((N / 2))"
expect_eq $T/tap_tx_eq_replies "$tx" "$got"
expect_eq $T/tap_rx_eq_requests "$rx" "$sent"
expect_range $T/vhost_worker_ran "$sw" 1 100000000
# the VM path: requests from the VM (VNET_RX on tap0 to TX_XMIT on b0), replies to it (PHY_RX on
# b0 to VNET_TX on tap0), each through the bridge
expect_eq $T/lat_rx_total "$(view_get $V count type=total dir=rx)" "$sent"
expect_eq $T/lat_tx_total "$(view_get $V count type=total dir=tx)" "$got"
expect_eq $T/lat_vnet_rx "$(pair VNET_RX BRIDGE_RX)" "$sent"
expect_eq $T/lat_phy_rx "$(pair PHY_RX BRIDGE_RX)" "$got"
expect_eq $T/lat_into_tx_xmit "$(into TX_XMIT)" "$sent"
expect_eq $T/lat_into_vnet_tx "$(into VNET_TX)" "$got"
expect_eq $T/lat_tracked "$(lat_status tracked)" $((sent + got))
expect_eq $T/lat_completed "$(lat_status completed)" $((sent + got))

# --- 1c. tun and vhost on those pings, per queue -------------------------------------------------
phase "tun/vhost checks"
TF=$VNS_OUT/virt-tun.txt VF=$VNS_OUT/virt-vhost.txt KF=$VNS_OUT/virt-kvm.txt
sed 's/^/    | /' $TF $VF | cut -c1-400
tq() { view_get $TF "$1" dev=$L2_TAP queue="$2"; }
expect_eq $T/tun_queues "$(view_get $TF queue dev=$L2_TAP | sort -n | tr '\n' ' ')" "0 1 "
txqlen=$(cat /sys/class/net/$L2_TAP/tx_queue_len)
for q in 0 1; do
  s=$sent0 g=$got0
  [ $q = 1 ] && s=$sent1 g=$got1
  sock=$(tq sock $q)
  # host to guest: the replies to CPU q's requests leave on queue q (TUN steers a flow to the
  # queue it last came from), but for the first reply after the flow changed queue: TUN
  # updates its flow table after it handed the request to the stack (tun_get_user), and the
  # far end's reply can come back within that call (the veth's softirq at its
  # local_bh_enable), by the old entry (seen on 4.19: 26 and 24). Exact: the sum, below.
  expect_range $T/tun_q${q}_tx_replies "$(tq tx_packets $q)" $((g - 1)) $((g + 1))
  expect_eq $T/vhost_q${q}_rx_eq_tun_tx "$(view_get $VF packets dir=rx sock="$sock")" "$(tq tx_packets $q)"
  # guest to host: CPU q's requests, through queue pair q, all by vhost (tun_sendmsg)
  expect_eq $T/tun_q${q}_rx_eq_requests "$(tq rx_vhost $q)" "$s"
  expect_eq $T/tun_q${q}_rx_all_vhost "$(tq rx_packets $q) $(tq rx_write $q)" "$s 0"
  expect_eq $T/vhost_q${q}_tx_eq_tun_rx "$(view_get $VF packets dir=tx sock="$sock")" "$(tq rx_vhost $q)"
  expect_eq $T/tun_q${q}_drops "$(tq drop_ring_full $q) $(tq drop_no_queue $q) $(tq drop_filter $q) $(tq drop_other $q)" "0 0 0 0"
  # the ring: tap0's tx_queue_len (TUN sizes each queue's ring by it when the queue attaches)
  expect_eq $T/tun_q${q}_ring_size "$(tq ring_size $q)" "$txqlen"
  # the join: one RX and one TX virtqueue serve that socket, of one worker vhost-<qemu pid>
  expect_eq $T/vhost_q${q}_vqs "$(view_get $VF dir sock="$sock" | sort | tr '\n' ' ')" "rx tx "
  expect_eq $T/vhost_q${q}_qemu_pid "$(view_get $VF qemu_pid sock="$sock" | sort -u)" "$QPID"
  w=$(view_get $VF worker sock="$sock" | sort -u)
  expect_eq $T/vhost_q${q}_worker "$(echo "$w" | wc -l) $(echo " $tids" | grep -c " $w ")" "1 1"
done
expect_eq $T/tun_tx_eq_replies "$(( $(tq tx_packets 0) + $(tq tx_packets 1) ))" "$got"
expect_eq $T/vhost_workers "$(view_get $VF worker qemu_pid=$QPID | sort -nu | tr '\n' ' ')" "$tids"
expect_eq $T/vhost_other_pids "$(view_count $VF)" "$(view_count $VF qemu_pid=$QPID)"
# the CLI reads the same: each queue's JSON, and the virtqueues joined to tap0/q for qemu's pid
for q in 0 1; do
  cli_tx=$("$VNS_CLI" tun --dev $L2_TAP --queue $q --json --no-enable |
    python3 -c 'import json,sys; q=json.load(sys.stdin)["queues"]; print(q[0]["tx_packets"] if len(q) == 1 else "rows=%d" % len(q))')
  expect_eq $T/cli_tun_q${q}_tx "$cli_tx" "$(tq tx_packets $q)"
  expect_eq $T/cli_vhost_q${q}_joined "$("$VNS_CLI" vhost --pid $QPID --dev $L2_TAP --queue $q --no-enable | grep -c " $L2_TAP/$q ")" 2
done
"$VNS_CLI" vhost --no-enable | sed 's/^/    | /'
check $T/cli_vhost_json sh -c "'$VNS_CLI' vhost --json --no-enable | python3 -c 'import json,sys; json.load(sys.stdin)'"

# --- 1f. vhost's runs on those pings: by cause = the work callbacks' hits --------------------------
phase "vhost runs"
info "vhost callback hits ($cbs) ${h0[*]} -> ${h1[*]}"
expect_eq $T/vhost_lost "$(st vhost lost)" 0
expect_eq $T/vhost_rx_eq_tap_tx "$(vsum $VF packets dir=rx)" "$tx"
expect_eq $T/vhost_tx_eq_tap_rx "$(vsum $VF packets dir=tx)" "$rx"
expect_eq $T/rx_runs_kick_eq_hits "$(vsum $VF runs_kick dir=rx)" $((h1[0] - h0[0]))
expect_eq $T/rx_runs_net_eq_hits "$(vsum $VF runs_net dir=rx)" $((h1[1] - h0[1]))
expect_eq $T/tx_runs_kick_eq_hits "$(vsum $VF runs_kick dir=tx)" $((h1[2] - h0[2]))
expect_eq $T/tx_runs_net_eq_hits "$(vsum $VF runs_net dir=tx)" $((h1[3] - h0[3]))
signals_known=$(st vhost signals_known)
for q in 0 1; do
  sock=$(tq sock $q)
  # each queue got CPU q's replies through its RX virtqueue (TUN woke the worker: runs_net)
  # and CPU q's requests through its TX virtqueue (the guest's kicks: runs_kick)
  expect_range $T/vhost_q${q}_rx_runs_net "$(view_get $VF runs_net dir=rx sock="$sock")" 1 100000
  expect_range $T/vhost_q${q}_tx_runs_kick "$(view_get $VF runs_kick dir=tx sock="$sock")" 1 100000
  if [ "$signals_known" = 1 ]; then
    expect_range $T/vhost_q${q}_rx_signals "$(view_get $VF signals dir=rx sock="$sock")" 1 100000
  else
    expect_eq $T/vhost_q${q}_signals_unknown "$(view_get $VF signals dir=rx sock="$sock")" -
  fi
done
# two queue pairs: one record per virtqueue, an RX and a TX one per queue
expect_eq $T/vhost_entries "$(st vhost entries)" $((2 * L2_QUEUES))
expect_eq $T/vhost_records "$(view_count $VF)" $((2 * L2_QUEUES))
expect_range $T/kvm_entries "$(st kvm entries)" 2 100000

# --- 1d. kvm on those pings: irqfd wakeups, injections, = vhost's notifications -----------------
phase "kvm checks"
sed 's/^/    | /' $KF | cut -c1-300
win=$(vsum $KF wakeups_in type=gsi pid=$QPID)
fast=$(vsum $KF fast type=gsi pid=$QPID)
ok=$(vsum $KF fast_ok type=gsi pid=$QPID)
slow=$(vsum $KF slow type=gsi pid=$QPID)
sig=$(vsum $VF signals qemu_pid=$QPID)
info "kvm: wakeups_in $win fast $fast fast_ok $ok slow $slow; vhost signals $sig suppressed $(vsum $VF suppressed qemu_pid=$QPID)"
# every GSI and VM seen is this qemu's (its pid from KVM_RUN)
expect_eq $T/kvm_other_pids "$(view_count $KF type=gsi) $(view_count $KF type=vm)" \
  "$(view_count $KF type=gsi pid=$QPID) 1"
expect_eq $T/kvm_vm_pid "$(view_get $KF pid type=vm)" "$QPID"
# irqfd_wakeup calls kvm_arch_set_irq_inatomic() once per EPOLLIN wakeup (4.19..6.12)
bad=0
for g in $(view_get $KF gsi type=gsi pid=$QPID); do
  [ "$(vsum $KF fast type=gsi pid=$QPID gsi=$g)" = "$(vsum $KF wakeups_in type=gsi pid=$QPID gsi=$g)" ] || bad=$((bad + 1))
done
expect_eq $T/kvm_fast_eq_wakeups_in_per_gsi $bad 0
expect_eq $T/kvm_fast_eq_wakeups_in "$fast" "$win"
expect_eq $T/kvm_injected "$((ok + slow > 0))" 1
# vhost_signal()'s eventfd_signal() on a virtqueue's call eventfd wakes that eventfd's waiters
# once, KVM's irqfd among them (qemu gives each virtqueue its own MSI-X vector, each vector its
# own GSI): vhost's notifications per virtqueue are the irqfd wakeups per GSI, as multisets
# (the control queue's, the only ones qemu signals itself, are none here: no ctrl command)
expect_eq $T/kvm_wakeups_eq_vhost_signals "$win" "$sig"
expect_eq $T/kvm_gsis_eq_vhost_vqs \
  "$(view_get $KF wakeups_in type=gsi pid=$QPID | awk '$1 > 0' | sort -n | tr '\n' ' ')" \
  "$(view_get $VF signals qemu_pid=$QPID | awk '$1 > 0' | sort -n | tr '\n' ' ')"
"$VNS_CLI" kvm --pid $QPID --no-enable | sed 's/^/    | cli: /'
js=$("$VNS_CLI" kvm --pid $QPID --json --no-enable)
expect_eq $T/cli_kvm_wakeups "$(echo "$js" | python3 -c 'import json,sys; print(sum(g["wakeups_in"] for v in json.load(sys.stdin)["vms"] for g in v["gsis"]))')" "$win"
expect_eq $T/cli_kvm_pid "$(echo "$js" | python3 -c 'import json,sys; print(" ".join(str(v["pid"]) for v in json.load(sys.stdin)["vms"]))')" "$QPID"
expect_eq $T/cli_kvm_other_pid "$("$VNS_CLI" kvm --pid 1 --no-enable)" "no KVM data for pid 1"

# --- 1e. vmpath --dev tap0: the whole chain, equal to the views ----------------------------------
phase "vmpath checks"
sed 's/^/    | /' $VNS_OUT/virt-vmpath.txt
# vmpath_check PREFIX JSON TUN VHOST KVM DROPS: every figure of the report against the views
vmpath_check() {
  local pre=$1 n g w
  # shellcheck disable=SC2086
  python3 "$VNS_REPO/tests/vm/vmpath-check.py" "$2" "$3" "$4" "$5" $L2_TAP $QPID "$(echo $tids | tr ' ' ,)" "$6" \
    > $VNS_OUT/$pre.check 2>&1 || { fail $T/$pre "vmpath-check.py: $(tail -n 3 $VNS_OUT/$pre.check)"; return; }
  while read -r n g w; do
    expect_eq $T/${pre}_$n "$g" "$w"
  done < $VNS_OUT/$pre.check
}
vmpath_check vmpath $VNS_OUT/virt-vmpath.json $TF $VF $KF "$(view_sum $VNS_OUT/virt-drops.txt dev=$L2_TAP)"
# the text report names the same: each queue with its socket, the workers, the VM
for q in 0 1; do
  expect_eq $T/vmpath_text_q$q "$(grep -c "^  queue $q  sock $(python3 -c "print(int('$(tq sock $q)', 16))")  to guest $(tq tx_packets $q) " $VNS_OUT/virt-vmpath.txt)" 1
done
expect_eq $T/vmpath_text_vm "$(grep -c "^  vm qemu $QPID:" $VNS_OUT/virt-vmpath.txt)" 1
expect_eq $T/vmpath_text_drops "$(grep -c "^  drops on $L2_TAP: $(view_sum $VNS_OUT/virt-drops.txt dev=$L2_TAP)\$" $VNS_OUT/virt-vmpath.txt)" 1

# --- 1b. details: netem delays what goes to the VM; only the replies are listed -----------------
# (a 200 ms delay against a 100 ms threshold: a stall of the emulator must not reach either)
# (what waits, read without blocking: no clock that a slow guest could run out of)
read_events() {
  dd if=$VNS_PROC/events of="$1.raw" iflag=nonblock bs=65536 status=none 2>/dev/null
  grep -v '^#' "$1.raw" > "$1"; true
}
field() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"; }
phase "details"
ctl disable latency
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp threshold=100ms ||
  fail $T/details_enable "enable latency threshold=100ms"
# (lat_missed: the latency probes' hits the kprobe layer missed, a hit on a CPU already in a
# kprobe handler, e.g. an interrupt taken in one; the kernel counts each: a reply whose hit was
# missed has no event, seen once on 6.1 as tun_net_xmit missed=1 and 9 events for 10 replies)
lat_missed() { awk '$1 == "collector=latency" { for (i = 2; i <= NF; i++) if ($i ~ /^missed=/) { sub("missed=", "", $i); s += $i } } END { print s + 0 }' $P; }
if tc qdisc add dev $L2_TAP root netem delay 200ms; then
  m0=$(lat_missed)
  l2_run -t 120 "ping -c $ND -i 0.2 $L2_FAR_IP" > $VNS_OUT/virt-ping-delayed.txt
  sleep 0.3
  read_events $VNS_OUT/virt-details.txt
  keep $VNS_PROC/status details-status
  keep $P details-probes
  info "details: latency probes missed: $(awk '/collector=latency/ && !/missed=0 / { for (i = 1; i <= NF; i++) if ($i ~ /^(probe|missed)=/) printf "%s ", $i }' $P)"
  tc qdisc del dev $L2_TAP root
  E=$VNS_OUT/virt-details.txt
  keep $V details
  sed 's/^/    | /' $E | cut -c1-200
  got=$(ping_got $VNS_OUT/virt-ping-delayed.txt)
  expect_eq $T/details_replies "$got" $ND
  expect_range $T/details_rtt_min_ms "$(ping_min_ms $VNS_OUT/virt-ping-delayed.txt)" 200 5000
  miss=$(( $(lat_missed) - m0 ))
  expect_range $T/details_count "$(wc -l < $E)" $((got - miss)) "$got"
  expect_range $T/details_only_replies "$(grep -c " dir=tx family=ipv4 proto=icmp src=$L2_FAR_IP dst=$L2_IP type=0 " $E)" $((got - miss)) "$got"
  expect_eq $T/details_missed_few "$(( miss <= 2 ))" 1
  expect_eq $T/details_no_requests "$(grep -c ' dir=rx ' $E)" 0
  expect_eq $T/details_slow "$(field $E slow | sort -u | tr '\n' ' ')" "VNET_QDISC_ENQ->VNET_QDISC_DEQ "
  expect_eq $T/details_last_hop "$(awk '{ print $NF }' $E | cut -d, -f1,2 | sort -u | sed 's/^hop[0-9]*=//')" "VNET_TX,$L2_TAP"
  expect_range $T/details_slow_us_min "$(field $E slow_us | sort -n | head -1)" 200000 5000000
else
  fail $T/netem "tc qdisc add dev $L2_TAP root netem"
fi
ctl disable latency
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp

# --- vhost-net's busy polling (poll-us=$L2_POLL_US): tests/vm/virt-vhostpoll.sh ------------------
phase "vhost busy poll"
virt_vhostpoll $T

# --- 2. TUN ring full on one queue: qemu stopped, a one-flow flood toward the guest --------------
phase "ring full"
flood=$((3 * txqlen))       # more than the guest's free RX buffers and the ring together
cp $TUN $VNS_OUT/virt-tun-before.txt
B=$VNS_OUT/virt-tun-before.txt
ctl reset drops
elost0=$(view_get $VNS_PROC/status events_lost collector=tun)
tdrop0=$(tapstat tx_dropped) ttx0=$(tapstat tx_packets)
brx0=$(cat /sys/class/net/$L2_PHY/statistics/rx_packets)
kill -STOP $QPID
ip netns exec $L2_FAR_NS "$VNS_TESTBIN/udpsend" $L2_FAR_IP 41000 $L2_IP 9 $flood > /dev/null ||
  fail $T/flood_send "udpsend in $L2_FAR_NS"
sleep 1
# qemu is stopped: nothing moves until SIGCONT; the views and vmpath at one moment
cp $TUN $VNS_OUT/virt-tun-full.txt; cp $VH $VNS_OUT/virt-vhost-full.txt; cp $KV $VNS_OUT/virt-kvm-full.txt
cp $VNS_DBG/drops $VNS_OUT/virt-drops-full.txt
elost=$(( $(view_get $VNS_PROC/status events_lost collector=tun) - elost0 ))
"$VNS_CLI" vmpath --dev $L2_TAP --json --no-enable > $VNS_OUT/virt-vmpath-full.json 2>&1
"$VNS_CLI" vmpath --dev $L2_TAP --no-enable > $VNS_OUT/virt-vmpath-full.txt 2>&1
vrc=$?
tdrop=$(( $(tapstat tx_dropped) - tdrop0 )) ttx=$(( $(tapstat tx_packets) - ttx0 ))
brx=$(( $(cat /sys/class/net/$L2_PHY/statistics/rx_packets) - brx0 ))
F=$VNS_OUT/virt-tun-full.txt
grep "dev=$L2_TAP " $F | cut -c1-400 | sed 's/^/    | /'
sed 's/^/    | /' $VNS_OUT/virt-vmpath-full.txt
# d FIELD Q: FIELD's growth on tap0's queue Q over the flood
d() { echo $(( $(view_get $F "$1" dev=$L2_TAP queue="$2") - $(view_get $B "$1" dev=$L2_TAP queue="$2") )); }
fq= other=
for q in 0 1; do
  if [ "$(d drop_ring_full $q)" -gt 0 ]; then fq="$fq$q"; else other="$other$q"; fi
done
info "flood of $flood: b0 received $brx; tap0 tx +$ttx tx_dropped +$tdrop; ring full on queue(s) '${fq}', ring $txqlen"
expect_eq $T/flood_b0_rx "$brx" "$flood"
expect_eq $T/flood_one_queue "${#fq}" 1
if [ ${#fq} = 1 ]; then
  expect_eq $T/ring_full_eq_tx_dropped "$(d drop_ring_full $fq)" "$tdrop"
  # each datagram was queued or dropped (tap0's own tx_packets counts what its reader took:
  # vhost holds a batch of the queued ones between the ring and the guest; compared after
  # SIGCONT, below)
  expect_eq $T/flood_queued_or_dropped "$(( $(d tx_packets $fq) + $(d drop_ring_full $fq) ))" "$brx"
  expect_eq $T/flood_no_other_cause "$(d drop_no_queue $fq) $(d drop_filter $fq) $(d drop_other $fq)" "0 0 0"
  expect_eq $T/flood_other_queue_still "$(d tx_packets $other) $(d drop_ring_full $other) $(d drop_no_queue $other) $(d drop_filter $other) $(d drop_other $other)" "0 0 0 0 0"
  expect_eq $T/fill_max_eq_ring "$(view_get $F fill_max dev=$L2_TAP queue=$fq)" "$txqlen"
  expect_eq $T/ring_size_eq_txqlen "$(view_get $F ring_size dev=$L2_TAP queue=$fq)" "$txqlen"
  # the drop collector saw each of them, on tap0
  expect_eq $T/drops_on_tap "$(view_sum $VNS_OUT/virt-drops-full.txt dev=$L2_TAP)" "$tdrop"
  # the drop collector's entries carry the queue: all on the full one, none on the other
  DF=$VNS_OUT/virt-drops-full.txt
  expect_eq $T/drops_on_full_queue "$(view_sum $DF dev=$L2_TAP queue=$fq)" "$tdrop"
  # (6.0+: the skb's drop reason; 4.19, 5.10 have none)
  if [ "$(view_get $DF reason dev=$L2_TAP | sort -u)" != - ]; then
    expect_eq $T/drops_full_ring_reason "$(view_sum $DF dev=$L2_TAP queue=$fq reason=FULL_RING)" "$tdrop"
  fi
  expect_eq $T/drops_on_other_queue "$(view_sum $VNS_OUT/virt-drops-full.txt dev=$L2_TAP queue=$other)" 0
  # the tun collector's event table: each drop kept (the flow, the queue, the ring full) or
  # counted as overwritten
  ev="ifname=$L2_TAP txq=$fq fill=$txqlen ring_size=$txqlen family=ipv4 proto=udp src=$L2_FAR_IP dst=$L2_IP sport=41000 dport=9"
  nev=$(view_count $F event=ring_full $ev)
  info "ring-full events kept $nev, overwritten $elost (capacity $(view_get $VNS_PROC/status event_capacity collector=tun) a CPU)"
  expect_eq $T/events_kept_or_lost "$(( nev + elost ))" "$tdrop"
  expect_eq $T/events_only_this_flow "$(grep -c '^event=' $F)" "$nev"
  expect_range $T/events_kept "$nev" 1 "$tdrop"
fi
vmpath_check vmpath_full $VNS_OUT/virt-vmpath-full.json $F $VNS_OUT/virt-vhost-full.txt \
  $VNS_OUT/virt-kvm-full.txt "$(view_sum $VNS_OUT/virt-drops-full.txt dev=$L2_TAP)"
expect_eq $T/vmpath_full_text "$vrc $(grep -c "^  drops on $L2_TAP: $tdrop\$" $VNS_OUT/virt-vmpath-full.txt)" "0 1"
kill -CONT $QPID
# the guest drains what its ring kept and answers again (3 replies, up to 60 s)
ip netns exec $L2_FAR_NS ping -c 3 -i 0.5 -w 60 $L2_IP > $VNS_OUT/virt-ping-after.txt 2>&1
sed 's/^/    | /' $VNS_OUT/virt-ping-after.txt | tail -n 3
expect_eq $T/ping_after_cont "$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $VNS_OUT/virt-ping-after.txt)" 3
# everything queued reached the guest: the queues' transmits since before the flood (the flood's
# queued datagrams, the far end's echo requests) = what tap0's reader took meanwhile
sleep 1
cp $TUN $VNS_OUT/virt-tun-after.txt
ttx=$(( $(tapstat tx_packets) - ttx0 ))
expect_eq $T/queued_all_read "$(( $(vsum $VNS_OUT/virt-tun-after.txt tx_packets dev=$L2_TAP) - $(vsum $B tx_packets dev=$L2_TAP) ))" "$ttx"

# --- 3. busy poll in the guest (tests/vm/virt-busy.sh), then the collectors' cost to it ---------
# (L2's kernel and vnetscope build are the same on every L1, and vhost only carries the flood:
# tests/vm/run.sh gives VNS_VIRT_BUSY=1 on one L1 kernel, 6.12 by default, or on all of them)
if [ "${VNS_VIRT_BUSY:-0}" = 1 ]; then
  phase "busy poll in L2"
  virt_busy $T
else
  info "busy poll in L2: not on this L1 (tests/vm/run.sh's VNS_VIRT_BUSY, default 6.12)"
fi
phase "cost"
virt_cost $T
# as before the cost rounds: everything on, latency on the VM path
for c in drops tun vhost kvm; do ctl enable $c; done
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp

# --- L2 down -------------------------------------------------------------------------------------
phase "L2 down"
# (the collectors were re-enabled after the cost rounds: 2 pings from each CPU give every
# virtqueue and GSI an entry again, whose counters the guest's power-off must keep)
for c in 0 1; do
  l2_run -t 60 "taskset -c $c ping -q -c 2 -i 0.2 $L2_FAR_IP" > $VNS_OUT/virt-ping-last$c.txt
done
expect_eq $T/last_ping_replies "$(ping_got $VNS_OUT/virt-ping-last0.txt) $(ping_got $VNS_OUT/virt-ping-last1.txt)" "2 2"
expect_eq $T/l2_dmesg_clean "$(l2_run 'dmesg | grep -cE "BUG:|WARNING:|Oops|Call Trace"')" 0
VL=$VNS_OUT/virt-vhost-last.txt
cp $VH $VL
kvm_entries=$(st kvm entries)
info "before the guest goes: vhost entries $(st vhost entries), kvm entries $kvm_entries"
expect_eq $T/vhost_entries_last "$(st vhost entries) $(view_count $VL gone=0)" "$((2 * L2_QUEUES)) $((2 * L2_QUEUES))"
l2_stop
expect_eq $T/l2_poweroff "$L2_STOP" clean
expect_eq $T/l2_console_clean "$(l2_splat)" ""
expect_eq $T/vhost_worker_gone "$(l2_vhost_tids | wc -l)" 0
# the VM's last reference may go after qemu's exit (an irqfd's cleanup work)
for _ in $(seq 50); do [ "$(st kvm gone)" = "$(st kvm entries)" ] && break; sleep 0.2; done
keep $VNS_PROC/status gone-status
keep $VH vhost-gone
keep $KV kvm-gone
VG=$VNS_OUT/views/$VNS_SCENARIO-vhost-gone.txt KG=$VNS_OUT/views/$VNS_SCENARIO-kvm-gone.txt
grep -E 'collector=(vhost|kvm) ' $VNS_PROC/status | sed 's/^/    | /'
# kept for readers, marked gone: they never match again, the next device or VM starts anew
expect_eq $T/vhost_entries_kept "$(st vhost entries)" $((2 * L2_QUEUES))
expect_eq $T/vhost_gone "$(st vhost gone)" $((2 * L2_QUEUES))
expect_eq $T/vhost_evicted "$(st vhost evicted)" $((2 * L2_QUEUES))
expect_eq $T/vhost_records_gone "$(view_count $VG gone=1) $(view_count $VG gone=0)" "$((2 * L2_QUEUES)) 0"
expect_eq $T/vhost_gone_qemu_pid "$(view_get $VG qemu_pid | sort -u)" "$QPID"
# each virtqueue's record keeps its last packets (keyed by its socket and direction)
bad=0
for sk in $(view_get $VL sock | sort -u); do
  for dir in rx tx; do
    [ "$(view_get $VG packets sock="$sk" dir=$dir)" = "$(view_get $VL packets sock="$sk" dir=$dir)" ] || bad=$((bad + 1))
  done
done
expect_eq $T/vhost_gone_packets_per_vq "$bad" 0
expect_eq $T/vhost_gone_packets "$(vsum $VG packets)" "$(vsum $VL packets)"
expect_eq $T/kvm_entries_gone "$(st kvm gone)" "$(st kvm entries)"
expect_range $T/kvm_evicted "$(st kvm evicted)" "$kvm_entries" 100000
expect_eq $T/kvm_records_gone "$(view_count $KG gone=0)" 0
expect_eq $T/kvm_gone_vm_pid "$(view_get $KG pid type=vm)" "$QPID"

# --- 4. the modules go while the collectors are on, and come back --------------------------------
phase "modules"
l2_net_down
expect_eq $T/lat_on "$(lat_status state)" on
for m in vhost_net tun; do
  rmmod $m 2>/dev/null
  expect_eq $T/${m}_gone "$(grep -c "^$m " /proc/modules)" 0
done
expect_eq $T/tun_probe_waiting_after_rmmod "$(pstate latency tun_net_xmit)" waiting
expect_eq $T/tun_coll_waiting_after_rmmod "$(pstate tun tun_net_xmit)" waiting
expect_eq $T/vhost_waiting_after_rmmod "$(pstate vhost handle_rx)" waiting
keep $P probes-rmmod
modprobe tun && modprobe vhost_net
expect_eq $T/tun_probe_reattached "$(pstate latency tun_net_xmit)" attached
expect_eq $T/tun_coll_reattached "$(pstate tun tun_net_xmit)" attached
expect_eq $T/vhost_reattached "$(pstate vhost handle_rx)" attached
rmmod vhost_net tun
expect_eq $T/tun_probe_waiting_again "$(pstate latency tun_net_xmit)" waiting
rmmod kvm_amd kvm 2>/dev/null
expect_eq $T/kvm_gone "$(grep -cE '^kvm(_amd)? ' /proc/modules)" 0
expect_eq $T/kvm_waiting_after_rmmod "$(pstate kvm irqfd_wakeup)" waiting
modprobe kvm_amd
expect_eq $T/kvm_reattached "$(pstate kvm irqfd_wakeup)" attached
expect_eq $T/kvm_state_on "$(view_get $VNS_PROC/status state collector=kvm)" on
rmmod kvm_amd kvm
# vnetscope after them: tun, vhost_net and kvm loaded first, the probes attach at enable
for c in latency drops tun vhost kvm; do ctl disable $c; done
unload_vns || fail $T/unload "rmmod vnetscope"
modprobe -a tun vhost_net kvm_amd
load_vns || exit 1
for c in drops tun vhost kvm; do ctl enable $c; done
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp
expect_eq $T/after_modules_attached "$(pstate latency tun_net_xmit) $(pstate tun tun_net_xmit) $(pstate vhost handle_rx) $(pstate kvm irqfd_wakeup)" \
  "attached attached attached attached"
keep $P probes-after
for c in latency drops tun vhost kvm; do ctl disable $c; done
unload_vns || fail $T/unload2 "rmmod vnetscope"
rmmod vhost_net vhost vhost_iotlb tun kvm_amd kvm 2>/dev/null
dmesg_clean $T/dmesg_clean
phase "done"
