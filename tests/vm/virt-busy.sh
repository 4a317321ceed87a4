# SPDX-License-Identifier: GPL-2.0
# tests/vm/virt-busy.sh: issue 13's scenario 3, "busy poll steals from the interrupt", inside
# the nested guest of tests/vm/l2.sh; source after l2.sh, call virt_busy T while L2 runs.
#
# vnetscope (L2's own build, /vns/vnetscope.ko) is loaded in L2 with the virtio collector on.
# The far end (netns vns_f) floods L2's eth0 over br0, tap0 and vhost-net, twice:
#   a. a plain receiver: every virtnet_poll call comes from net_rx_action (softirq), none from
#      napi_busy_loop, and the polls' packets sum to eth0's rx_packets delta;
#   b. a receiver whose socket has SO_BUSY_POLL=50 with net.core.busy_read/busy_poll=50: polls
#      from napi_busy_loop appear, what they took is at most what the socket received, and the
#      sum is still eth0's rx_packets delta; and the IRQ_NONE share rises.
# vring_interrupt returns IRQ_NONE when the ring has nothing new: something read it between
# vhost's signal and the handler. This VM has one CPU, so while vhost's worker runs no vCPU of
# L2 does, and a vCPU takes a pending interrupt as soon as it runs again: only another vCPU can
# read the ring in between. So the layout is fixed: the receive queues' interrupts go to L2's
# CPU 0 (/proc/irq/N/smp_affinity_list), the receiver runs on CPU 1 (taskset). A plain
# receiver leaves the ring to the interrupt's NAPI on CPU 0; a busy-polling one reads it from
# CPU 1, and when it runs after vhost's signal and before vCPU 0 took the interrupt, the
# handler finds nothing: IRQ_NONE. (Left to the scheduler, the receiver mostly runs on the
# CPU whose NAPI wakes it, where no IRQ_NONE can happen: 0 of 259 with the 4.19 test VM.)
# Asserted: IRQ_NONE in the busy run, and its share of the interrupts above the plain run's.
# Each run's figures are exact and checked against the kernel's own counts in L2: per receive
# queue, vring_interrupt's calls = its MSI-X line's /proc/interrupts delta and its IRQ_NONE
# returns = the irq:irq_handler_exit tracepoint's ret=0 (IRQ_NONE) hits on that line (a hist
# trigger), both less what the kretprobe missed (the kprobe layer counts it: 0 expected).
# L2 has no vnetscope CLI (libnl is not in its initramfs): the text views are read there and
# parsed here, with the same view_get as everywhere.

VB_N=${VB_N:-1500}          # datagrams a flood, in bursts of 50
VB_IDLE=${VB_IDLE:-2}       # the receiver ends VB_IDLE s after the last datagram (waiting up to
                            # 60 s for the first: nested TCG on a loaded host starts slowly)
VB_HIST=/sys/kernel/tracing/events/irq/irq_handler_exit

