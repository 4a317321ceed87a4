#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/demo.sh — what `make demo` runs (after scripts/lab-setup.sh and the CLI build).
#
# Picks a test kernel, builds the module for it (scripts/build-kmod.sh) and build/tests/udpsend,
# boots the kernel once (scripts/vmrun.sh, output in build/demo/) and runs
# scripts/demo-guest.sh in it: real drops of four kinds, then vnetscope's reports on them.
# Prints the guest's demo output only (the whole console is in build/demo/console.log).
#
# Kernel: VNS_DEMO_KERNEL (a series of $VNS_LAB/kernels.list such as 6.1, or a kernel release),
# default the 6.1 line of kernels.list, else the first kernel there (or in $VNS_LAB) whose image
# and headers are both in place.
# Exit status: the guest's (0 when every demo step worked); 1 when the module does not build,
# 3 when no kernel is available, 97/98 from scripts/vmrun.sh (kernel splat / VM died).
# Environment: VNS_LAB (default /var/cache/vns-lab), and what scripts/vmrun.sh takes.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
LAB=${VNS_LAB:-/var/cache/vns-lab}
LIST=$LAB/kernels.list
OUT=$REPO/build/demo
say() { echo "demo: $*" >&2; }

# --- the kernel ---
usable() {   # image (lab or /boot) and headers of release $1 in place
  { [ -e "$LAB/$1/boot/vmlinuz-$1" ] || [ -e "/boot/vmlinuz-$1" ]; } &&
    [ -f "${KDIR:-/usr/src/linux-headers-$1}/Makefile" ]
}
series_kver() { awk -v s="$1" '$1 == s { print $2; exit }' "$LIST" 2>/dev/null; }

kv=
if [ -n "${VNS_DEMO_KERNEL:-}" ]; then
  kv=$(series_kver "$VNS_DEMO_KERNEL")
  [ -n "$kv" ] || kv=$VNS_DEMO_KERNEL
  usable "$kv" || { say "kernel $VNS_DEMO_KERNEL: no image or no headers (scripts/lab-setup.sh)"; exit 3; }
else
  cand=$(series_kver 6.1)
  # shellcheck disable=SC2012  # release names only
  for k in $cand $(awk '$2 { print $2 }' "$LIST" 2>/dev/null) \
           $(ls "$LAB" 2>/dev/null | sort -rV); do
    if usable "$k"; then kv=$k; break; fi
  done
  [ -n "$kv" ] || { say "no test kernel with image and headers (run scripts/lab-setup.sh)"; exit 3; }
fi

# --- the module, the traffic generator, the CLI ---
mkdir -p "$OUT"
t0=$(date +%s)
say "building the module for $kv"
if ! "$REPO/scripts/build-kmod.sh" "$kv" > "$OUT/ko.txt" 2> "$OUT/build.log"; then
  say "the module does not build for $kv (build/demo/build.log):"
  tail -n 20 "$OUT/build.log" >&2
  exit 1
fi
ko=$(grep -m1 '/vnetscope\.ko$' "$OUT/ko.txt")
make -s -C "$REPO/tests/vm" "$REPO/build/tests/udpsend" >&2 || { say "cannot build udpsend"; exit 1; }
[ -x "$REPO/cli/vnetscope" ] || make -s -C "$REPO/cli" >&2 || { say "cannot build the CLI"; exit 1; }

# --- one boot ---
q() { printf '%q' "$1"; }
gcmd="VNS_KO=$(q "$ko") VNS_CLI=$(q "$REPO/cli/vnetscope") VNS_TESTBIN=$(q "$REPO/build/tests")"
gcmd+=" bash $(q "$REPO/scripts/demo-guest.sh")"
say "booting $kv in qemu (build/demo/console.log)"
tb=$(date +%s)
# Only the lines between the guest's markers, as they come, and vmrun's own verdicts; kernel
# messages (warnings and worse reach the console) too, but for the taint notice of insmod.
VNS_VM_SHARE="$REPO ${VNS_VM_SHARE:-}" "$REPO/scripts/vmrun.sh" -o "$OUT" "$kv" "$gcmd" 600 |
  awk '/^VNS-DEMO-BEGIN$/ { on = 1; next }
       /^VNS-DEMO-END$/   { on = 0; next }
       /^\[ *[0-9.]+\] [a-z_]+: loading out-of-tree module taints kernel\.$/ { next }
       on || /^vmrun: / { print; fflush() }' | tee "$OUT/demo.txt"
rc=${PIPESTATUS[0]}
t1=$(date +%s)
if [ "$rc" != 0 ]; then
  say "failed on $kv (status $rc); last console lines (build/demo/console.log):"
  tail -n 15 "$OUT/console.log" 2>/dev/null | sed 's/^/  | /' >&2
else
  say "done on $kv: build $((tb - t0)) s, VM $((t1 - tb)) s; output in build/demo/demo.txt"
fi
exit "$rc"
