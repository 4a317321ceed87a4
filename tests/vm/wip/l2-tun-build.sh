#!/bin/bash
# tests/vm/l2-tun-build.sh: on the host, what 98-virt-tun's nested (L2) guest boots, in
# build/l2/: vmlinuz (Debian's 6.1 from the lab) and ping.gz, a busybox initramfs
# (../shared/lab/l2-initrd.sh) whose init pings 10.0.9.1 once (its ARP), prints L2-WARM,
# waits 6 s, pings 20 times, prints L2-PINGED and waits to be killed.  Until virtlab's
# tests/vm/l2-build.sh (run by run.sh for "# vns-vm: nested" scenarios) serves it.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
LAB=${VNS_LAB:-/var/cache/vns-lab}
KV=${VNS_L2_KVER:-6.1.0-57-amd64}
OUT=${VNS_L2_DIR:-$REPO/build/l2}
mkdir -p "$OUT"
cp "$LAB/$KV/boot/vmlinuz-$KV" "$OUT/vmlinuz"
LAB=$LAB bash "$REPO/../shared/lab/l2-initrd.sh" "$KV" "$OUT/ping.gz" \
  'ping -c 1 -W 3 10.0.9.1; echo L2-WARM; sleep 6; ping -c 20 -i 0.2 10.0.9.1; echo L2-PINGED; sleep 900'
echo "$OUT/vmlinuz $OUT/ping.gz"
