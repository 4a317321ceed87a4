#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kmod.sh KVER
#
# Builds the vnetscope module for kernel KVER out of tree, without writing into the source dir:
# kmod/, include/ and the top Makefile (the version) are mirrored (build products and generated/ excluded, deleted sources
# removed, mtimes kept so that rebuilds are incremental) into build/kmod/KVER/, then
#   make -C <repo>/build/kmod/KVER/kmod KDIR=$KDIR modules   (kmod/ has Kbuild and a Makefile)
#   make -C $KDIR M=<repo>/build/kmod/KVER/kmod modules      (kmod/ has only a Kbuild)
# runs with the compiler the kernel was built with (CC=gcc-10 for Debian's 5.10 and our 4.19);
# an arm64 kernel's tree (CONFIG_ARM64=y) is cross-built: ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-<the kernel's gcc>.
# Make's output goes to stderr; stdout gets the path of each resulting .ko, one a line.
#
# Environment: KDIR (default /usr/src/linux-headers-KVER), VNS_BUILD (default <repo>/build),
# VNS_MAKEFLAGS (extra make arguments, e.g. W=1), VNS_SELFTEST=1 (the test build: the module
# with its "selftest" collector, make VNS_SELFTEST=y, in build/kmod-test/KVER/ so that it never
# mixes with the build that is installed or demonstrated). The test build also mirrors the test-only
# module tests/fixtures/ (vns_fixtures.ko, never installed) into build/kmod-test/KVER/tests/fixtures/
# and builds it there with make -C $KDIR M=..., printing its .ko after vnetscope's.
# VNS_KPROBE_ARGS=regs|none: a test build (as VNS_SELFTEST=1) whose kprobes read arguments from
# the architecture's registers (regs) or not at all (none), make VNS_KPROBE_ARGS=...; in
# build/kmod-test/KVER-args-MODE/.
set -eu
[ $# -eq 1 ] || { echo "usage: build-kmod.sh KVER" >&2; exit 2; }
KV=$1
REPO=$(cd "$(dirname "$0")/.." && pwd)
KDIR=${KDIR:-/usr/src/linux-headers-$KV}
BUILD=${VNS_BUILD:-$REPO/build}
DEST=$BUILD/kmod/$KV
selftest=() fixtures=
args=${VNS_KPROBE_ARGS:-}
case $args in
  ''|regs|none) ;;
  *) echo "build-kmod: VNS_KPROBE_ARGS=$args: regs or none" >&2; exit 2;;
esac
if [ "${VNS_SELFTEST:-0}" = 1 ] || [ -n "$args" ]; then
  DEST=$BUILD/kmod-test/$KV selftest=(VNS_SELFTEST=y)
  [ -f "$REPO/tests/fixtures/Kbuild" ] && fixtures=tests/fixtures
fi
if [ -n "$args" ]; then
  DEST=$BUILD/kmod-test/$KV-args-$args
  selftest+=(VNS_KPROBE_ARGS="$args")
fi

[ -f "$KDIR/Makefile" ] || { echo "build-kmod: no kernel build tree at $KDIR (scripts/lab-setup.sh)" >&2; exit 3; }
[ -f "$REPO/kmod/Kbuild" ] || [ -f "$REPO/kmod/Makefile" ] ||
  { echo "build-kmod: no kmod/Kbuild (nor kmod/Makefile) in $REPO" >&2; exit 3; }

# --- mirror the sources ---
# Build products that must not be copied from a source dir where someone ran make by hand.
PRODUCTS=('*.o' '*.ko' '*.mod' '*.mod.c' '*.a' '*.cmd' '.*.d' '*.dwo' '*.symvers' '*.order'
          '.tmp_versions' '.cache.mk' '*.gcno' '*.lst' '.*.tmp' '*.i' '*.s' 'generated')
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
exec 9>"$DEST.lock"          # one build per kernel at a time in this tree
flock -n 9 || { echo "build-kmod: $KV: waiting for another build" >&2; flock 9; }
dirs=(kmod); [ -d "$REPO/include" ] && dirs+=(include)
dirs+=(Makefile)              # the top Makefile: the version (VERSION :=), read by kmod/Kbuild
[ -n "$fixtures" ] && dirs+=("$fixtures")
find_args=()
for p in "${PRODUCTS[@]}"; do find_args+=(-name "$p" -o); done
new_manifest=$(cd "$REPO" && find "${dirs[@]}" \( "${find_args[@]}" -false \) -prune -o \
                 \( -type f -o -type l \) -print | LC_ALL=C sort)
