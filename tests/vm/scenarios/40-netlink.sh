#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 40-netlink: malformed generic netlink requests (tests/vm/nlfuzz.c) as root and as an
# unprivileged user; every one is refused, the module keeps working, the log stays clean.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=netlink

load_vns || exit 1
"$VNS_TESTBIN/nlfuzz" > $VNS_OUT/nlfuzz-root.txt 2>&1; rc=$?
expect_eq $T/fuzz_root "$rc $(tail -n 1 $VNS_OUT/nlfuzz-root.txt | grep -o '[0-9]* failed')" "0 0 failed"
setpriv --reuid=65534 --regid=65534 --clear-groups "$VNS_TESTBIN/nlfuzz" --expect-eperm \
  > $VNS_OUT/nlfuzz-user.txt 2>&1; rc=$?
expect_eq $T/fuzz_unprivileged "$rc $(tail -n 1 $VNS_OUT/nlfuzz-user.txt | grep -o '[0-9]* failed')" "0 0 failed"

# still working: enable, count exactly, read back
check $T/enable_after "$VNS_CLI" enable drops --proto udp --dport 9
udp_send 127.0.0.1 40300 127.0.0.1 9 5
expect_eq $T/works_after "$(view_sum $VNS_PROC/drops sport=40300)" 5
dmesg_clean $T/dmesg_clean
