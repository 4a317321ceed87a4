#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg-test.sh: the packages and the DKMS path through them (make check's pkg-check).
#  1. make rpm and make deb, once; the four packages' names, versions, architectures, file
#     lists (exact), conffiles, dependencies and scriptlets (the dkms ones: dkms/post-install.sh
#     and dkms/pre-remove.sh, the same text in the RPM and the DEB).
#  2. make install-files into a DESTDIR (exact list, the unit's ExecStart), install-module into
#     a DESTDIR (no depmod on this host), kmod/Makefile's kernel-option check.
#  3. the vnetscope-dkms RPM's payload (rpm2cpio) in /usr/src, then its %post as rpm runs it,
#     with `uname -r` giving each lab kernel in turn: the module in DKMS's tree and in
#     /lib/modules/KVER/updates/dkms, its vermagic and version; 4.19.95-vns has no
#     /lib/modules tree here, so %post only adds and says so; 6.1 is built by DKMS in 4, not
#     here too; then %preun removes everything.
#  4. the DEB host cycle: dpkg -i both, dkms install for 6.1, vnetscope --version, the guest
#     script tests/vm/pkg-guest.sh (when it exists) in a 6.1 VM, dpkg -r (only the conffile
#     stays), dpkg -P (nothing stays).
# Needs root, rpm (rpmbuild, rpm2cpio), dkms, cpio.  Leaves no package, no /usr/src copy and
# nothing in DKMS behind.  VNS_PKG_HOST=0 leaves out 3 and 4 (what touches this host).
# Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
rel=1
list=${VNS_LAB:-/var/cache/vns-lab}/kernels.list
VM_KVER=6.1.0-57-amd64
src=/usr/src/vnetscope-$ver
pass=0 failed=0
t0=$(date +%s)
# the makes and dkms run as from a shell, not inside the make that runs the tests
unset MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES

ok() { echo "PASS pkg/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL pkg/$1${2:+: $2}"; failed=$((failed + 1)); }
# same NAME EXPECTED ACTUAL: exact comparison, a diff when they differ
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1" "expected vs. got:"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    | /' | head -n 40
	fi
}
# has NAME LINE TEXT: TEXT has the line LINE
has() {
	if grep -qxF -- "$2" <<<"$3"; then ok "$1"; else bad "$1" "no line '$2'"; fi
}
elapsed() { echo $(($(date +%s) - $1)); }

[ "$(id -u)" = 0 ] || { echo "FAIL pkg: must run as root"; echo "0 passed, 1 failed"; exit 1; }
for c in rpmbuild rpm2cpio cpio dkms dpkg-deb modinfo; do
	command -v "$c" >/dev/null ||
		{ echo "FAIL pkg: $c missing (scripts/lab-setup.sh)"; echo "0 passed, 1 failed"; exit 1; }
done
host=${VNS_PKG_HOST:-1}
# Someone else's vnetscope in DKMS or /usr/src (make dkms-install) is not the test's to remove
if [ "$host" = 1 ] && { [ -e "$src" ] || [ -n "$(dkms status -m vnetscope 2>/dev/null)" ] ||
   dpkg-query -W vnetscope vnetscope-dkms >/dev/null 2>&1; }; then
	echo "FAIL pkg: this host has vnetscope installed already ($src, dkms status," \
		"dpkg -l vnetscope*): remove it first"
	echo "0 passed, 1 failed"
	exit 1
fi

