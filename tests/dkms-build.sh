#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/dkms-build.sh: the DKMS path, as a host installs it: dkms add + build for every
# Debian test kernel whose headers are installed (6.12 gets a compressed .ko.xz) (5.10 needs gcc-10, which kmod/Makefile picks
# from the kernel's own config), then dkms remove.  Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
list=${VNS_LAB:-/var/cache/vns-lab}/kernels.list
pass=0 failed=0
for kver in $(awk '{ print $2 }' "$list" 2>/dev/null); do
	[ -d "/lib/modules/$kver/build" ] || continue	# DKMS builds against installed headers
	# as from a shell on the host: not inside the make that runs the tests
	if env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES \
		"$top/scripts/dkms.sh" build "$ver" "$kver" > "$top/build/dkms-$kver.log" 2>&1 &&
	   ls "/var/lib/dkms/vnetscope/$ver/$kver/x86_64/module/"vnetscope.ko* >/dev/null 2>&1; then
		echo "PASS dkms/build-$kver"
		pass=$((pass + 1))
	else
		echo "FAIL dkms/build-$kver: see build/dkms-$kver.log"
		tail -n 20 "$top/build/dkms-$kver.log" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done
"$top/scripts/dkms.sh" remove "$ver" >/dev/null 2>&1
[ $((pass + failed)) -gt 0 ] || { echo "FAIL dkms: no kernel headers under /lib/modules"; failed=1; }
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
