#!/bin/bash
# 98-virt: the virtualization layer on a real nested guest (issue 13). One L2 guest (Debian's
# 6.1 under KVM in this VM, virtio-net on the TAP tap0 with vhost=on: tests/vm/l2.sh) serves
# every part, in this order:
#   0. vnetscope loads before tun, vhost_net and kvm: its probes in tun wait for the module,
#      and attach when l2_start loads them.
#   1. A real guest's pings: the guest pings 10.0.9.1 (the far end behind the bridge br0) N
#      times; from its own ping output, the TAP's tx_packets delta equals the replies it got and
#      its rx_packets delta the requests it sent; vhost is in use (qemu holds /dev/vhost-net and
#      its worker vhost-<pid> ran). The latency collector's VM path (phy=b0 vm=tap0) counts
#      exactly the guest's requests (VNET_RX ... TX_XMIT) and the replies to it (PHY_RX ...
#      VNET_TX); in details mode, with netem delaying what goes to the VM, it lists only the
#      replies (the delayed flow), none of the requests.
#   (the tun/vhost and kvm/virtio collectors' parts go in the marked places)
#   4. After the guest is gone, `rmmod vhost_net` and `rmmod tun` with collectors on (latency
#      vm=tap0, drops): the probes detach (waiting), the modules reload and the probes
#      attach again; vnetscope loaded after tun, vhost_net and kvm attaches at once; no splat.
# vns-vm: nested timeout=900
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
. "$VNS_REPO/tests/vm/l2.sh"
T=virt
V=$VNS_PROC/latency
P=$VNS_PROC/probes
N=50          # baseline pings
ND=10         # pings of the details run
info() { echo "INFO $*"; }
phase() { echo "INFO ${SECONDS}s: $*"; }
pair() { view_get $V count type=pair from="$1" to="$2"; }
lat_status() { view_get $VNS_PROC/status "$1" collector=latency; }
pstate() { view_get $P state collector="$1" probe="$2"; }
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
trap l2_cleanup EXIT

# --- 0. vnetscope first, then tun, vhost_net and kvm ---------------------------------------------
rmmod vhost_net vhost vhost_iotlb tun kvm_amd kvm 2>/dev/null
for m in tun vhost_net kvm_amd; do
  grep -q "^$m " /proc/modules && info "$m stays loaded (busy or needed)"
done
load_vns || exit 1
ctl enable drops || fail $T/drops_enable "enable drops"
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp || { fail $T/lat_enable "enable latency"; exit 1; }
if ! grep -q '^tun ' /proc/modules; then
  expect_eq $T/tun_probe_waiting "$(pstate latency tun_net_xmit)" waiting
fi
phase "L2 start"
if ! l2_start; then
  fail $T/l2_start "the nested guest did not come up (see above, $VNS_OUT/l2-console.log)"
  exit 1
fi
pass $T/l2_start
info "L2 boot: ${L2_BOOT_S} s (qemu start to L2's shell), L2 kernel $(cat $VNS_L2/kver), L1 $VNS_KVER"
expect_eq $T/tun_probe_attached "$(pstate latency tun_net_xmit)" attached
expect_eq $T/l2_kernel "$(l2_run uname -r)" "$(cat $VNS_L2/kver)"
expect_eq $T/l2_eth0 "$(l2_run 'cat /sys/class/net/eth0/address')" $L2_MAC
# vhost is real: qemu holds /dev/vhost-net, and its worker "vhost-<qemu pid>" exists
expect_eq $T/vhost_fd "$(l2_vhost_fds)" 1
tids=$(l2_vhost_tids | tr '\n' ' ')
info "vhost worker(s) of qemu $L2_QEMU_PID: ${tids:-none}"
check $T/vhost_worker test -n "$tids"
keep $P probes-up

# --- tun/vhost collectors: enable here (98-virt-tun, the tunvhost branch) -----------------------
# --- kvm/virtio collectors: enable here (98-virt-kvm, the kvmvirtio branch; the guest side is
#     l2_run 'insmod /vns/vnetscope.ko' and its views read with l2_run cat) ------------------------