scratch=$(mktemp -d /tmp/vns-pkg.XXXXXX)
log=$top/build/pkg-test
rm -rf "$log"; mkdir -p "$log"
cleanup() {
	rm -rf "$scratch"
	[ "$host" = 1 ] || return 0
	for p in vnetscope-dkms vnetscope; do
		dpkg-query -W "$p" >/dev/null 2>&1 && dpkg -P "$p" >/dev/null 2>&1
	done
	[ -n "$(dkms status -m vnetscope 2>/dev/null)" ] &&
		dkms remove -m vnetscope -v "$ver" --all >/dev/null 2>&1
	rm -rf "$src" /var/lib/dkms/vnetscope "$scratch"
	rm -f /lib/modules/*/updates/dkms/vnetscope.ko*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build ---
t=$(date +%s)
if make -C "$top" rpm > "$log/rpm.log" 2>&1; then ok build-rpm; else
	bad build-rpm "see build/pkg-test/rpm.log"; tail -n 20 "$log/rpm.log" | sed 's/^/    | /'; fi
if make -C "$top" deb > "$log/deb.log" 2>&1; then ok build-deb; else
	bad build-deb "see build/pkg-test/deb.log"; tail -n 20 "$log/deb.log" | sed 's/^/    | /'; fi
echo "pkg: make rpm + make deb: $(elapsed "$t") s"
arch=$(rpm --eval '%{_arch}')
rpmx=$top/build/rpm/RPMS/$arch/vnetscope-$ver-$rel.$arch.rpm
rpmd=$top/build/rpm/RPMS/noarch/vnetscope-dkms-$ver-$rel.noarch.rpm
debx=$top/build/deb/vnetscope_$ver-${rel}_$(dpkg --print-architecture).deb
debd=$top/build/deb/vnetscope-dkms_$ver-${rel}_all.deb
same rpm-files-built "$(printf '%s\n' "RPMS/$arch/vnetscope-$ver-$rel.$arch.rpm" \
	"RPMS/noarch/vnetscope-dkms-$ver-$rel.noarch.rpm" | sort)" \
	"$(cd "$top/build/rpm" 2>/dev/null && find RPMS -name '*.rpm' | sort)"
same deb-files-built "$(printf '%s\n' "${debd##*/}" "${debx##*/}")" \
	"$(cd "$top/build/deb" 2>/dev/null && find . -maxdepth 1 -name '*.deb' | sed 's|^\./||' | sort)"
same dist-spec "Version:	$ver" \
	"$(tar -xzOf "$top/build/vnetscope-$ver.tar.gz" "vnetscope-$ver/vnetscope.spec" 2>/dev/null |
		grep '^Version:')"

# The expected file lists.  The dkms packages: kmod/ and include/ as git has them (else as the
# tarball has them), dkms.conf and kmod/VERSION, under /usr/src/vnetscope-VER.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	srcfiles=$(git -C "$top" ls-files kmod include)
else
	srcfiles=$(tar -tzf "$top/build/vnetscope-$ver.tar.gz" | sed -n "s|^vnetscope-$ver/||p" |
		grep -E '^(kmod|include)/' | grep -v '/$')
fi
# with_dirs: the paths of stdin and every directory above them, up to (not with) $1
with_dirs() {
	awk -v stop="$1" '{ p = $0; print p
		while (sub(/\/[^\/]*$/, "", p) && p != stop && p != "") print p }' | sort -u
}
dkms_files=$(printf '%s\n' "$srcfiles" dkms.conf kmod/VERSION | sed "s|^|$src/|" | with_dirs /usr/src)
cli_files="/etc/vnetscope.conf
/usr/lib/systemd/system/vnetscope.service
/usr/sbin/vnetscope
/usr/share/bash-completion/completions/vnetscope
/usr/share/doc/vnetscope/CHANGELOG
/usr/share/doc/vnetscope/LICENSE
/usr/share/doc/vnetscope/README.md
/usr/share/doc/vnetscope/examples/modprobe.d/vnetscope.conf
/usr/share/doc/vnetscope/examples/modules-load.d/vnetscope.conf
/usr/share/man/man8/vnetscope.8.gz"

# --- RPM ---
same rpm-vnetscope-nvra "vnetscope $ver $rel $arch" \
	"$(rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE} %{ARCH}\n' "$rpmx" 2>/dev/null)"
same rpm-dkms-nvra "vnetscope-dkms $ver $rel noarch" \
	"$(rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE} %{ARCH}\n' "$rpmd" 2>/dev/null)"
