# tests/vm/virt-busy.sh: issue 13's scenario 3, "busy poll steals from the interrupt", inside
# the nested guest of tests/vm/l2.sh; source after l2.sh, call virt_busy T while L2 runs.
#
# vnetscope (L2's own build, /vns/vnetscope.ko) is loaded in L2 with the virtio collector on.
# The far end (netns vns_f) floods L2's eth0 over br0, tap0 and vhost-net, twice:
#   a. a plain receiver: every virtnet_poll call comes from net_rx_action (softirq), none from
#      napi_busy_loop, and the polls' packets sum to eth0's rx_packets delta;
#   b. a receiver whose socket has SO_BUSY_POLL=50 with net.core.busy_read/busy_poll=50: polls
#      from napi_busy_loop appear, what they took is at most what the socket received, and the
#      sum is still eth0's rx_packets delta.
# In both, the receive queues' vring_interrupt count is their MSI-X lines' /proc/interrupts
# delta (plus what the probe missed, which the kprobe layer counts), and the IRQ_NONE share of
# each run is reported (and compared: the busy poller empties the ring before the interrupt).
# L2 has no vnetscope CLI (libnl is not in its initramfs): the text views are read there and
# parsed here, with the same view_get as everywhere.

# _vb_l2view NAME FILE: L2's /proc/vnetscope/NAME, kept in FILE
_vb_l2view() { l2_run "cat /proc/vnetscope/$1" > "$2"; }

# _vb_irqs VDEV: the /proc/interrupts total of VDEV's receive queues' lines (VDEV-input.N) in
# L2, all CPUs
_vb_irqs() {
  l2_run "cat /proc/interrupts" | awk -v n="$1-input." 'index($NF, n) == 1 {
    for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break } END { print s + 0 }'
}

# _vb_rxq FILE FIELD: the sum of FIELD over VB_VDEV's receive queues (name=input.N)
_vb_rxq() {
  awk -v v="vdev=${VB_VDEV#virtio}" -v f="$2" '$1 == "type=queue" {
    ok = 0; val = ""
    for (i = 2; i <= NF; i++) {
      if ($i == v) ok++
      if (index($i, "name=input.") == 1) ok++
      if (index($i, f "=") == 1) val = substr($i, length(f) + 2)
    }
    if (ok == 2) s += val } END { print s + 0 }' "$1"
}

# _vb_busy USEC: L2's net.core.busy_read and busy_poll
_vb_busy() { l2_run "echo $1 > /proc/sys/net/core/busy_read; echo $1 > /proc/sys/net/core/busy_poll"; }

_vb_rx() { l2_run "cat /sys/class/net/eth0/statistics/rx_packets"; }