# Files that an earlier run copied and that are gone from the sources now; files that the build
# generated itself (not in any manifest) are left alone.
if [ -f "$DEST/.vns-manifest" ]; then
  LC_ALL=C comm -23 "$DEST/.vns-manifest" <(printf '%s\n' "$new_manifest") |
    while IFS= read -r f; do [ -n "$f" ] && rm -f "$DEST/$f"; done
fi
printf '%s\n' "$new_manifest" | (cd "$REPO" && tar -cf - --no-recursion -T -) | tar -C "$DEST" -xpf -
printf '%s\n' "$new_manifest" > "$DEST/.vns-manifest"

# --- the compiler the kernel was built with ---
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\).*/\1/p' "$KDIR/.config" 2>/dev/null)    # 5.8+
[ -n "$cc" ] || cc=$(sed -n 's/^# Compiler: \([^ ]*\).*/\1/p' "$KDIR/.config" 2>/dev/null) # 4.18-5.7
[ -n "$cc" ] || cc=$(sed -n 's/^#define CONFIG_CC_VERSION_TEXT "\([^ ]*\).*/\1/p' \
                       "$KDIR/include/generated/autoconf.h" 2>/dev/null)
# An arm64 kernel (Debian's, built natively) is cross-built here: ARCH=arm64 and the
# aarch64-linux-gnu- cross compiler of the same gcc version (gcc-aarch64-linux-gnu, and
# bullseye's gcc-10-aarch64-linux-gnu for 5.10; scripts/lab-setup.sh installs them).
ccarg=() cross=()
if grep -qx 'CONFIG_ARM64=y' "$KDIR/.config" 2>/dev/null && [ "$(uname -m)" != aarch64 ]; then
  cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
  cc=aarch64-linux-gnu-${cc#aarch64-linux-gnu-}
  [ "$cc" != aarch64-linux-gnu- ] || cc=aarch64-linux-gnu-gcc
fi
case $cc in
  *gcc-[0-9]*|*clang-[0-9]*|aarch64-linux-gnu-*)   # a versioned (or cross) compiler: the one we use
    if command -v "$cc" >/dev/null; then ccarg=(CC="$cc")
    else
      echo "build-kmod: $KV was built with ${cc#aarch64-linux-gnu-}, and $cc is not installed" \
           "(scripts/lab-setup.sh installs gcc-10 from bullseye, and the arm64 cross compilers)" >&2
      exit 3
    fi;;
esac
ccarg+=("${cross[@]}")

# With both a Kbuild and a Makefile, the Makefile is the module's own front end (it runs the
# compat feature tests before kbuild): use it, telling it the kernel. Else call kbuild directly.
if [ -f "$DEST/kmod/Kbuild" ] && [ -f "$DEST/kmod/Makefile" ]; then
  cmd=(make -C "$DEST/kmod" KDIR="$KDIR")
else
  cmd=(make -C "$KDIR" M="$DEST/kmod")
fi
# shellcheck disable=SC2206  # VNS_MAKEFLAGS is a list of arguments
cmd+=("${ccarg[@]}" "${selftest[@]}" -j"$(nproc)" ${VNS_MAKEFLAGS:-} modules)
echo "build-kmod: $KV: ${cmd[*]}" >&2
"${cmd[@]}" >&2 || { echo "build-kmod: $KV: build failed" >&2; exit 1; }

kos=$(find "$DEST/kmod" -name '*.ko' | LC_ALL=C sort)
[ -n "$kos" ] || { echo "build-kmod: $KV: make produced no .ko" >&2; exit 1; }

# The test-only fixtures module: a plain Kbuild, built by kbuild directly.
if [ -n "$fixtures" ]; then
  # shellcheck disable=SC2206  # VNS_MAKEFLAGS is a list of arguments
  fcmd=(make -C "$KDIR" M="$DEST/$fixtures" "${ccarg[@]}" -j"$(nproc)" ${VNS_MAKEFLAGS:-} modules)
  echo "build-kmod: $KV: ${fcmd[*]}" >&2
  "${fcmd[@]}" >&2 || { echo "build-kmod: $KV: $fixtures: build failed" >&2; exit 1; }
  fkos=$(find "$DEST/$fixtures" -name '*.ko' | LC_ALL=C sort)
  [ -n "$fkos" ] || { echo "build-kmod: $KV: $fixtures: make produced no .ko" >&2; exit 1; }
  kos+=$'\n'$fkos
fi
printf '%s\n' "$kos"
