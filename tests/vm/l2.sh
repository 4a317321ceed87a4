# SPDX-License-Identifier: GPL-2.0
# tests/vm/l2.sh: a nested (L2) guest under KVM inside the test VM, for the scenarios of the
# virtualization layer (98-virt); source after lib.sh. Needs the test VM booted with qemu's
# `-cpu max` (TCG emulates AMD SVM, so kvm_amd loads), one vCPU under TCG's multi-threaded
# loop (two under the single-threaded one stall L2), and the files of tests/vm/l2-build.sh
# ($VNS_L2): tests/vm/run.sh gives a scenario whose header has "# vns-vm: nested" such a
# boot of its own. One L2 boot serves the whole scenario: L2 up, collectors on, traffic,
# checks, L2 down, then what needs it gone.
#
# The network (l2_start makes it, l2_net_down removes it; static neighbours everywhere and no
# IPv6, so that the TAP carries the test's packets only):
#
#   L2 eth0 10.0.9.2/24 (virtio-net, MAC 52:54:00:09:00:02)
#     | virtio ring <-> vhost-net worker "vhost-<qemu pid>" <-> TUN queue
#   tap0 (persistent TAP, qemu -netdev tap,vhost=on) --+   (L2_QUEUES > 1: multi_queue,
#                                                      |    one vhost-net device per queue)
#                                                      br0 10.0.9.3/24 (02:00:00:09:00:03)
#   b0 (veth; the "physical" port: phy=b0) ------------+
#     |
#   b1 10.0.9.1/24 (02:00:00:09:00:01) in netns vns_f: the far end the guest pings
#
# so that the latency collector's VM path (phy=b0 vm=tap0) is complete both ways: from the VM
# VNET_RX on tap0 ... TX_XMIT on b0, to the VM PHY_RX on b0 ... VNET_TX on tap0.
#
#   l2_start [QEMU_ARG...]  modprobe kvm_amd vhost_net tun bridge veth; the network; boots L2
#                           (qemu -enable-kvm -cpu host, 256 MiB, 1 vCPU, vhost=on; with
#                           L2_QUEUES=N > 1, tap0 multi_queue, qemu's tap queues=N and
#                           virtio-net mq=on with 2N+2 MSI-X vectors) and waits for
#                           its init (L2_BOOT_TIMEOUT, default 300 s). Sets L2_QEMU_PID and
#                           L2_BOOT_S (seconds from qemu's start to L2's shell). Status 0 or 1.
#   l2_run [-t S] CMD       runs CMD (sh syntax, may span lines) in L2 with stdin /dev/null and
#                           prints its output (stdout and stderr, as the virtio console carried
#                           it); returns its exit status, 124 after S seconds (default 120) without
#                           an end, 125 when L2 is not running. Each CMD runs in its own sh: no
#                           variable or cd is kept; what it starts in the background runs on (send
#                           its output to a file in L2's /tmp, not to the console).
#   l2_stop                 powers L2 off (poweroff -f) and waits for qemu (30 s, then kill);
#                           L2_STOP is "clean" or "killed". L2's serial console (its kernel's
#                           messages) is kept in $VNS_OUT/l2-console.log, the command channel
#                           (virtio console hvc0) in $VNS_OUT/l2-commands.log.
#   l2_splat                the first kernel splat line in L2's console, if any
#   l2_vhost_tids           the tasks named vhost-<qemu pid> (the vhost-net worker: a kernel
#                           thread before 6.4, a thread of qemu after), one per line
#   l2_vhost_fds            the number of qemu's fds open on /dev/vhost-net (one per queue)
#   l2_net_down             removes tap0, br0, b0 and vns_f
#   l2_cleanup              l2_stop if running, then l2_net_down (for a trap on EXIT)
# Knobs, set before l2_start: L2_MEM (MiB, 256), L2_SMP (1), L2_QUEUES (1; L2's virtio-net
# enables min(L2_QUEUES, L2_SMP) queue pairs, so give it as many vCPUs), L2_POLL_US (none; N:
# qemu's poll-us=N on the tap netdev, vhost-net's busy polling of an empty virtqueue or socket for
# up to N us, VHOST_SET_VRING_BUSYLOOP_TIMEOUT), L2_APPEND (more of L2's kernel
# command line, e.g. loglevel=7 to see its boot), L2_BOOT_TIMEOUT (300), L2_WRAP (a command
# qemu runs under, e.g. "taskset -c 0"), L2_LOG and L2_KLOG (the command channel's and the serial
# console's logs, default in /tmp/vns-l2).
# In L2: busybox, /vns/vnetscope.ko (built for L2's kernel, $(cat $VNS_L2/kver)), /bin/udpsend
# (tests/vm/udpsend.c, static: `udpsend --recv ADDR PORT IDLE_S [--busy-poll USEC] [--first S]`
# counts what arrives, busy-polling with SO_BUSY_POLL), debugfs and tracefs mounted.