# _vb_sum FILE FIELD KEY=VALUE...: the sum of FIELD over the matching records
_vb_sum() {
  local f=$1 k=$2; shift 2
  view_get "$f" "$k" "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# _vb_run T TAG N BUSY_US: one flood of N datagrams toward a receiver in L2 (BUSY_US 0: none)
# Sets VB_GOT (what the socket received), VB_RX (eth0's rx_packets delta), VB_IRQ (/proc's
# delta), VB_MISS (the vring_interrupt probe's missed delta); keeps the view in VB_VIEW.
_vb_run() {
  local t=$1 tag=$2 n=$3 busy=$4 rx0 rx1 i0 i1 m0 m1 opt= probes=$VNS_OUT/views/$VNS_SCENARIO-l2-probes-$2.txt
  [ "$busy" -gt 0 ] && opt="--busy-poll $busy"
  l2_run "echo reset virtio > /sys/kernel/debug/vnetscope/control" ||
    fail $t/${tag}_reset "reset in L2"
  _vb_l2view probes "$probes.0"
  m0=$(_vb_sum "$probes.0" missed collector=virtio probe=vring_interrupt)
  rx0=$(_vb_rx); i0=$(_vb_irqs "$VB_VDEV")
  l2_run "grep Udp: /proc/net/snmp" | sed "s/^/INFO L2 $tag before: /"
  l2_run "rm -f /tmp/vb.out; udpsend --recv 10.0.9.2 7000 10 $opt > /tmp/vb.out 2>&1 &
          for i in \$(seq 100); do grep -q ready /tmp/vb.out && exit 0; sleep 0.1; done; exit 1" ||
    fail $t/${tag}_receiver "no receiver in L2: $(l2_run cat /tmp/vb.out)"
  # paced in bursts: under nested TCG a flood at full speed is mostly dropped before L2
  for _ in $(seq $((n / 50))); do
    ip netns exec $L2_FAR_NS "$VNS_TESTBIN/udpsend" $L2_FAR_IP 4000 $L2_IP 7000 50 64 >/dev/null
    sleep 0.05
  done
  # the receiver ends after 10 s without a datagram (nested TCG on a loaded host can be that
  # slow to start the flood) and prints what it got
  VB_GOT=
  for _ in $(seq 150); do
    VB_GOT=$(l2_run "sed -n '2p' /tmp/vb.out")
    [ -n "$VB_GOT" ] && break
    sleep 0.5
  done
  rx1=$(_vb_rx); i1=$(_vb_irqs "$VB_VDEV")
  l2_run "grep Udp: /proc/net/snmp; cat /tmp/vb.out" | sed "s/^/INFO L2 $tag after: /"
  VB_VIEW=$VNS_OUT/views/$VNS_SCENARIO-l2-virtio-$tag.txt
  _vb_l2view virtio "$VB_VIEW"
  _vb_l2view probes "$probes.1"
  m1=$(_vb_sum "$probes.1" missed collector=virtio probe=vring_interrupt)
  VB_RX=$((rx1 - rx0)) VB_IRQ=$((i1 - i0)) VB_MISS=$((m1 - m0))
  sed 's/^/INFO L2 virtio: /' "$VB_VIEW" | grep 'dev=eth0'
}

# virt_busy T: the whole of scenario 3 (L2 running, $VNS_TESTBIN/udpsend in L1)
virt_busy() {
  local t=$1/busy n=1500 polls_a busy_a none_a irqs_a polls_b busy_b pbusy_b none_b irqs_b
  mkdir -p "$VNS_OUT/views"
  VB_VDEV=$(l2_run 'basename $(readlink /sys/class/net/eth0/device)')
  l2_run "insmod /vns/vnetscope.ko && echo enable virtio > /sys/kernel/debug/vnetscope/control" ||
    { fail $t/l2_load "insmod vnetscope.ko or enable virtio in L2"; return 1; }
  l2_run "grep collector=virtio /proc/vnetscope/probes" | sed 's/^/INFO L2 probes: /'
  l2_run "grep $VB_VDEV-input /proc/interrupts" | sed "s/^/INFO L2's eth0 is $VB_VDEV: /"
  _vb_busy 0

  # a. nobody busy-polls
  _vb_run $t plain $n 0
  polls_a=$(_vb_sum "$VB_VIEW" polls_softirq dev=eth0)
  busy_a=$(_vb_sum "$VB_VIEW" polls_busy dev=eth0)
  irqs_a=$(_vb_rxq "$VB_VIEW" irqs)
  none_a=$(_vb_rxq "$VB_VIEW" irq_none)
  echo "INFO plain: received $VB_GOT, rx_packets +$VB_RX, polls softirq $polls_a busy $busy_a," \
       "irqs $irqs_a (/proc +$VB_IRQ, missed +$VB_MISS), irq_none $none_a"
  expect_eq $t/plain_received "$(( VB_GOT > 0 ))" 1
  expect_eq $t/plain_packets_eq_rx "$(_vb_sum "$VB_VIEW" packets dev=eth0)" "$VB_RX"
  expect_eq $t/plain_softirq_polls "$(( polls_a > 0 ))" 1
  expect_eq $t/plain_no_busy_polls "$busy_a" 0
  expect_eq $t/plain_irqs_eq_proc "$(( irqs_a + VB_MISS ))" "$VB_IRQ"

  # b. a socket with SO_BUSY_POLL
  _vb_busy 50
  _vb_run $t busy $n 50
  _vb_busy 0
  polls_b=$(_vb_sum "$VB_VIEW" polls_softirq dev=eth0)
  busy_b=$(_vb_sum "$VB_VIEW" polls_busy dev=eth0)
  pbusy_b=$(_vb_sum "$VB_VIEW" packets_busy dev=eth0)
  irqs_b=$(_vb_rxq "$VB_VIEW" irqs)
  none_b=$(_vb_rxq "$VB_VIEW" irq_none)
  echo "INFO busy: received $VB_GOT, rx_packets +$VB_RX, polls softirq $polls_b busy $busy_b" \
       "(packets $pbusy_b), irqs $irqs_b (/proc +$VB_IRQ, missed +$VB_MISS), irq_none $none_b"
  echo "INFO IRQ_NONE share: plain $none_a/$irqs_a, busy $none_b/$irqs_b"
  expect_eq $t/busy_received "$(( VB_GOT > 0 ))" 1
  expect_eq $t/busy_packets_eq_rx "$(_vb_sum "$VB_VIEW" packets dev=eth0)" "$VB_RX"
  expect_eq $t/busy_polls_seen "$(( busy_b > 0 ))" 1
  expect_eq $t/busy_packets_le_received "$(( pbusy_b <= VB_GOT ))" 1
  expect_eq $t/busy_irqs_eq_proc "$(( irqs_b + VB_MISS ))" "$VB_IRQ"
  l2_run "echo disable virtio > /sys/kernel/debug/vnetscope/control; rmmod vnetscope" ||
    fail $t/l2_unload "rmmod vnetscope in L2"
}
