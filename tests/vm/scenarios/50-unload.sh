#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 50-unload: unload is always safe — under a flood of drops, with a netlink dump half read,
# with debugfs and procfs readers open — and the module reloads and works afterwards.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"
T=unload
MOD=$(vns_modname)
loaded() { grep -q "^$MOD " /proc/modules && echo loaded || echo gone; }

load_vns || exit 1
ctl enable drops
# 300 flows, so that a dump spans many reads
# (one program: 300 runs of udpsend take half a minute under TCG)
python3 -c "
import socket
for p in range(42000, 42300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', p))
    s.sendto(b'x', ('127.0.0.1', 9))
    s.close()
"
expect_range $T/entries "$(view_count $VNS_PROC/drops dport=9)" 300 400

# --- a dump half read holds the module; finishing it releases it --------------------------------
coproc DUMP { python3 "$VNS_REPO/tests/vm/middump.py"; }
read -r started n <&"${DUMP[0]}"
expect_eq $T/middump_started "$started" started
out=$(rmmod $MOD 2>&1)
expect_eq $T/middump_busy "$(loaded)" loaded
exec {DUMP[1]}>&-
read -r done total <&"${DUMP[0]}"
wait $DUMP_PID 2>/dev/null
expect_range $T/middump_complete "$total" 300 400

# --- an open debugfs reader holds the module; an open procfs reader does not --------------------
exec 4<$VNS_DBG/drops
rmmod $MOD 2>/dev/null
expect_eq $T/debugfs_reader_busy "$(loaded)" loaded
exec 4<&-

# --- the flood, a reader loop and the CLI, then rmmod under all of them ------------------------
"$VNS_TESTBIN/udpsend" 127.0.0.1 43000 127.0.0.1 9 0 --seconds 15 >/dev/null &
flood=$!
"$VNS_TESTBIN/udpsend" ::1 43001 ::1 9 0 --seconds 15 >/dev/null &
flood6=$!
( while :; do cat $VNS_PROC/drops >/dev/null 2>&1; cat $VNS_PROC/status >/dev/null 2>&1; done ) &
reader=$!
( while :; do "$VNS_CLI" drops --top 3 >/dev/null 2>&1; done ) &
clireader=$!
exec 5<$VNS_PROC/drops
sleep 3
seen=$(status_get seen)
expect_range $T/flood_counted "$seen" 100 1000000000
unload_vns && pass $T/rmmod_under_flood
expect_eq $T/gone "$(loaded)" gone
# the procfs reader that was open gets an error now, not a crash
if cat <&5 >/dev/null 2>&1; then r=read; else r=error; fi
exec 5<&-
pass $T/procfs_reader_after_rmmod
kill $reader $clireader 2>/dev/null; wait $reader $clireader 2>/dev/null

# --- reload and work, still under the flood -----------------------------------------------------
load_vns || exit 1
ctl enable drops proto=udp sport=43100
udp_send 127.0.0.1 43100 127.0.0.1 9 5
expect_eq $T/reload_works "$(view_sum $VNS_PROC/drops sport=43100)" 5
for i in 1 2 3 4 5; do unload_vns; load_vns collectors=drops; done
expect_eq $T/reload_loop "$(status_get state)" on
unload_vns
kill $flood $flood6 2>/dev/null; wait $flood $flood6 2>/dev/null
expect_eq $T/refcount "$(loaded)" gone
dmesg_clean $T/dmesg_clean