# the build-id link rpmbuild adds for the binary
mkdir -p "$scratch/rpmx" "$scratch/rpmd"
(cd "$scratch/rpmx" && rpm2cpio "$rpmx" | cpio -idm --quiet) 2>/dev/null
(cd "$scratch/rpmd" && rpm2cpio "$rpmd" | cpio -idm --quiet) 2>/dev/null
bid=$(readelf -n "$scratch/rpmx/usr/sbin/vnetscope" 2>/dev/null | sed -n 's/^ *Build ID: //p')
exp=$( { printf '%s\n' "$cli_files" | grep -v '^/usr/share/doc'
	 printf '%s\n' /usr/share/doc/vnetscope /usr/share/doc/vnetscope/CHANGELOG \
		/usr/share/doc/vnetscope/LICENSE /usr/share/doc/vnetscope/README.md
	 printf '%s\n' /usr/share/doc/vnetscope/examples/modprobe.d/vnetscope.conf \
		/usr/share/doc/vnetscope/examples/modules-load.d/vnetscope.conf |
		with_dirs /usr/share/doc/vnetscope
	 printf '%s\n' /usr/lib/.build-id "/usr/lib/.build-id/${bid:0:2}" \
		"/usr/lib/.build-id/${bid:0:2}/${bid:2}"; } | sort)
same rpm-vnetscope-files "$exp" "$(rpm -qlp "$rpmx" 2>/dev/null | sort)"
same rpm-dkms-files "$dkms_files" "$(rpm -qlp "$rpmd" 2>/dev/null | sort)"
same rpm-vnetscope-config "/etc/vnetscope.conf" "$(rpm -qcp "$rpmx" 2>/dev/null)"
same rpm-vnetscope-noreplace "cn /etc/vnetscope.conf" \
	"$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpmx" | grep ' /etc/')"
req=$(rpm -qp --requires "$rpmd" 2>/dev/null)
for r in dkms gcc make kernel-devel elfutils-libelf-devel; do has "rpm-dkms-requires-$r" "$r" "$req"; done
req=$(rpm -qp --requires "$rpmx" 2>/dev/null)
for r in 'libnl-3.so.200()(64bit)' 'libnl-genl-3.so.200()(64bit)' 'libjson-c.so.5()(64bit)'; do
	has "rpm-vnetscope-requires-${r%%.so*}" "$r" "$req"
done
# scriptlet TEXT HEADER: the body of one scriptlet of `rpm -qp --scripts`
scriptlet() {
	awk -v h="$2" '/^[a-z]+ scriptlet \(using / { on = index($0, h) == 1; next } on' <<<"$1"
}
scripts=$(rpm -qp --scripts "$rpmd" 2>/dev/null)
post=$(sed "s/@VERSION@/$ver/g" "$top/dkms/post-install.sh")
preun=$(sed "s/@VERSION@/$ver/g" "$top/dkms/pre-remove.sh")
same rpm-dkms-post-is-post-install.sh "$post" "$(scriptlet "$scripts" postinstall)"
same rpm-dkms-preun-is-pre-remove.sh "$preun" "$(scriptlet "$scripts" preuninstall)"
same rpm-dkms-scriptlets "postinstall preuninstall" \
	"$(sed -n 's/^\([a-z]*\) scriptlet (using \/bin\/sh):$/\1/p' <<<"$scripts" | xargs)"
# shellcheck disable=SC2016
for c in 'dkms add ${safe:+"$safe"} -m vnetscope -v "$ver"' \
	 'dkms build -m vnetscope -v "$ver" -k "$kver"' \
	 'dkms install ${safe:+"$safe"} -m vnetscope -v "$ver" -k "$kver"'; do
	same "rpm-dkms-post-$(awk '{ print $2 }' <<<"$c")" 1 "$(scriptlet "$scripts" postinstall | grep -cF -- "$c")"
done
# shellcheck disable=SC2016
same rpm-dkms-preun-command 'dkms remove ${safe:+"$safe"} -m vnetscope -v "$ver" --all || :' \
	"$(scriptlet "$scripts" preuninstall | grep -o 'dkms remove .*$')"