VNS_L2=${VNS_L2:-$VNS_REPO/build/l2}
L2_TAP=tap0 L2_BR=br0 L2_PHY=b0 L2_FAR_NS=vns_f
L2_IP=10.0.9.2 L2_MAC=52:54:00:09:00:02
L2_FAR_IP=10.0.9.1 L2_FAR_MAC=02:00:00:09:00:01
L2_BR_IP=10.0.9.3 L2_BR_MAC=02:00:00:09:00:03
L2_DIR=${L2_DIR:-/tmp/vns-l2}
L2_LOG=${L2_LOG:-$L2_DIR/console.log}     # the command channel (hvc0)
L2_KLOG=${L2_KLOG:-$L2_DIR/kernel.log}    # L2's serial console: its kernel's messages
L2_QEMU_PID= L2_CAT_PID= L2_IN= L2_BOOT_S= L2_STOP=

_l2_nov6() { sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null; true; }

l2_net() {
  local mq=
  [ "${L2_QUEUES:-1}" -gt 1 ] && mq=multi_queue
  # shellcheck disable=SC2086  # none or one word
  ip tuntap add dev $L2_TAP mode tap $mq || { echo "l2: ip tuntap add $L2_TAP $mq" >&2; return 1; }
  _l2_nov6 $L2_TAP
  ip link add $L2_BR type bridge || { echo "l2: ip link add $L2_BR" >&2; return 1; }
  _l2_nov6 $L2_BR
  ip link set $L2_BR address $L2_BR_MAC
  ip netns add $L2_FAR_NS || { echo "l2: ip netns add $L2_FAR_NS" >&2; return 1; }
  ip netns exec $L2_FAR_NS sysctl -qw net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
  ip link add $L2_PHY type veth peer name b1 netns $L2_FAR_NS ||
    { echo "l2: ip link add $L2_PHY (veth)" >&2; return 1; }
  _l2_nov6 $L2_PHY
  ip -n $L2_FAR_NS link set b1 address $L2_FAR_MAC
  ip -n $L2_FAR_NS addr add $L2_FAR_IP/24 dev b1
  ip -n $L2_FAR_NS neigh replace $L2_IP lladdr $L2_MAC dev b1 nud permanent
  ip -n $L2_FAR_NS link set lo up
  ip -n $L2_FAR_NS link set b1 up
  ip link set $L2_PHY master $L2_BR && ip link set $L2_TAP master $L2_BR || return 1
  ip addr add $L2_BR_IP/24 dev $L2_BR
  ip neigh replace $L2_IP lladdr $L2_MAC dev $L2_BR nud permanent
  ip link set $L2_PHY up && ip link set $L2_TAP up && ip link set $L2_BR up
}

l2_net_down() {
  ip link del $L2_TAP 2>/dev/null
  ip link del $L2_PHY 2>/dev/null
  ip link del $L2_BR 2>/dev/null
  ip netns del $L2_FAR_NS 2>/dev/null
  return 0
}

