#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pkg.sh dist|rpm|deb VERSION: the top Makefile's `make dist`, `make rpm` and `make deb`.
#   dist  build/vnetscope-VERSION.tar.gz: the files git knows (outside a git checkout: the
#         tree without build outputs) under vnetscope-VERSION/, and vnetscope.spec made from
#         dkms/vnetscope.spec.in with the version and the dkms scriptlets written in
#   rpm   rpmbuild -ta of that tarball into build/rpm (RPMS/<arch>/vnetscope-VERSION-1.<arch>.rpm,
#         RPMS/noarch/vnetscope-dkms-VERSION-1.noarch.rpm)
#   deb   build/deb/vnetscope_VERSION-1_amd64.deb and vnetscope-dkms_VERSION-1_all.deb, built
#         from the same tarball with dpkg-deb from staged trees (control files: dkms/deb/)
# The dkms packages' scriptlets are dkms/post-install.sh and dkms/pre-remove.sh, the same
# text in the RPM's %post/%preun and the DEB's postinst/prerm.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-} ver=${2:-}
mkver=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
if [ -z "$ver" ] || [ "$ver" != "$mkver" ]; then
	echo "pkg.sh: version '$ver' is not the top Makefile's ('$mkver')" >&2
	exit 2
fi
name=vnetscope-$ver
tgz=$top/build/$name.tar.gz
rel=1
# rpmbuild and the packages' own makes run as from a shell, not inside this make
unset MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES

# scriptlet NAME: dkms/NAME.sh with the version written in
scriptlet() { sed "s/@VERSION@/$ver/g" "$top/dkms/$1.sh"; }

# spec: vnetscope.spec from dkms/vnetscope.spec.in; in the scriptlets every % is doubled, so
# that rpm's macro expansion gives back the file's text
spec() {
	local post preun
	post=$(scriptlet post-install | sed 's/%/%%/g')
	preun=$(scriptlet pre-remove | sed 's/%/%%/g')
	awk -v post="$post" -v preun="$preun" -v ver="$ver" '
		$0 == "@DKMS_POST@" { print post; next }
		$0 == "@DKMS_PREUN@" { print preun; next }
		{ gsub(/@VERSION@/, ver); print }' "$top/dkms/vnetscope.spec.in"
}

