#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/build-3.10.sh: the module compiles against CentOS 7.8's kernel (3.10.0-1127.el7), which
# no lab VM boots: build only.  The build tree comes from ../shared/kernels/3.10.0-1127.el7/
# build.tar.xz beside the repository (VNS_EL7_TARBALL overrides it) and is unpacked once under
# build/el7/.  Builds, with the host's gcc (Debian 12's gcc 12):
#   el7/module     the module as installed (scripts/build-kmod.sh)
#   el7/selftest   the test build (VNS_SELFTEST=y), without the test fixtures module
# Each must build without any compiler warning or error.  Then the feature tests that 3.10's
# branches rest on must have found what CentOS 7.8 has (el7/feature-*): CPU notifiers under
# cpu_notifier_register_begin(), kallsyms_lookup_name() exported (tracepoint existence), and
# OVS conntrack keys (ovs_flow_key_extract_userspace's skb is argument 2, as in its flow.h).
# Ends with "N passed, N failed"; exits 1 if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kver=3.10.0-1127.el7
tarball=${VNS_EL7_TARBALL:-$top/../shared/kernels/$kver/build.tar.xz}
out=$top/build/el7
kdir=$out/linux-headers-$kver
pass=0 failed=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	[ -z "${3:-}" ] || grep -E 'warning:|error:' "$3" | head -n 20 | sed 's/^/    | /'
}
finish() { echo "$pass passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

# as from a shell on the host: not inside the make that runs the tests
unset MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES

if [ ! -f "$tarball" ]; then
	ko el7/tree "no $tarball"
	finish
fi
mkdir -p "$out"
if [ ! -f "$kdir/Module.symvers" ] || [ "$tarball" -nt "$out/.unpacked" ]; then
	rm -rf "$kdir"
	if tar -C "$out" -xJf "$tarball" && [ -f "$kdir/Module.symvers" ]; then
		touch "$out/.unpacked"
	else
		ko el7/tree "cannot unpack $tarball into $out"
		finish
	fi
fi

# build NAME LOG CMD...: PASS if CMD succeeds and its log has no compiler warning or error
build() {
	local name=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1 && ! grep -qE 'warning:|error:' "$log"; then
		ok "$name"
	else
		ko "$name" "see ${log#$top/}" "$log"
		tail -n 5 "$log" | sed 's/^/    | /'
	fi
}

# the module, mirrored into build/el7/kmod/ by the project's own build script
build el7/module "$out/module.log" \
	env KDIR="$kdir" VNS_BUILD="$out" VNS_SELFTEST=0 \
	"$top/scripts/build-kmod.sh" "$kver"
ko_file=$out/kmod/$kver/kmod/vnetscope.ko
[ -f "$ko_file" ] || ko el7/module-ko "no $ko_file"

# the test build: the sources copied (never built in place), the fixtures left out (test-only)
src=$out/selftest
rm -rf "$src"
mkdir -p "$src"
cp -a "$top/kmod" "$top/include" "$top/Makefile" "$src/"
rm -rf "$src/kmod/compat/generated"
build el7/selftest "$out/selftest.log" \
	make -C "$src/kmod" KDIR="$kdir" VNS_SELFTEST=y modules

# what the 3.10 branches of kmod/compat rest on
cfg=$out/kmod/$kver/kmod/compat/generated/vns_config.h
for f in CPU_NOTIFIER_REGISTER_BEGIN KALLSYMS_LOOKUP_NAME_EXPORTED OVS_KEY_ATTR_CT_STATE; do
	n=el7/feature-$(echo "$f" | tr 'A-Z_' 'a-z-')
	if grep -q "^#define HAVE_$f 1" "$cfg" 2>/dev/null; then
		ok "$n"
	else
		ko "$n" "HAVE_$f not found in ${cfg#$top/}"
	fi
done
finish
