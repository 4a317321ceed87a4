#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 98-tun-vnet: frames a TUN/TAP reader writes with a virtio-net header TUN refuses (no VM).
#  A 2-queue device with virtio-net headers (tests/vm/tapvnet.py, IFF_VNET_HDR), an L3 TUN
#  (vt0) and a TAP (vg0): good frames on each queue first (the queue's socket is learned from
#  what it sends), then frames whose header has a gso_type no kernel knows: tun_get_user()
#  refuses each (virtio_net_hdr_to_skb() fails: the write gets EINVAL, TUN counts it in the
#  device's rx_frame_errors).  The tun collector's bad_vnet_hdr of each queue = the writes
#  refused on that queue; the good frames are rx_packets/rx_write/gso_none of their queue; the
#  CLI (text, JSON) says the same.  On the TUN their sum = the device's own rx_frame_errors
#  growth.  Not on the TAP: the TAP's netdev_ops of 6.1 (dev_get_tstats64) and 6.12 (the
#  core's tstats) do not add TUN's rx_frame_errors to its statistics (4.19 and 5.10 do), so
#  there it is only printed.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=tunvnet
V=$VNS_PROC/tun
S=$VNS_PROC/status
tget() { view_get $S "$1" collector=tun; }

unload_vns
modprobe tun 2>/dev/null
if ! grep -q '^tun ' /proc/modules && [ ! -c /dev/net/tun ]; then
  skip $T/all "no tun"; exit 0
fi
load_vns || exit 1
ctl enable tun || fail $T/enable "control write failed"

# vnet DEV MODE: the device DEV (MODE tap or tun), 2 queues; its checks under $T/DEV_*
vnet() {
  local dev=$1 mode=$2 ready fe0 fe unpl0 cli t=$T/$1 TV=$VNS_OUT/tun-vnet-$1.txt
  coproc TAPV { python3 "$VNS_REPO/tests/vm/tapvnet.py" "$dev" 2 "$mode"; }
  read -r ready <&"${TAPV[0]}"
  [ "$ready" = ready ] || { fail $t/start "tapvnet.py did not start"; return 1; }
  sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
  ip link set "$dev" up
  tapv() { echo "$1 $2 $3" >&"${TAPV[1]}"; read -r line <&"${TAPV[0]}"; echo "$line"; }
  # good frames first: each queue's socket is learned from what it sends
  expect_eq $t/good_q0 "$(tapv 0 3 0)" "0 3 0"
  expect_eq $t/good_q1 "$(tapv 1 2 0)" "1 2 0"
  fe0=$(cat /sys/class/net/$dev/statistics/rx_frame_errors)
  unpl0=$(tget bad_vnet_hdr_unplaced)
  expect_eq $t/bad_q0 "$(tapv 0 1 5)" "0 1 5"
  expect_eq $t/bad_q1 "$(tapv 1 0 7)" "1 0 7"
  fe=$(( $(cat /sys/class/net/$dev/statistics/rx_frame_errors) - fe0 ))
  cat $V > "$TV"
  keep $V "$dev"
  echo "    $dev ($mode): rx_frame_errors +$fe, bad_vnet_hdr $(view_get $TV bad_vnet_hdr dev=$dev queue=0) + $(view_get $TV bad_vnet_hdr dev=$dev queue=1)"
  if [ "$mode" = tun ]; then
    expect_eq $t/rx_frame_errors "$fe" 12
    expect_eq $t/bad_eq_frame_errors "$(( $(view_get $TV bad_vnet_hdr dev=$dev queue=0) + $(view_get $TV bad_vnet_hdr dev=$dev queue=1) ))" "$fe"
  fi
  expect_eq $t/bad_per_queue "$(view_get $TV bad_vnet_hdr dev=$dev queue=0) $(view_get $TV bad_vnet_hdr dev=$dev queue=1)" "5 7"
  expect_eq $t/unplaced "$(( $(tget bad_vnet_hdr_unplaced) - unpl0 ))" 0
  expect_eq $t/good_rx "$(view_get $TV rx_packets dev=$dev queue=0) $(view_get $TV rx_packets dev=$dev queue=1)" "4 2"
  expect_eq $t/good_write "$(view_get $TV rx_write dev=$dev queue=0) $(view_get $TV rx_write dev=$dev queue=1)" "4 2"
  expect_eq $t/good_gso_none "$(view_get $TV gso_none dev=$dev queue=0) $(view_get $TV gso_none dev=$dev queue=1)" "4 2"
  expect_eq $t/no_stop_wake "$(view_get $TV stops dev=$dev queue=0) $(view_get $TV stops dev=$dev queue=1) $(view_get $TV wakes dev=$dev queue=0) $(view_get $TV wakes dev=$dev queue=1)" "0 0 0 0"
  cli=$("$VNS_CLI" tun --json --no-enable --dev "$dev" | python3 -c '
import json, sys
print(" ".join("%d:%d" % (q["queue"], q["bad_vnet_hdr"]) for q in json.load(sys.stdin)["queues"]))')
  expect_eq $t/cli_json "$cli" "0:5 1:7"
  "$VNS_CLI" tun --no-enable --dev "$dev" > "$VNS_OUT/cli-tun-vnet-$dev.txt"
  expect_eq $t/cli_text "$(awk -v d="$dev" '$1 == d { print $2 ":" $NF }' "$VNS_OUT/cli-tun-vnet-$dev.txt" | xargs)" "0:5 1:7"
  exec {TAPV[1]}>&-
  wait "$TAPV_PID" 2>/dev/null
  expect_eq $t/gone "$(view_count $V dev=$dev)" 0
}
vnet vt0 tun
vnet vg0 tap
ctl disable tun
unload_vns
dmesg_clean $T/dmesg_clean