# _vb_sum FILE FIELD KEY=VALUE...: the sum of FIELD over the matching records
_vb_sum() {
  local f=$1 k=$2; shift 2
  view_get "$f" "$k" "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# _VB_STATE: L2's commands that print its eth0 rx_packets, then /proc/interrupts, then the hist
# trigger's counts, "@@" between them; _vb_state FILE parses their output (stdin) into FILE:
# L2's eth0 rx_packets, then per receive queue's line "irq IRQ total N none M" (/proc/interrupts
# over all CPUs; the hist trigger's IRQ_NONE hits)
_VB_STATE="cat /sys/class/net/eth0/statistics/rx_packets; echo @@; cat /proc/interrupts; echo @@
          cat $VB_HIST/hist"
_vb_state() {
  awk -v n="$VB_VDEV-input." '
    $0 == "@@" { part++; next }
    part == 0 { print "rx " $1; next }
    part == 1 && index($NF, n) == 1 {
      irq = $1; sub(":", "", irq); s = 0
      for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break
      tot[irq] = s; next }
    part == 2 && /hitcount:/ {
      # { irq:         27, ret:          0 } hitcount:         12
      line = $0; gsub(/[{},:]/, " ", line); split(line, w, " ")
      for (i = 1; i in w; i++) {
        if (w[i] == "irq") q = w[i + 1]
        if (w[i] == "ret") r = w[i + 1]
        if (w[i] == "hitcount") h = w[i + 1]
      }
      if (r == 0) none[q] += h }
    END { for (q in tot) print "irq " q " total " tot[q] " none " (none[q] + 0) }' > "$1"
}

# _vb_part FILE NAME: the lines of FILE between the line "@@NAME" and the next "@@<NAME>" line
# (the sections of one l2_run's output; every l2_run is a round trip through L2's console,
# seconds under nested TCG, so each step's reads share one)
_vb_part() { awk -v m="@@$2" '/^@@[A-Z0-9]+$/ { on = ($0 == m); next } on' "$1"; }

# _vb_run T TAG BUSY_US: one flood of VB_N datagrams toward a receiver on L2's CPU 1 (BUSY_US
# 0: none). Sets VB_GOT (what the socket received), VB_RX (eth0's rx_packets delta), VB_MISS
# (the vring_interrupt probe's missed delta); keeps the view in VB_VIEW, L2's counts before and
# after in VB_S0 and VB_S1 (_vb_state).
_vb_run() {
  local t=$1 tag=$2 busy=$3 m0 m1 opt= out probes=$VNS_OUT/views/$VNS_SCENARIO-l2-probes-$2.txt
  [ "$busy" -gt 0 ] && opt="--busy-poll $busy"
  VB_S0=$VNS_OUT/virt-busy-$tag.state0 VB_S1=$VNS_OUT/virt-busy-$tag.state1
  out=$VNS_OUT/virt-busy-$tag.l2
  # the reset, then the probes (their missed count) and L2's counts before the flood
  l2_run "echo @@RESET; echo reset virtio > /sys/kernel/debug/vnetscope/control && echo ok
          echo @@PROBES; cat /proc/vnetscope/probes; echo @@STATE; $_VB_STATE" > "$out.0"
  [ "$(_vb_part "$out.0" RESET)" = ok ] || fail $t/${tag}_reset "reset in L2"
  _vb_part "$out.0" PROBES > "$probes.0"
  _vb_part "$out.0" STATE | _vb_state "$VB_S0"
  m0=$(_vb_sum "$probes.0" missed collector=virtio probe=vring_interrupt)
  l2_run "rm -f /tmp/vb.out; taskset -c 1 udpsend --recv $L2_IP 7000 $VB_IDLE $opt --first 60 > /tmp/vb.out 2>&1 &
          for i in \$(seq 100); do grep -q ready /tmp/vb.out && exit 0; sleep 0.1; done; exit 1" ||
    fail $t/${tag}_receiver "no receiver in L2: $(l2_run cat /tmp/vb.out)"
  # paced in bursts of 50 (under nested TCG a flood at full speed is mostly dropped before
  # L2), from one shell in the far end's netns
  echo "INFO ${SECONDS}s: $tag: flood"
  ip netns exec $L2_FAR_NS sh -c "for i in \$(seq $((VB_N / 50))); do
      '$VNS_TESTBIN/udpsend' $L2_FAR_IP 4000 $L2_IP 7000 50 64 >/dev/null; sleep 0.05; done"
  # the receiver prints what it got VB_IDLE s after the last datagram
  echo "INFO ${SECONDS}s: $tag: flood sent"
  VB_GOT=
  for _ in $(seq 150); do
    VB_GOT=$(l2_run "sed -n '2p' /tmp/vb.out")
    [ -n "$VB_GOT" ] && break
    sleep 0.3
  done
  echo "INFO ${SECONDS}s: $tag: the receiver got $VB_GOT"
  VB_VIEW=$VNS_OUT/views/$VNS_SCENARIO-l2-virtio-$tag.txt
  # L2's counts after it, its UDP counters and the receiver's output, the view, the probes
  l2_run "echo @@STATE; $_VB_STATE; echo @@UDP; grep Udp: /proc/net/snmp; cat /tmp/vb.out
          echo @@VIEW; cat /proc/vnetscope/virtio; echo @@PROBES; cat /proc/vnetscope/probes" > "$out.1"
  _vb_part "$out.1" STATE | _vb_state "$VB_S1"
  _vb_part "$out.1" UDP | sed "s/^/INFO L2 $tag after: /"
  _vb_part "$out.1" VIEW > "$VB_VIEW"
  _vb_part "$out.1" PROBES > "$probes.1"
  m1=$(_vb_sum "$probes.1" missed collector=virtio probe=vring_interrupt)
  VB_RX=$(( $(awk '$1 == "rx" { print $2 }' "$VB_S1") - $(awk '$1 == "rx" { print $2 }' "$VB_S0") ))
  VB_MISS=$((m1 - m0))
  sed 's/^/INFO L2 virtio: /' "$VB_VIEW" | grep 'dev=eth0'
}

# l2_irq_q IRQ: the receive queue (N of input.N) whose line IRQ is
l2_irq_q() { awk -v i="$1:" '$1 == i { n = $NF; sub(/.*-input\./, "", n); print n }' "$VNS_OUT/virt-busy-irqs.txt"; }

# _vb_delta IRQ FIELD: FIELD (total, none) of IRQ's line over the last run
_vb_delta() {
  echo $(( $(awk -v q="$1" -v f="$2" '$1 == "irq" && $2 == q { for (i = 3; i < NF; i++) if ($i == f) print $(i + 1) }' "$VB_S1") -
           $(awk -v q="$1" -v f="$2" '$1 == "irq" && $2 == q { for (i = 3; i < NF; i++) if ($i == f) print $(i + 1) }' "$VB_S0") ))
}

# _vb_check T TAG: the run's figures against L2's own counts, per receive queue (exact; with
# kretprobe misses, which the kprobe layer counts over all queues, within them); sets VB_IRQS_N
# and VB_NONE_N (vring_interrupt's calls and IRQ_NONE returns, all receive queues)
_vb_check() {
  local t=$1 tag=$2 irq q qi qn pi pn spi=0 spn=0
  VB_IRQS_N=0 VB_NONE_N=0
  for irq in $VB_IRQS; do
    q=$(l2_irq_q "$irq")
    # (a queue without an interrupt in this run has no record: 0 and 0)
    qi=$(_vb_sum "$VB_VIEW" irqs irq="$irq" dev=eth0) qn=$(_vb_sum "$VB_VIEW" irq_none irq="$irq" dev=eth0)
    pi=$(_vb_delta "$irq" total) pn=$(_vb_delta "$irq" none)
    echo "INFO $tag: input.$q (irq $irq): vring_interrupt $qi (IRQ_NONE $qn); /proc/interrupts +$pi, irq_handler_exit IRQ_NONE +$pn"
    if [ "$VB_MISS" = 0 ]; then
      expect_eq $t/${tag}_q${q}_irqs_eq_proc "$qi" "$pi"
      expect_eq $t/${tag}_q${q}_none_eq_tracepoint "$qn" "$pn"
    else
      expect_range $t/${tag}_q${q}_irqs_eq_proc "$qi" $((pi - VB_MISS)) "$pi"
      expect_range $t/${tag}_q${q}_none_eq_tracepoint "$qn" $((pn - VB_MISS)) "$pn"
    fi
    VB_IRQS_N=$((VB_IRQS_N + qi)) VB_NONE_N=$((VB_NONE_N + qn)) spi=$((spi + pi)) spn=$((spn + pn))
  done
  expect_eq $t/${tag}_irqs_eq_proc "$(( VB_IRQS_N + VB_MISS ))" "$spi"
  expect_range $t/${tag}_none_eq_tracepoint "$VB_NONE_N" $((spn - VB_MISS)) "$spn"
}

# virt_busy T: the whole of scenario 3 (L2 running, $VNS_TESTBIN/udpsend in L1)
virt_busy() {
  local t=$1/busy irq polls_a busy_a none_a irqs_a polls_b busy_b pbusy_b none_b irqs_b hist
  mkdir -p "$VNS_OUT/views"
  # (one round trip: the device, vnetscope in, its probes, the receive queues' lines)
  l2_run 'd=$(basename $(readlink /sys/class/net/eth0/device)); echo @@VDEV; echo $d; echo @@LOAD
          insmod /vns/vnetscope.ko && echo enable virtio > /sys/kernel/debug/vnetscope/control &&
            echo ok; echo @@PROBES; grep collector=virtio /proc/vnetscope/probes
          echo @@IRQS; grep "$d-input" /proc/interrupts' > "$VNS_OUT/virt-busy-setup.l2"
  VB_VDEV=$(_vb_part "$VNS_OUT/virt-busy-setup.l2" VDEV)
  [ "$(_vb_part "$VNS_OUT/virt-busy-setup.l2" LOAD)" = ok ] ||
    { fail $t/l2_load "insmod vnetscope.ko or enable virtio in L2"; return 1; }
  _vb_part "$VNS_OUT/virt-busy-setup.l2" PROBES | sed 's/^/INFO L2 probes: /'
  # the receive queues' lines: their interrupts to CPU 0; the tracepoint's counts per line
  _vb_part "$VNS_OUT/virt-busy-setup.l2" IRQS > "$VNS_OUT/virt-busy-irqs.txt"
  VB_IRQS=$(awk '{ sub(":", "", $1); print $1 }' "$VNS_OUT/virt-busy-irqs.txt" | tr '\n' ' ')
  expect_eq $t/l2_rx_irqs "$(echo $VB_IRQS | wc -w)" "$L2_QUEUES"
  # shellcheck disable=SC2086  # a word list
  hist="hist:keys=irq,ret if $(echo $VB_IRQS | sed 's/\([0-9][0-9]*\)/irq == \1/g; s/ \([a-z]\)/ || \1/g')"
  # (one round trip: the affinities, what they are now, the hist trigger, no busy polling)
  l2_run "for i in $VB_IRQS; do echo 0 > /proc/irq/\$i/smp_affinity_list && echo @@AFF\$i; done
          echo @@INFO; grep $VB_VDEV-input /proc/interrupts
          for i in $VB_IRQS; do echo irq \$i to CPU \$(cat /proc/irq/\$i/smp_affinity_list); done
          echo '$hist' > $VB_HIST/trigger && echo @@HIST
          echo 0 > /proc/sys/net/core/busy_read; echo 0 > /proc/sys/net/core/busy_poll" > "$VNS_OUT/virt-busy-setup2.l2"
  for irq in $VB_IRQS; do
    grep -qx "@@AFF$irq" "$VNS_OUT/virt-busy-setup2.l2" || fail $t/irq${irq}_affinity "irq $irq to CPU 0 in L2"
  done
  _vb_part "$VNS_OUT/virt-busy-setup2.l2" INFO | sed "s/^/INFO L2's eth0 is $VB_VDEV: /"
  grep -qx "@@HIST" "$VNS_OUT/virt-busy-setup2.l2" ||
    fail $t/l2_hist "the irq_handler_exit hist trigger '$hist' in L2"

  # a. nobody busy-polls
  _vb_run $t plain 0
  polls_a=$(_vb_sum "$VB_VIEW" polls_softirq dev=eth0)
  busy_a=$(_vb_sum "$VB_VIEW" polls_busy dev=eth0)
  echo "INFO plain: received $VB_GOT, rx_packets +$VB_RX, polls softirq $polls_a busy $busy_a, missed +$VB_MISS"
  _vb_check $t plain; irqs_a=$VB_IRQS_N none_a=$VB_NONE_N
  expect_eq $t/plain_received "$(( VB_GOT > 0 ))" 1
  expect_eq $t/plain_packets_eq_rx "$(_vb_sum "$VB_VIEW" packets dev=eth0)" "$VB_RX"
  expect_eq $t/plain_softirq_polls "$(( polls_a > 0 ))" 1
  expect_eq $t/plain_no_busy_polls "$busy_a" 0
  expect_eq $t/plain_irqs "$(( irqs_a > 0 ))" 1

  # b. a socket with SO_BUSY_POLL
  l2_run "echo 50 > /proc/sys/net/core/busy_read; echo 50 > /proc/sys/net/core/busy_poll"
  _vb_run $t busy 50
  l2_run "echo 0 > /proc/sys/net/core/busy_read; echo 0 > /proc/sys/net/core/busy_poll"
  polls_b=$(_vb_sum "$VB_VIEW" polls_softirq dev=eth0)
  busy_b=$(_vb_sum "$VB_VIEW" polls_busy dev=eth0)
  pbusy_b=$(_vb_sum "$VB_VIEW" packets_busy dev=eth0)
  echo "INFO busy: received $VB_GOT, rx_packets +$VB_RX, polls softirq $polls_b busy $busy_b" \
       "(packets $pbusy_b), missed +$VB_MISS"
  _vb_check $t busy; irqs_b=$VB_IRQS_N none_b=$VB_NONE_N
  echo "INFO IRQ_NONE share: plain $none_a/$irqs_a, busy $none_b/$irqs_b"
  expect_eq $t/busy_received "$(( VB_GOT > 0 ))" 1
  expect_eq $t/busy_packets_eq_rx "$(_vb_sum "$VB_VIEW" packets dev=eth0)" "$VB_RX"
  expect_eq $t/busy_polls_seen "$(( busy_b > 0 ))" 1
  expect_eq $t/busy_packets_le_received "$(( pbusy_b <= VB_GOT ))" 1
  # the busy poller took from the ring what an interrupt had been sent for
  expect_range $t/busy_irq_none "$none_b" 1 "$irqs_b"
  expect_eq $t/irq_none_share_rises "$(( none_b * irqs_a > none_a * irqs_b ))" 1
  l2_run "echo '!$hist' > $VB_HIST/trigger
          echo disable virtio > /sys/kernel/debug/vnetscope/control; rmmod vnetscope" ||
    fail $t/l2_unload "rmmod vnetscope in L2"
}