scripts=$(rpm -qp --scripts "$rpmx" 2>/dev/null)
same rpm-vnetscope-scriptlets "postinstall preuninstall postuninstall" \
	"$(sed -n 's/^\([a-z]*\) scriptlet (using \/bin\/sh):$/\1/p' <<<"$scripts" | xargs)"
same rpm-vnetscope-unit-scriptlets "2" "$(grep -c 'vnetscope\.service' <<<"$scripts")"

# --- DEB ---
for d in "$debx" "$debd"; do
	n=${d##*/}; n=${n%%_*}
	a=$([ "$n" = vnetscope ] && dpkg --print-architecture || echo all)
	same "deb-$n-fields" "$n $ver-$rel $a" \
		"$(dpkg-deb -f "$d" Package Version Architecture 2>/dev/null | sed 's/^[A-Za-z]*: //' | xargs)"
done
deps=$(dpkg-deb -f "$debx" Depends 2>/dev/null)
same deb-vnetscope-depends "libc6 libjson-c5 libnl-3-200 libnl-genl-3-200" \
	"$(tr ',' '\n' <<<"$deps" | awk '{ print $1 }' | sort | xargs)"
same deb-dkms-depends "dkms, gcc, make" "$(dpkg-deb -f "$debd" Depends 2>/dev/null)"
same deb-dkms-recommends "linux-headers-amd64 | linux-headers-arm64 | linux-headers-generic" \
	"$(dpkg-deb -f "$debd" Recommends 2>/dev/null)"
# dpkg-deb -c: ./path, directories with a trailing /
deb_list() { dpkg-deb -c "$1" 2>/dev/null | awk '{ print $6 }' | sed 's|^\.||; s|/$||' | sed '/^$/d' | sort; }
same deb-vnetscope-files "$(printf '%s\n' "$cli_files" | with_dirs /)" "$(deb_list "$debx")"
same deb-dkms-files "$(printf '%s\n' "$dkms_files" /usr/share/doc/vnetscope-dkms/LICENSE |
	with_dirs /)" "$(deb_list "$debd")"
same deb-vnetscope-conffiles /etc/vnetscope.conf "$(dpkg-deb -I "$debx" conffiles 2>/dev/null)"
same deb-dkms-postinst-is-rpm-post "$post" "$(dpkg-deb -I "$debd" postinst 2>/dev/null)"
same deb-dkms-prerm-is-rpm-preun "$preun" "$(dpkg-deb -I "$debd" prerm 2>/dev/null)"
same deb-owner "root/root" \
	"$( { dpkg-deb -c "$debx"; dpkg-deb -c "$debd"; } 2>/dev/null | awk '{ print $2 }' | sort -u | xargs)"

# --- 2. make install into a DESTDIR; kmod/Makefile's check ---
dist=$top/build/deb/vnetscope-$ver	# the dist tree make deb built in
inst=$scratch/inst
make -s -C "$dist" install-files DESTDIR="$inst" > "$log/install.log" 2>&1
same install-files-list "$(sed 's|^/usr/|/usr/local/|; s|/man8/vnetscope.8.gz$|/man8/vnetscope.8|' \
	<<<"$cli_files" | sort)" "$(cd "$inst" && find . ! -type d | sed 's|^\.||' | sort)"
same install-files-unit "ExecStart=/usr/local/sbin/vnetscope start" \
	"$(grep '^ExecStart=' "$inst/usr/local/lib/systemd/system/vnetscope.service")"
