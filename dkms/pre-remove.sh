#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vnetscope-dkms before removal: the RPM's %preun and the DEB's prerm are this text.
# Removes version @VERSION@ from DKMS for every kernel (the module files it installed and its
# builds).  On an rpm upgrade to the same version the new package's %post has left a lock that
# --rpm_safe_upgrade finds: the remove is then skipped.
set -u
ver=@VERSION@
case ${1:-} in
[0-9]*) safe=--rpm_safe_upgrade ;;
remove|upgrade|deconfigure) safe= ;;
*) exit 0 ;;				# dpkg's failed-upgrade
esac
if [ -n "$(dkms status -m vnetscope -v "$ver" 2>/dev/null)" ]; then
	dkms remove ${safe:+"$safe"} -m vnetscope -v "$ver" --all || :
fi
exit 0
