#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh install|build|remove [VERSION [KVER]]
#   install: copy the module source to /usr/src/vnetscope-VERSION, then
#            dkms add, build and install for KVER (default: running kernel)
#   build:   the same up to dkms build (used by CI for the test kernels)
#   remove:  dkms remove --all and delete the source copy
# VERSION is the top Makefile's VERSION (the one place it is written; an
# argument that differs is an error).  The copy carries it in dkms.conf
# and in kmod/VERSION, which kmod/Kbuild reads when there is no Makefile
# above kmod/.  The packages (make rpm, make deb) hold the same tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
mkver=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
ver=${2:-$mkver}
kver=${3:-$(uname -r)}
if [ -z "$ver" ] || [ "$ver" != "$mkver" ]; then
	echo "dkms.sh: version '$ver' is not the top Makefile's ('$mkver')" >&2
	exit 2
fi
src=/usr/src/vnetscope-$ver

# the tree the vnetscope-dkms packages hold (the top Makefile's install-dkms-source)
stage() {
	rm -rf "$src"
	env -u MAKEFLAGS -u MAKELEVEL make -s -C "$top" install-dkms-source DESTDIR= >/dev/null
}

case $cmd in
install|build)
	command -v dkms >/dev/null || {
		echo "dkms.sh: dkms is not installed (apt-get install dkms)" >&2
		exit 1
	}
	dkms remove -m vnetscope -v "$ver" --all >/dev/null 2>&1 || true
	stage
	dkms add -m vnetscope -v "$ver"
	dkms build -m vnetscope -v "$ver" -k "$kver"
	if [ "$cmd" = install ]; then
		dkms install -m vnetscope -v "$ver" -k "$kver"
	fi
	;;
remove)
	dkms remove -m vnetscope -v "$ver" --all || true
	rm -rf "$src"
	;;
*)
	echo "usage: dkms.sh install|build|remove [VERSION [KVER]]" >&2
	exit 2
	;;
esac