l2_start() {
  local t0 end next why= nq=${L2_QUEUES:-1} mq='' poll=''
  [ -s "$VNS_L2/initrd.gz" ] && [ -s "$VNS_L2/vmlinuz" ] ||
    { echo "l2: no $VNS_L2/initrd.gz (tests/vm/l2-build.sh)" >&2; return 1; }
  modprobe -a kvm_amd vhost_net tun bridge veth 2>&1 | sed 's/^/l2: /' >&2
  [ -c /dev/kvm ] ||
    { echo "l2: no /dev/kvm (the test VM needs qemu -cpu max; $(grep -c svm /proc/cpuinfo) CPUs with svm)" >&2; return 1; }
  l2_net || return 1
  rm -rf $L2_DIR; mkdir -p $L2_DIR
  mkfifo $L2_DIR/con.in $L2_DIR/con.out
  : > $L2_LOG; : > $L2_KLOG
  echo 0 > $L2_DIR/seq
  cat $L2_DIR/con.out >> $L2_LOG &
  L2_CAT_PID=$!
  [ "$nq" -gt 1 ] && mq=",mq=on,vectors=$((2 * nq + 2))"
  [ -n "${L2_POLL_US:-}" ] && poll=",poll-us=$L2_POLL_US"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  ${L2_WRAP:-} qemu-system-x86_64 -enable-kvm -cpu host,xsave=off -m ${L2_MEM:-256} -smp ${L2_SMP:-1} -nodefaults \
    -display none -no-reboot -pidfile $L2_DIR/qemu.pid \
    -kernel "$VNS_L2/vmlinuz" -initrd "$VNS_L2/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 ipv6.disable=1 ${L2_APPEND:-}" \
    -serial file:$L2_KLOG -device virtio-serial-pci \
    -chardev pipe,id=con,path=$L2_DIR/con -device virtconsole,chardev=con \
    -netdev tap,id=n0,ifname=$L2_TAP,script=no,downscript=no,vhost=on,queues=$nq$poll \
    -device virtio-net-pci,netdev=n0,mac=$L2_MAC$mq "$@" > $L2_DIR/qemu.log 2>&1 &
  L2_QEMU_PID=$!
  exec {L2_IN}<>$L2_DIR/con.in
  # (a line every 30 s meanwhile: scripts/vmrun.sh stops a guest whose console is silent for
  # 300 s, which would cut this wait's own report short, with L2's console)
  end=$((SECONDS + ${L2_BOOT_TIMEOUT:-300})) next=$((SECONDS + 30))
  while [ $SECONDS -lt $end ]; do
    grep -q '^L2-UP' $L2_LOG 2>/dev/null && break
    kill -0 $L2_QEMU_PID 2>/dev/null || { why="qemu exited"; break; }
    if [ $SECONDS -ge $next ]; then
      echo "INFO l2: no L2-UP yet after $((SECONDS + ${L2_BOOT_TIMEOUT:-300} - end)) s"
      next=$((SECONDS + 30))
    fi
    sleep 0.5
  done
  if ! grep -q '^L2-UP' $L2_LOG; then
    echo "l2: no L2-UP from L2 (${why:-timed out after ${L2_BOOT_TIMEOUT:-300} s}); qemu: $(tail -n 3 $L2_DIR/qemu.log | tr '\n' ' ')" >&2
    tail -n 15 $L2_KLOG | tr -d '\r' | sed 's/^/l2 console: /' >&2
    return 1
  fi
  L2_BOOT_S=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }')
}