if [ -d "/lib/modules/$VM_KVER/build" ]; then
	t=$(date +%s)
	dep0=$(stat -c %Y "/lib/modules/$VM_KVER/modules.dep" 2>/dev/null)
	make -j"$(nproc)" -C "$dist" install-module KDIR="/lib/modules/$VM_KVER/build" DESTDIR="$inst" \
		> "$log/install-module.log" 2>&1
	same install-module-staged "/lib/modules/$VM_KVER/extra/vnetscope.ko" \
		"$(cd "$inst" && find ./lib -type f | sed 's|^\.||')"
	same install-module-no-host-depmod "$dep0" \
		"$(stat -c %Y "/lib/modules/$VM_KVER/modules.dep" 2>/dev/null)"
	echo "pkg: install-module for $VM_KVER: $(elapsed "$t") s"
	# make uninstall takes back every file of install-files and install-module
	make -s -C "$dist" uninstall KDIR="/lib/modules/$VM_KVER/build" DESTDIR="$inst" \
		> "$log/uninstall.log" 2>&1
	same uninstall-leaves-no-file "" "$(find "$inst" ! -type d)"
	make -s -C "$dist/kmod" KDIR="/lib/modules/$VM_KVER/build" clean >/dev/null 2>&1
fi
mkdir -p "$scratch/kdir"
grep -v '^CONFIG_KPROBES=' "/lib/modules/$VM_KVER/build/.config" > "$scratch/kdir/.config"
out=$(make -s -C "$dist/kmod" KDIR="$scratch/kdir" 2>&1); rc=$?
same kmod-kconfig-check "2 vnetscope: the kernel in $scratch/kdir was built without CONFIG_KPROBES: the module needs CONFIG_KPROBES CONFIG_TRACEPOINTS" \
	"$rc $(grep '^vnetscope:' <<<"$out")"

if [ "$host" != 1 ]; then
	echo "pkg: VNS_PKG_HOST=0: the DKMS and dpkg steps on this host are left out"
	echo "pkg: total $(elapsed "$t0") s"
	echo "$pass passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

# --- 3. the RPM's dkms scriptlets on this host, a lab kernel at a time ---
t=$(date +%s)
mkdir -p "$scratch/bin" "$scratch/tmp"
printf '%s\n' "$post" > "$scratch/post.sh"
printf '%s\n' "$preun" > "$scratch/preun.sh"
# uname -r gives the kernel of the turn; the rest is the real uname
cat > "$scratch/bin/uname" <<'EOF'
#!/bin/sh
if [ "${1:-}" = -r ]; then echo "$VNS_UNAME_R"; else exec /bin/uname "$@"; fi
EOF
chmod 755 "$scratch/bin/uname"
# rpm runs a scriptlet as `/bin/sh SCRIPT ARG` (%post: 1 on install; %preun: 0 on erase); its
# own parent (bash -c), as rpm is, so that --rpm_safe_upgrade's lock is the scriptlet's own
run_scriptlet() {	# run_scriptlet KVER SCRIPT ARG LOG
	PATH=$scratch/bin:$PATH VNS_UNAME_R=$1 TMPDIR=$scratch/tmp \
		bash -c 'sh "$0" "$1"; echo "exit $?"' "$2" "$3" > "$4" 2>&1
}
cp -a "$scratch/rpmd/usr/src/vnetscope-$ver" /usr/src/
# (this machine's architecture's: the arm64 series of the lab, "5.10-arm64", are not DKMS's here)
kernels=$(awk '$1 !~ /-arm64$/ { print $2 }' "$list" 2>/dev/null)
built=""
for kv in $kernels; do
	# (the DEB cycle below builds $VM_KVER through DKMS: the same scriptlet's build is
	# not repeated for it here)
	if [ -d "/lib/modules/$kv/build" ]; then
		[ "$kv" = "$VM_KVER" ] || built="$built $kv"
		continue
	fi
	# no /lib/modules/KVER/build (4.19.95-vns: its headers are only in /usr/src): %post adds
	# the source to DKMS and says that it builds nothing
	run_scriptlet "$kv" "$scratch/post.sh" 1 "$log/post-$kv.log"
	same "rpm-post-$kv-no-headers" "$(printf '%s\n' \
		"vnetscope-dkms: no headers for the running kernel $kv (kernel-devel-$kv or linux-headers-$kv): the module is built when they are installed" \
		"exit 0")" "$(grep -v '^Creating symlink\|^$' "$log/post-$kv.log")"
	same "rpm-post-$kv-added" "vnetscope/$ver: added" "$(dkms status -m vnetscope -v "$ver" 2>&1)"