# --- 1. the guest's pings: TAP counters, vhost, the latency VM path ------------------------------
phase "pings"
ctl reset latency
tx0=$(tapstat tx_packets) rx0=$(tapstat rx_packets) sw0=$(vhost_switches)
l2_run -t 120 "ping -q -c $N -i 0.2 $L2_FAR_IP" > $VNS_OUT/virt-ping.txt
sed 's/^/    | /' $VNS_OUT/virt-ping.txt
sleep 0.2
tx=$(( $(tapstat tx_packets) - tx0 )) rx=$(( $(tapstat rx_packets) - rx0 )) sw=$(( $(vhost_switches) - sw0 ))
sent=$(ping_sent $VNS_OUT/virt-ping.txt) got=$(ping_got $VNS_OUT/virt-ping.txt)
keep $V ping
keep $VNS_PROC/status ping-status
sed 's/^/    | /' $V
info "guest: sent $sent, got $got replies; tap0: tx $tx rx $rx; vhost worker context switches +$sw"
expect_eq $T/ping_sent "$sent" $N
expect_eq $T/ping_replies "$got" $N
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
if tc qdisc add dev $L2_TAP root netem delay 200ms; then
  l2_run -t 120 "ping -c $ND -i 0.2 $L2_FAR_IP" > $VNS_OUT/virt-ping-delayed.txt
  sleep 0.3
  read_events $VNS_OUT/virt-details.txt
  keep $VNS_PROC/status details-status
  tc qdisc del dev $L2_TAP root
  E=$VNS_OUT/virt-details.txt
  keep $V details
  sed 's/^/    | /' $E | cut -c1-200
  got=$(ping_got $VNS_OUT/virt-ping-delayed.txt)
  expect_eq $T/details_replies "$got" $ND
  expect_range $T/details_rtt_min_ms "$(ping_min_ms $VNS_OUT/virt-ping-delayed.txt)" 200 5000
  expect_eq $T/details_count "$(wc -l < $E)" "$got"
  expect_eq $T/details_only_replies "$(grep -c " dir=tx family=ipv4 proto=icmp src=$L2_FAR_IP dst=$L2_IP type=0 " $E)" "$got"
  expect_eq $T/details_no_requests "$(grep -c ' dir=rx ' $E)" 0
  expect_eq $T/details_slow "$(field $E slow | sort -u | tr '\n' ' ')" "VNET_QDISC_ENQ->VNET_QDISC_DEQ "
  expect_eq $T/details_last_hop "$(awk '{ print $NF }' $E | cut -d, -f1,2 | sort -u | sed 's/^hop[0-9]*=//')" "VNET_TX,$L2_TAP"
  expect_range $T/details_slow_us_min "$(field $E slow_us | sort -n | head -1)" 200000 5000000
else
  fail $T/netem "tc qdisc add dev $L2_TAP root netem"
fi
ctl disable latency
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp

# --- tun/vhost collectors' assertions on the pings above (98-virt-tun) ---------------------------
# --- kvm/virtio collectors' assertions on the pings above (98-virt-kvm) --------------------------

# --- flood and busy-poll phases (scenarios 2 and 3; tunvhost, kvmvirtio): here, L2 still up -----
#   A busy-polling receiver in L2 and a flood toward it from the far end, for example:
#     l2_run 'sysctl -qw net.core.busy_poll=50
#       udpsend --recv 10.0.9.2 7000 3 --busy-poll 50 > /tmp/bp.txt 2>&1 &'
#     ip netns exec $L2_FAR_NS "$VNS_TESTBIN/udpsend" $L2_FAR_IP 41000 $L2_IP 7000 0 --seconds 5
#     l2_run 'sleep 4; cat /tmp/bp.txt'          ("ready", then the datagrams received)
#   The module inside L2 (the test build for L2's kernel): l2_run 'insmod /vns/vnetscope.ko',
#   its views with l2_run 'cat /proc/vnetscope/...', its control with l2_run 'echo ... > ...'.

# --- L2 down -------------------------------------------------------------------------------------
phase "L2 down"
expect_eq $T/l2_dmesg_clean "$(l2_run 'dmesg | grep -cE "BUG:|WARNING:|Oops|Call Trace"')" 0
l2_stop
expect_eq $T/l2_poweroff "$L2_STOP" clean
expect_eq $T/l2_console_clean "$(l2_splat)" ""
expect_eq $T/vhost_worker_gone "$(l2_vhost_tids | wc -l)" 0

# --- 4. the modules go while the collectors are on, and come back --------------------------------
phase "modules"
l2_net_down
expect_eq $T/lat_on "$(lat_status state)" on
for m in vhost_net tun; do
  rmmod $m 2>/dev/null
  expect_eq $T/${m}_gone "$(grep -c "^$m " /proc/modules)" 0
done
expect_eq $T/tun_probe_waiting_after_rmmod "$(pstate latency tun_net_xmit)" waiting
keep $P probes-rmmod
modprobe tun && modprobe vhost_net
expect_eq $T/tun_probe_reattached "$(pstate latency tun_net_xmit)" attached
rmmod vhost_net tun
expect_eq $T/tun_probe_waiting_again "$(pstate latency tun_net_xmit)" waiting
rmmod kvm_amd kvm 2>/dev/null
expect_eq $T/kvm_gone "$(grep -cE '^kvm(_amd)? ' /proc/modules)" 0
# vnetscope after them: tun, vhost_net and kvm loaded first, the probes attach at enable
ctl disable latency
ctl disable drops
unload_vns || fail $T/unload "rmmod vnetscope"
modprobe -a tun vhost_net kvm_amd
load_vns || exit 1
ctl enable drops
ctl enable latency phy=$L2_PHY vm=$L2_TAP proto=icmp
expect_eq $T/after_modules_attached "$(pstate latency tun_net_xmit)" attached
keep $P probes-after
ctl disable latency
ctl disable drops
unload_vns || fail $T/unload2 "rmmod vnetscope"
rmmod vhost_net vhost vhost_iotlb tun kvm_amd kvm 2>/dev/null
dmesg_clean $T/dmesg_clean
phase "done"