dist() {
	local st mtime
	mkdir -p "$top/build"
	st=$(mktemp -d "$top/build/.dist.XXXXXX")
	mkdir "$st/$name"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1 &&
	   [ "$(git -C "$top" rev-parse --show-toplevel)" = "$top" ]; then
		(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -C "$st/$name" -xf -
		mtime=$(git -C "$top" log -1 --format=%ct)
	else
		(cd "$top" && tar --exclude=./build --exclude=./vnetscope.spec \
			--exclude='*.o' --exclude='*.ko' --exclude='*.ko.*' --exclude='*.mod' \
			--exclude='*.mod.c' --exclude='*.cmd' --exclude='.*.cmd' --exclude='*.a' \
			--exclude='*.symvers' --exclude='*.order' --exclude='*.d' \
			--exclude=.tmp_versions --exclude=./kmod/compat/generated \
			--exclude=./cli/vnetscope --exclude=./cli/.build-flags \
			--exclude=__pycache__ -cf - .) | tar -C "$st/$name" -xf -
		mtime=$(date +%s)
	fi
	spec > "$st/$name/vnetscope.spec"
	tar -C "$st" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
		-cf - "$name" | gzip -9n > "$tgz.new"
	mv -f "$tgz.new" "$tgz"
	rm -rf "$st"
	echo "pkg.sh: ${tgz#"$top"/}"
}

rpm_build() {
	command -v rpmbuild >/dev/null ||
		{ echo "pkg.sh: rpmbuild missing (Debian: apt-get install rpm)" >&2; exit 1; }
	dist
	rm -rf "$top/build/rpm"
	# --nodeps: on a Debian build host rpm's database has none of the BuildRequires (gcc,
	# libnl3-devel, ...), which come from dpkg here
	# Debian's rpm runs brp-compress (#!/bin/sh, with bash's read -d) under dash, which then
	# leaves the man page uncompressed: bash runs it where sh lacks read -d
	local brp=()
	if ! sh -c 'read -r -d x v' </dev/null 2>/dev/null; then
		brp=(--define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}")
	fi
	rpmbuild --quiet -ta --nodeps --define "_topdir $top/build/rpm" "${brp[@]}" "$tgz"
	(cd "$top" && ls build/rpm/RPMS/*/*.rpm)
}

deb_build() {
	local d=$top/build/deb src arch deps size p
	dist
	rm -rf "$d"
	mkdir -p "$d"
	tar -C "$d" -xzf "$tgz"
	src=$d/$name
	arch=$(dpkg --print-architecture)

	# vnetscope: the CLI and its files, in Debian's paths
	p=$d/vnetscope
	make -s -C "$src" cli
	make -s -C "$src" install-files DESTDIR="$p" PREFIX=/usr >/dev/null
	strip --strip-unneeded --remove-section=.comment --remove-section=.note \
		"$p/usr/sbin/vnetscope"
	gzip -9n "$p/usr/share/man/man8/vnetscope.8"
	mkdir -p "$p/DEBIAN"
	if command -v dpkg-shlibdeps >/dev/null; then
		# dpkg-shlibdeps reads debian/control: a minimal one, under build/deb
		mkdir -p "$d/shlibs/debian"
		printf 'Source: vnetscope\n\nPackage: vnetscope\nArchitecture: any\n' \
			> "$d/shlibs/debian/control"
		deps=$(cd "$d/shlibs" && dpkg-shlibdeps -O "$p/usr/sbin/vnetscope" |
			sed -n 's/^shlibs:Depends=//p')
	else
		deps="libc6, libnl-3-200, libnl-genl-3-200, libjson-c5"
	fi
	size=$(du -sk --exclude=DEBIAN "$p" | cut -f1)
	sed -e "s/@VERSION@/$ver-$rel/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$deps/" \
		-e "s/@SIZE@/$size/" -e "/^#/d" "$top/dkms/deb/vnetscope.control" > "$p/DEBIAN/control"
	echo /etc/vnetscope.conf > "$p/DEBIAN/conffiles"
	for s in postinst prerm postrm; do
		install -m 0755 "$top/dkms/deb/vnetscope.$s" "$p/DEBIAN/$s"
	done
	dpkg-deb --root-owner-group -Zxz --build "$p" "$d/vnetscope_$ver-${rel}_$arch.deb" >/dev/null

	# vnetscope-dkms: the module's source for DKMS, and the RPM's scriptlets
	p=$d/vnetscope-dkms
	make -s -C "$src" install-dkms-source DESTDIR="$p" >/dev/null
	install -D -m 0644 "$src/LICENSE" "$p/usr/share/doc/vnetscope-dkms/LICENSE"
	mkdir -p "$p/DEBIAN"
	size=$(du -sk --exclude=DEBIAN "$p" | cut -f1)
	sed -e "s/@VERSION@/$ver-$rel/" -e "s/@SIZE@/$size/" -e "/^#/d" \
		"$top/dkms/deb/vnetscope-dkms.control" > "$p/DEBIAN/control"
	scriptlet post-install > "$p/DEBIAN/postinst"
	scriptlet pre-remove > "$p/DEBIAN/prerm"
	chmod 0755 "$p/DEBIAN/postinst" "$p/DEBIAN/prerm"
	dpkg-deb --root-owner-group -Zxz --build "$p" "$d/vnetscope-dkms_$ver-${rel}_all.deb" >/dev/null
	(cd "$top" && ls build/deb/*.deb)
}

case $cmd in
dist) dist ;;
rpm) rpm_build ;;
deb) deb_build ;;
*) echo "usage: pkg.sh dist|rpm|deb VERSION" >&2; exit 2 ;;
esac
