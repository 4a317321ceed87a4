#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh install|build|remove VERSION [KVER]
#   install: copy the module source to /usr/src/vnetscope-VERSION, then
#            dkms add, build and install for KVER (default: running kernel)
#   build:   the same up to dkms build (used by CI for the test kernels)
#   remove:  dkms remove --all and delete the source copy
set -eu
cmd=$1
ver=$2
kver=${3:-$(uname -r)}
top=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/src/vnetscope-$ver

stage() {
	rm -rf "$src"
	mkdir -p "$src"
	cp -a "$top/kmod" "$top/include" "$src/"
	cp "$top/dkms/dkms.conf" "$src/dkms.conf"
	rm -rf "$src/kmod/compat/generated"
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \
		-o -name '*.mod*' -o -name 'Module.symvers' \
		-o -name 'modules.order' \) -exec rm -f {} +
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
	echo "usage: dkms.sh install|build|remove VERSION [KVER]" >&2
	exit 2
	;;
esac
