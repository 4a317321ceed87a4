#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/vm/tcg-int3.sh KVER [N]: the reproducer behind tests/vm/run.sh's single-threaded TCG for
# 6.12. Boots KVER without vnetscope, floods UDP to a closed port (IPv4 and IPv6, so kfree_skb
# fires on both vCPUs) and flips skb:kfree_skb through tracefs N times (default 300).
# Observed on qemu 7.2, 6.12.117: "Oops: int3" at sk_skb_reason_drop+0x30 within 35 s with
# multi-threaded TCG; 300 flips clean with VNS_TCG_THREAD=single.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
KV=${1:?usage: tcg-int3.sh KVER [N]} N=${2:-300}
OUT=$(mktemp -d)
cat > "$OUT/go.sh" <<EOS
B=$REPO/build/tests
\$B/udpsend 127.0.0.1 43000 127.0.0.1 9 0 --seconds 600 >/dev/null &
\$B/udpsend ::1 43001 ::1 9 0 --seconds 600 >/dev/null &
sleep 1
E=/sys/kernel/tracing/events/skb/kfree_skb/enable
for i in \$(seq 1 $N); do echo 1 > \$E; echo 0 > \$E; done
echo "flips done: \$i"
kill %1 %2
EOS
make -s -C "$REPO" testbin >/dev/null || exit 1
"$REPO/scripts/vmrun.sh" -o "$OUT" "$KV" "bash /mnt/go.sh" 900
