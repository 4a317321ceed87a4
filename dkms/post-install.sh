#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vnetscope-dkms after install: the RPM's %post and the DEB's postinst are this text (make dist
# writes it into vnetscope.spec, make deb into the postinst; tests/pkg-test.sh compares them).
# Registers the source in /usr/src/vnetscope-@VERSION@ with DKMS, then builds and installs the
# module for the running kernel when its headers are installed; DKMS builds it for every kernel
# installed later.  A failed build leaves the package installed (the log is named).
set -u
ver=@VERSION@
case ${1:-} in
[0-9]*) safe=--rpm_safe_upgrade ;;	# rpm: the new %post runs before the old %preun
configure) safe= ;;
*) exit 0 ;;				# dpkg's abort-*: nothing was removed
esac
kver=$(uname -r)
if [ -z "$(dkms status -m vnetscope -v "$ver" 2>/dev/null)" ]; then
	dkms add ${safe:+"$safe"} -m vnetscope -v "$ver" || exit 1
elif [ -n "$safe" ]; then
	# an rpm reinstall or upgrade of the same version: this add fails ("already contains")
	# but leaves the lock that keeps the old package's %preun from removing the new one
	dkms add "$safe" -m vnetscope -v "$ver" >/dev/null 2>&1 || :
fi
if [ -e "/lib/modules/$kver/build/Makefile" ]; then
	if dkms build -m vnetscope -v "$ver" -k "$kver" &&
	   dkms install ${safe:+"$safe"} -m vnetscope -v "$ver" -k "$kver"; then
		:
	else
		echo "vnetscope-dkms: the module did not build for $kver:" \
			"see /var/lib/dkms/vnetscope/$ver/build/make.log" >&2
	fi
else
	echo "vnetscope-dkms: no headers for the running kernel $kver (kernel-devel-$kver or" \
		"linux-headers-$kver): the module is built when they are installed"
fi
exit 0