done
for kv in $built; do
	run_scriptlet "$kv" "$scratch/post.sh" 1 "$log/post-$kv.log"
	has "rpm-post-$kv-exit" "exit 0" "$(cat "$log/post-$kv.log")"
	ko=$(ls "/var/lib/dkms/vnetscope/$ver/$kv/x86_64/module/"vnetscope.ko* 2>/dev/null)
	inst_ko=$(ls "/lib/modules/$kv/updates/dkms/"vnetscope.ko* 2>/dev/null)
	if [ -n "$ko" ] && [ -n "$inst_ko" ]; then
		ok "rpm-post-$kv-built-installed"
	else
		bad "rpm-post-$kv-built-installed" "dkms tree: '${ko}', updates/dkms: '${inst_ko}' (see build/pkg-test/post-$kv.log)"
		tail -n 15 "$log/post-$kv.log" | sed 's/^/    | /'
		continue
	fi
	same "rpm-post-$kv-modinfo" "$kv $ver" \
		"$(modinfo -F vermagic "$inst_ko" | awk '{ print $1 }') $(modinfo -F version "$inst_ko")"
	same "rpm-post-$kv-status" "vnetscope/$ver, $kv, x86_64: installed" \
		"$(dkms status -m vnetscope -v "$ver" -k "$kv" 2>/dev/null)"
done
# an rpm upgrade to the same version (rpm -Uvh --replacepkgs): rpm runs the new %post (2),
# then the old %preun (1), both its children (the trailing `:` keeps bash from exec'ing the
# last one in its place); --rpm_safe_upgrade keeps the remove from undoing
st0=$(dkms status -m vnetscope 2>/dev/null)
PATH=$scratch/bin:$PATH VNS_UNAME_R=none TMPDIR=$scratch/tmp \
	bash -c 'sh "$0" 2; sh "$1" 1; :' "$scratch/post.sh" "$scratch/preun.sh" > "$log/upgrade.log" 2>&1
same rpm-same-version-upgrade-keeps "$st0" "$(dkms status -m vnetscope 2>/dev/null)"
if grep -q 'Remove cancelled because --rpm_safe_upgrade scenario detected' "$log/upgrade.log"; then
	ok rpm-same-version-upgrade-remove-cancelled
else
	bad rpm-same-version-upgrade-remove-cancelled "see build/pkg-test/upgrade.log"
fi
run_scriptlet "$VM_KVER" "$scratch/preun.sh" 0 "$log/preun.log"
has rpm-preun-exit "exit 0" "$(cat "$log/preun.log")"
same rpm-preun-dkms-status "" "$(dkms status -m vnetscope 2>&1)"
same rpm-preun-removed "" "$(ls -d /var/lib/dkms/vnetscope /lib/modules/*/updates/dkms/vnetscope.ko* 2>/dev/null)"
rm -rf "$src"	# (rpm -e removes the package's files after %preun)
echo "pkg: the RPM's %post for$built (and the note for the rest), %preun: $(elapsed "$t") s"

# --- 4. the DEB host cycle ---
t=$(date +%s)
dirs="/usr/src /usr/sbin /usr/share/man /usr/share/bash-completion /usr/share/doc /usr/lib/systemd
	/var/lib/dkms /etc"
