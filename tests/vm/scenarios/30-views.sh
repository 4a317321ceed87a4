#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 30-views: the text views — procfs alone with debugfs unmounted, headers and keys, root-only
# access — the collectors= load parameter, and the control file rejecting bad commands.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=views

load_vns collectors=drops || exit 1
expect_eq $T/param_enabled "$(status_get state)" on

umount /sys/kernel/debug 2>/dev/null
expect_eq $T/debugfs_gone "$(test -e $VNS_DBG/status && echo present || echo gone)" gone
udp_send 127.0.0.1 40200 127.0.0.1 9 12
for v in status probes drops; do
  expect_eq $T/header_$v "$(head -n 1 $VNS_PROC/$v)" "# vnetscope $v v1"
done
keep $VNS_PROC/drops procfs
expect_eq $T/procfs_count "$(view_sum $VNS_PROC/drops sport=40200 dport=9)" 12
expect_eq $T/procfs_probe "$(view_get $VNS_PROC/probes state collector=drops probe=kfree_skb type=tracepoint)" attached
expect_eq $T/procfs_keys "$(grep -v '^#' $VNS_PROC/drops | head -n 1 | tr ' ' '\n' | cut -d= -f1 | head -n 8 | tr '\n' ' ')" \
  "count dev ifindex queue reason location family proto "
expect_eq $T/stack_last "$(grep -v '^#' $VNS_PROC/drops | head -n 1 | awk '{ print $NF }' | cut -d= -f1)" stack
expect_eq $T/procfs_root_only "$(setpriv --reuid=65534 --regid=65534 --clear-groups cat $VNS_PROC/drops >/dev/null 2>&1 && echo readable || echo denied)" denied

mount -t debugfs none /sys/kernel/debug
expect_eq $T/debugfs_back "$(head -n 1 $VNS_DBG/drops)" "# vnetscope drops v1"
expect_eq $T/same_records "$(grep -vc '^#' $VNS_DBG/drops)" "$(grep -vc '^#' $VNS_PROC/drops)"

# --- control: every bad command is an error, leaves the collector as it was, says why ----------
ctl enable drops proto=udp dport=9 || fail $T/ctl_good "rejected a good command"
expect_eq $T/ctl_no_error "$(sed -n 's/^last_error=//p' $VNS_DBG/control)" -
for cmd in "frobnicate" "enable nosuch" "enable drops dport=70000" "enable drops proto=bogus" \
           "enable drops src=1.2.3.4/33" "enable drops src=300.1.1.1" "enable drops dst=::1/129" \
           "enable drops dev=aaaaaaaaaaaaaaaaaaaaaaa" "enable drops color=red" "enable drops dport" \
           "disable drops extra" "reset nosuch" "enable"; do
  name=ctl_reject_$(echo "$cmd" | tr -c 'a-z0-9\n' _)
  if echo "$cmd" > $VNS_DBG/control 2>/dev/null; then
    fail $T/$name "'$cmd' was accepted"
  else
    err=$(sed -n 's/^last_error=//p' $VNS_DBG/control)
    if [ "$err" != - ] && [ "$(status_get filter)" = "proto=udp,dport=9" ]; then pass $T/$name
    else fail $T/$name "last_error='$err' filter='$(status_get filter)'"; fi
  fi
done
# update: only the keys given change
ctl update drops sport=5 || fail $T/ctl_update "rejected"
expect_eq $T/ctl_update_filter "$(status_get filter)" "proto=udp,sport=5,dport=9"
ctl enable drops dport=9
expect_eq $T/ctl_enable_exactly "$(status_get filter)" "dport=9"
ctl disable drops
ctl update drops proto=udp || fail $T/ctl_update_off "rejected"
expect_eq $T/ctl_update_off_starts "$(status_get state) $(status_get filter)" "on proto=udp"
ctl disable drops
expect_eq $T/ctl_disable "$(status_get state)" off
dmesg_clean $T/dmesg_clean