l2_run() {
  local tmo=120 seq b64 off end
  if [ "${1:-}" = -t ]; then tmo=$2; shift 2; fi
  if [ -z "$L2_QEMU_PID" ] || ! kill -0 "$L2_QEMU_PID" 2>/dev/null; then
    echo "l2_run: L2 is not running" >&2; return 125
  fi
  # (a file: l2_run often runs in a $(...) subshell)
  read -r seq < $L2_DIR/seq; seq=$((seq + 1)); echo $seq > $L2_DIR/seq
  off=$(stat -c %s $L2_LOG)
  b64=$(printf '%s\n' "$*" | base64 -w0)
  # chunks of 2000 characters (a multiple of 4), under the tty's 4095-byte line
  while [ ${#b64} -gt 2000 ]; do
    printf 'C %s\n' "${b64:0:2000}" >&"$L2_IN"
    b64=${b64:2000}
  done
  printf 'R %s %s\n' $seq "$b64" >&"$L2_IN"
  end=$((SECONDS + tmo))
  # (seq grows: "@@L2END 3 " is in no other command's end line; the tty's \r after the
  # status says the line is whole)
  while ! grep -qE "@@L2END $seq [0-9]+"$'\r' $L2_LOG; do
    if [ $SECONDS -ge $end ]; then echo "l2_run: no end of '$*' after ${tmo}s" >&2; return 124; fi
    kill -0 "$L2_QEMU_PID" 2>/dev/null || { echo "l2_run: L2 died running '$*'" >&2; return 125; }
    sleep 0.2
  done
  tail -c +$((off + 1)) $L2_LOG | tr -d '\r' | awk -v m="@@L2END $seq " '
    { i = index($0, m) }
    i { if (i > 1) print substr($0, 1, i - 1); rc = substr($0, i + length(m)); exit }
    { print }
    END { exit rc + 0 }'
}

l2_splat() { cat $L2_KLOG $L2_LOG 2>/dev/null | tr -d '\r' | grep -m1 -E "$VNS_SPLAT_RE"; }

l2_vhost_tids() {
  local f c
  [ -n "$L2_QEMU_PID" ] || return 0
  # (read, not cat: a fork per task is seconds under TCG)
  for f in /proc/[0-9]*/task/[0-9]*/comm; do
    read -r c < "$f" 2>/dev/null || continue
    [ "$c" = "vhost-$L2_QEMU_PID" ] && { f=${f%/comm}; echo "${f##*/}"; }
  done
  return 0
}

l2_vhost_fds() {
  # (one find, not a readlink per fd: a fork is slow under TCG)
  find /proc/$L2_QEMU_PID/fd -lname /dev/vhost-net 2>/dev/null | wc -l
}

l2_stop() {
  [ -n "$L2_QEMU_PID" ] || return 0
  L2_STOP=killed
  if kill -0 "$L2_QEMU_PID" 2>/dev/null; then
    printf 'R 0 %s\n' "$(echo 'sync; poweroff -f' | base64 -w0)" >&"$L2_IN"
    for _ in $(seq 150); do kill -0 "$L2_QEMU_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  if kill -0 "$L2_QEMU_PID" 2>/dev/null; then
    kill "$L2_QEMU_PID"; sleep 1; kill -9 "$L2_QEMU_PID" 2>/dev/null
  else
    L2_STOP=clean
  fi
  wait "$L2_QEMU_PID" 2>/dev/null
  [ -n "$L2_IN" ] && exec {L2_IN}>&-
  L2_IN=
  # the console reader ends at qemu's exit (or never opened the pipe if qemu did not start)
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$L2_CAT_PID" 2>/dev/null || break; sleep 0.2; done
  kill "$L2_CAT_PID" 2>/dev/null; wait "$L2_CAT_PID" 2>/dev/null
  tr -d '\r' < $L2_KLOG > "$VNS_OUT/l2-console.log" 2>/dev/null
  tr -d '\r' < $L2_LOG > "$VNS_OUT/l2-commands.log" 2>/dev/null
  cp $L2_DIR/qemu.log "$VNS_OUT/l2-qemu.log" 2>/dev/null
  L2_QEMU_PID= L2_CAT_PID=
}

l2_cleanup() {
  l2_stop
  l2_net_down
}