# shellcheck disable=SC2086
snap() { find $dirs /lib/modules/*/updates 2>/dev/null | sort -u; }
before=$(snap)
dpkg -i "$debx" "$debd" > "$log/dpkg-i.log" 2>&1
# the postinst builds for the running kernel when its headers are here, else says why not
rk=$(uname -r)
if [ -d "/lib/modules/$rk/build" ]; then
	same deb-postinst-running-kernel "vnetscope/$ver, $rk, x86_64: installed" \
		"$(dkms status -m vnetscope -v "$ver" -k "$rk" 2>/dev/null)"
else
	has deb-postinst-no-headers-note "vnetscope-dkms: no headers for the running kernel $rk (kernel-devel-$rk or linux-headers-$rk): the module is built when they are installed" \
		"$(cat "$log/dpkg-i.log")"
fi
same deb-installed "install ok installed install ok installed" \
	"$(dpkg-query -W -f='${Status} ' vnetscope vnetscope-dkms 2>&1 | xargs)"
owned=$(dpkg -L vnetscope vnetscope-dkms 2>/dev/null | sort -u)
if [ -z "$(ls "/var/lib/dkms/vnetscope/$ver/$VM_KVER/x86_64/module/"vnetscope.ko* 2>/dev/null)" ]; then
	dkms install -m vnetscope -v "$ver" -k "$VM_KVER" > "$log/dkms-install.log" 2>&1
fi
same deb-dkms-$VM_KVER "vnetscope/$ver, $VM_KVER, x86_64: installed" \
	"$(dkms status -m vnetscope -v "$ver" -k "$VM_KVER" 2>/dev/null)"
same deb-cli-version "vnetscope $ver" "$(/usr/sbin/vnetscope --version 2>&1 | awk 'NR == 1 { print $1, $2 }')"
same deb-unit-execstart "ExecStart=/usr/sbin/vnetscope start" \
	"$(grep '^ExecStart=' /usr/lib/systemd/system/vnetscope.service 2>&1)"
echo "pkg: dpkg -i, dkms install for $VM_KVER: $(elapsed "$t") s"
# The guest (the coordinator's tests/vm/pkg-guest.sh): loads the DKMS-built module from
# /var/lib/dkms in a 6.1 VM and runs the installed CLI and unit; its PASS/FAIL lines count here
guest=$top/tests/vm/pkg-guest.sh
if [ -f "$guest" ]; then
	t=$(date +%s)
	# VNS_VM_WRAP: a command to run the VM under (e.g. one that limits VMs on a shared machine)
	VNS_VM_SHARE="/var/lib/dkms $top" ${VNS_VM_WRAP:-} "$top/scripts/vmrun.sh" -o "$log/vm" "$VM_KVER" \
		"bash $guest $ver" 900 > "$log/vm.log" 2>&1
	rc=$?
	tr -d '\r' < "$log/vm.log" | grep -E '^(PASS|FAIL) ' | sort -u > "$log/vm.results"
	sed 's/^/    /' "$log/vm.results"
	np=$(grep -c '^PASS ' "$log/vm.results") nf=$(grep -c '^FAIL ' "$log/vm.results")
	pass=$((pass + np)) failed=$((failed + nf))
	if [ "$rc" != 0 ] && [ "$nf" = 0 ]; then bad vm-pkg-guest "exit $rc (see build/pkg-test/vm.log)"; fi
	[ $((np + nf)) -gt 0 ] || bad vm-pkg-guest "no PASS or FAIL line (see build/pkg-test/vm.log)"
	echo "pkg: the $VM_KVER VM: $(elapsed "$t") s"
else
	echo "pkg: no tests/vm/pkg-guest.sh: the VM step is left out"
fi
# ours: what the packages own, and whatever names vnetscope (DKMS's tree and builds)
ours() { grep -Fxf <(printf '%s\n' "$owned") <<<"$1"; grep vnetscope <<<"$1"; }
dpkg -r vnetscope-dkms vnetscope > "$log/dpkg-r.log" 2>&1
left=$(comm -13 <(printf '%s\n' "$before") <(snap))
same deb-remove-leaves-conffile "/etc/vnetscope.conf" "$(ours "$left" | sort -u)"
same deb-removed-status "deinstall ok config-files" \
	"$(dpkg-query -W -f='${Status}' vnetscope 2>&1)"
same deb-remove-dkms-status "" "$(dkms status -m vnetscope 2>&1)"
dpkg -P vnetscope-dkms vnetscope > "$log/dpkg-P.log" 2>&1
left=$(comm -13 <(printf '%s\n' "$before") <(snap))
same deb-purge-leaves-nothing "" "$(ours "$left" | sort -u)"
same deb-purged "" "$(dpkg-query -W vnetscope vnetscope-dkms 2>/dev/null)"
echo "pkg: total $(elapsed "$t0") s"
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
