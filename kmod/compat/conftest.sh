#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# conftest.sh KDIR OUT [MAKE_ARGS...]
#
# Build-time feature tests, in the manner of OpenZFS's config/kernel-*.m4 and
# WireGuard's compat: every conftest/<feature>.c is a tiny translation unit
# that compiles only if the target kernel has <feature>.  All are compiled in
# one parallel kbuild pass against KDIR; OUT (vns_config.h) gets one
# "#define HAVE_<FEATURE> 1" per test that compiled.  The result is cached:
# OUT is rebuilt only when the kernel release, KDIR, a test or MAKE_ARGS
# (compiler, ARCH, CROSS_COMPILE) change.
set -eu
KDIR=$1
OUT=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
rel=$(cat "$KDIR/include/config/kernel.release" 2>/dev/null || echo unknown)
# (the make arguments too: another compiler or architecture gives other results, and a
# build that failed for a wrong compiler must not leave its results for the right one)
stamp="/* vns_config.h: kernel $rel, kdir $KDIR, tests $(cat "$here"/conftest/*.c "$0" | cksum | cut -d' ' -f1), make $(echo "$*" | cksum | cut -d' ' -f1) */"

if [ -f "$OUT" ] && [ "$(head -n 1 "$OUT")" = "$stamp" ]; then
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vns-conftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
objs=
for f in "$here"/conftest/*.c; do
	n=$(basename "$f" .c)
	cp "$f" "$tmp/$n.c"
	objs="$objs $n.o"
done
printf 'obj-m := %s\nccflags-y := -Werror\n' "$objs" > "$tmp/Kbuild"
make -C "$KDIR" M="$tmp" -k -j"$(nproc 2>/dev/null || echo 2)" "$@" $objs \
	> "$tmp/log" 2>&1 || true

mkdir -p "$(dirname "$OUT")"
{
	echo "$stamp"
	echo "#ifndef _VNS_CONFIG_H"
	echo "#define _VNS_CONFIG_H"
	for o in $objs; do
		n=$(basename "$o" .o)
		N=$(echo "$n" | tr a-z A-Z)
		if [ -f "$tmp/$o" ]; then
			echo "#define HAVE_$N 1"
		else
			echo "/* #undef HAVE_$N */"
		fi
	done
	# Exports cannot be compile-tested: read the kernel's symbol versions.
	if grep -q '[[:space:]]kallsyms_lookup_name[[:space:]]' \
		"$KDIR/Module.symvers" 2>/dev/null; then
		echo "#define HAVE_KALLSYMS_LOOKUP_NAME_EXPORTED 1"
	else
		echo "/* #undef HAVE_KALLSYMS_LOOKUP_NAME_EXPORTED */"
	fi
	echo "#endif"
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
