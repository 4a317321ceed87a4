#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/lab-setup.sh [--deps] [SERIES...]  (default: 4.19 5.10 6.1 6.12 5.10-arm64 6.1-arm64)
#
# Prepares this machine (Debian 12, as root) for the VM tests: installs the build and test
# packages, adds Debian's bullseye (5.10 and its gcc-10) and bookworm-backports (6.12) suites
# pinned at priority 100 (nothing else is taken from them) with the mirror read from this
# machine's own apt sources, and for each kernel series installs the headers under
# /usr/src/linux-headers-<kver> and unpacks the image and module tree under $VNS_LAB/<kver>/
# (VNS_LAB defaults to /var/cache/vns-lab). 4.19 is not a Debian kernel: it comes from
# ../shared/kernels/4.19.*/ beside the repository when that exists (vmlinuz, modules.tar.xz,
# build.tar.xz). --deps installs the packages only.
#
# arm64 (series "5.10-arm64", "6.1-arm64"; booted by qemu-system-aarch64 under TCG): the host
# gets qemu-system-arm and the cross compilers (gcc-aarch64-linux-gnu, and bullseye's
# gcc-10-aarch64-linux-gnu for 5.10), dpkg learns the arm64 architecture, and the arm64 image,
# headers and -common packages are downloaded and unpacked, never installed (an :arm64 headers
# package would replace this machine's compiler): headers under /usr/src/linux-headers-<kver>
# with their scripts/ and tools/ pointed at this machine's linux-kbuild-<series> (which Debian's
# headers depend on, >= their version), the image (gunzipped: qemu boots an uncompressed Image)
# and modules under $VNS_LAB/<kver>/, with $VNS_LAB/<kver>/arch saying "arm64". The newest
# kernel of the series whose packages the mirror really serves is taken. The guest cannot run
# this machine's x86 userland: an arm64 Debian root (unpacked by mmdebstrap, no arm64 code run on this machine) is
# made once in $VNS_LAB/arm64-root, with the scenarios' tools and the -dev packages that make it
# the sysroot for cross-building the CLI and the test programs; a stamp of its package list
# keeps re-runs from remaking it.
#
# Writes $VNS_LAB/kernels.list, lines "<series> <kver>", and prints the lines of the series asked
# for; a kernel that cannot be had prints "lab-setup: <series>: not available (<reason>)", is
# left out, and makes the exit status 1 (after the others are set up). Idempotent: once everything is in place it runs no apt command and takes a second.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
LAB=${VNS_LAB:-/var/cache/vns-lab}
LIST=$LAB/kernels.list
SHARED_KERNELS=$REPO/../shared/kernels
# libelf-dev: objtool needs it to give out-of-tree modules ORC unwind data (4.19 etc.),
# without which their stacks cannot be unwound; bpftrace: the cost benchmark's reference
# (tests/vm/bench.sh), run in the test VMs from this machine's root
PKGS="qemu-system-x86 busybox-static cpio kmod gcc libc6-dev make pkg-config libnl-3-dev
      libnl-genl-3-dev libmnl-dev libncurses-dev libjson-c-dev iproute2 iputils-ping nftables
      iptables python3 util-linux xz-utils dkms iperf3 procps libelf-dev bpftrace"
# Packaging (tests/pkg-test.sh, tests/docs-test.sh): rpm gives rpmbuild and rpm2cpio (make rpm
# on Debian), dpkg-dev dpkg-shlibdeps (make deb); mandoc and man-db lint the man page,
# bash-completion runs the completion, systemd's systemd-analyze verifies the unit; openssl:
# DKMS signs with a key it makes with it, and the signing test makes its own (tests/vm/pkg-guest.sh)
PKGS="$PKGS rpm dpkg-dev mandoc man-db bash-completion systemd openssl"
# Open vSwitch: the OVS scenarios run ovsdb-server and ovs-vswitchd inside the test VMs
# (tests/vm/ovs.sh), from this machine's root. On this machine it must not run: it is
# installed without starting its services, which are then kept from starting at boot.
OVS_PKGS="openvswitch-switch"
# tests/docs-test.sh: mandoc and man-db lint the man page, bash-completion is the completion's
# "with" case
PKGS="$PKGS mandoc man-db bash-completion"
export DEBIAN_FRONTEND=noninteractive
APT_STAMP=$LAB/.apt-update.stamp
SRC_LIST=/etc/apt/sources.list.d/vnetscope-lab.list
PREFS=/etc/apt/preferences.d/vnetscope-lab

deps_only=0
if [ "${1:-}" = --deps ]; then deps_only=1; shift; fi
SERIES=${*:-4.19 5.10 6.1 6.12 5.10-arm64 6.1-arm64}
# the arm64 lab: host packages, and what the arm64 root holds (tests/vm/scenarios need the tools;
# the -dev packages make it the sysroot of the cross builds: cli/Makefile SYSROOT=)
ARM64_PKGS="qemu-system-arm gcc-aarch64-linux-gnu mmdebstrap"
ARM64_ROOT_PKGS="bash coreutils findutils grep sed gawk iproute2 iputils-ping python3 kmod procps
      util-linux nftables iptables busybox ethtool libnl-3-200 libnl-genl-3-200 libjson-c5
      libncurses6 libmnl0 libnl-3-dev libnl-genl-3-dev libjson-c-dev libncurses-dev libmnl-dev
      libc6-dev"
ARM64_ROOT=$LAB/arm64-root
want_arm64=0
case " $SERIES " in *-arm64" "*) want_arm64=1;; esac

say() { echo "lab-setup: $*" >&2; }
need_root() { [ "$(id -u)" = 0 ] || { say "must run as root to $1"; exit 1; }; }

# --- apt, only when something is missing ---
apt_updated=0
apt_update() {
  [ $apt_updated = 1 ] && return 0
  need_root "run apt-get update"
  say "apt-get update"
  apt-get -qq update >/dev/null
  mkdir -p "$LAB"; touch "$APT_STAMP"; apt_updated=1
}
# apt lists older than a day, or suites just added: refresh before installing.
apt_fresh() {
  if [ -z "$(find "$APT_STAMP" -mmin -1440 2>/dev/null)" ]; then apt_update; fi
}
apt_install() {   # apt_install [-t SUITE] PKG...
  need_root "install $*"
  apt_fresh
  say "apt-get install $*"
  apt-get -qq install -y --no-install-recommends "$@" >/dev/null ||
    { [ $apt_updated = 1 ] && return 1; apt_update; apt-get -qq install -y --no-install-recommends "$@" >/dev/null; }
}
missing_pkgs() {  # the packages among $* that are not installed
  local p
  for p in "$@"; do
    case $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) in ii*) ;; *) echo "$p";; esac
  done
}

# no_service_starts CMD...: CMD (an install) with service starts forbidden through
# /usr/sbin/policy-rc.d, which invoke-rc.d and deb-systemd-invoke both obey (the postinst then
# only says "policy-rc.d denied execution of start"). A policy this machine has already (a
# container's, an admin's) is left as it is.
no_service_starts() {
  local pol=/usr/sbin/policy-rc.d rc=0
  if [ -e "$pol" ]; then "$@"; return; fi
  printf '#!/bin/sh\n# written by scripts/lab-setup.sh while it installs packages\nexit 101\n' > "$pol"
  chmod 755 "$pol"
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  "$@" || rc=$?
  rm -f "$pol"; trap - EXIT
  return $rc
}
# ovs_off: Open vSwitch's services, just installed, stopped (if a policy of this machine let
# them start) and disabled, so that they do not start at the next boot either.
ovs_off() {
  if [ -d /run/systemd/system ]; then
    systemctl disable --now --quiet openvswitch-switch.service ovs-record-hostname.service \
      ovs-vswitchd.service ovsdb-server.service 2>/dev/null || true
  else
    update-rc.d openvswitch-switch disable >/dev/null 2>&1 || true
    if pidof ovsdb-server ovs-vswitchd >/dev/null; then
      /usr/share/openvswitch/scripts/ovs-ctl stop >/dev/null 2>&1 || true
    fi
  fi
}

# --- Debian suites for older and newer kernels, mirror taken from this machine ---
has_suite() {   # is SUITE already in the apt sources (one-line or deb822)?
  grep -rhsE "^[^#]*([[:space:]]|^)$1([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources | grep -q .
}
add_suites() {
  local uri sec lines=""
  # The mirror of the main Debian archive (deb822 first, then one-line sources).
  uri=$(sed -n 's/^URIs: *\([^ ]*\/debian\/\{0,1\}\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" && $2 !~ /security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
                       /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  sec=$(sed -n 's/^URIs: *\([^ ]*security[^ ]*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$sec" ] || sec=$(awk '$1=="deb" { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\/.*security/) { print $i; exit } }' \
                       /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  uri=${uri%/}
  [ -n "$uri" ] || { say "cannot find the Debian mirror in the apt sources"; return 1; }
  [ -n "$sec" ] || sec=$uri-security
  has_suite bullseye || lines+="deb $uri bullseye main"$'\n'
  has_suite bullseye-security || lines+="deb ${sec%/} bullseye-security main"$'\n'
  has_suite bookworm-backports || lines+="deb $uri bookworm-backports main"$'\n'
  if [ -n "$lines" ]; then
    need_root "add apt sources"
    say "adding to $SRC_LIST: $(printf '%s' "$lines" | tr '\n' ';')"
    printf '%s' "$lines" >> "$SRC_LIST"
    # the lists of the new suites: the next install refreshes, even in this run
    rm -f "$APT_STAMP"
    apt_updated=0
  fi
  local pin
  pin=$(for r in bullseye bullseye-security bookworm-backports; do
          printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n\n' "$r"; done)
  if [ "$(cat "$PREFS" 2>/dev/null)" != "$pin" ]; then
    need_root "pin the added suites"
    printf '%s\n' "$pin" > "$PREFS"
  fi
}

need_gcc10() {
  command -v gcc-10 >/dev/null && return 0
  add_suites
  apt_install -t bullseye-security gcc-10 2>/dev/null || apt_install -t bullseye gcc-10
}

# --- packages ---
# shellcheck disable=SC2086
miss=$(missing_pkgs $PKGS)
if [ -n "$miss" ]; then
  # shellcheck disable=SC2086
  apt_install $miss
fi
# shellcheck disable=SC2086
miss=$(missing_pkgs $OVS_PKGS)
if [ -n "$miss" ]; then
  # shellcheck disable=SC2086
  no_service_starts apt_install $miss
  ovs_off
fi
if [ $want_arm64 = 1 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    need_root "add the arm64 architecture"
    say "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64; rm -f "$APT_STAMP"; apt_updated=0
  fi
  # shellcheck disable=SC2086
  miss=$(missing_pkgs $ARM64_PKGS)
  # shellcheck disable=SC2086
  if [ -n "$miss" ]; then no_service_starts apt_install $miss; fi
fi
[ $deps_only = 1 ] && exit 0

mkdir -p "$LAB"
kernel_ok() {   # image, module tree and headers of KVER all in place
  [ -e "$LAB/$1/boot/vmlinuz-$1" ] && [ -f "$LAB/$1/lib/modules/$1/modules.dep" ] &&
    [ -f "/usr/src/linux-headers-$1/Makefile" ]
}
debian_kver() {  # the newest Debian generic amd64 kernel of series $1, from apt
  apt-cache search --names-only "^linux-headers-${1//./\\.}(\\.[0-9]+)?[-.+].*-amd64\$" 2>/dev/null |
    awk '{print $1}' | grep -v -- '-rt-\|cloud' | sed 's/^linux-headers-//' | sort -V | tail -n 1
}
local_kver() {   # a kernel of series $1 already set up here (the newest)
  local d kv best=""
  for d in "$LAB/$1".* "$LAB/$1"-*; do
    [ -d "$d" ] || continue
    kv=${d##*/}; [ -e "$d/arch" ] && continue       # an arm64 kernel (series N-arm64)
    kernel_ok "$kv" && best=$(printf '%s\n%s\n' "$best" "$kv" | sed '/^$/d' | sort -V | tail -n 1)
  done
  echo "$best"
}

setup_shipped() {  # setup_shipped SERIES DIR: a kernel built beside the project
  local s=$1 dir=$2 kv
  kv=${dir%/}; kv=${kv##*/}
  for f in vmlinuz modules.tar.xz build.tar.xz; do
    [ -f "$dir/$f" ] || { echo "lab-setup: $s: not available ($dir has no $f)"; return 1; }
  done
  need_gcc10
  if [ ! -e "$LAB/$kv/boot/vmlinuz-$kv" ] || [ ! -f "$LAB/$kv/lib/modules/$kv/modules.dep" ]; then
    say "$s: unpacking $kv from $dir"
    local st="$LAB/.$kv.new"
    rm -rf "$st"; mkdir -p "$st/boot"
    cp "$dir/vmlinuz" "$st/boot/vmlinuz-$kv"
    tar -C "$st" -xJf "$dir/modules.tar.xz"
    depmod -b "$st" "$kv" 2>/dev/null     # (it misses modules.builtin.modinfo, which 4.19 lacks)
    [ -f "$st/lib/modules/$kv/modules.dep" ] || { echo "lab-setup: $s: not available (depmod failed)"; return 1; }
    rm -rf "${LAB:?}/$kv"; mv "$st" "$LAB/$kv"
  fi
  if [ ! -f "/usr/src/linux-headers-$kv/Makefile" ]; then
    need_root "install headers in /usr/src"
    say "$s: unpacking the build tree of $kv into /usr/src"
    tar -C /usr/src -xJf "$dir/build.tar.xz"
  fi
  echo "$kv"
}

setup_debian() {   # setup_debian SERIES: headers from apt, image unpacked from its .deb
  local s=$1 kv t st
  add_suites
  kv=$(debian_kver "$s")
  if [ -z "$kv" ]; then apt_update; kv=$(debian_kver "$s"); fi
  [ -n "$kv" ] || { echo "lab-setup: $s: not available (no linux-headers-$s.*-amd64 in apt)"; return 1; }
  case $s in 4.*|5.[0-9]|5.1[0-9]) need_gcc10;; esac
  if [ ! -f "/usr/src/linux-headers-$kv/Makefile" ]; then
    apt_install "linux-headers-$kv" ||
      { echo "lab-setup: $s: not available (cannot install linux-headers-$kv)"; return 1; }
  fi
  if [ ! -e "$LAB/$kv/boot/vmlinuz-$kv" ] || [ ! -f "$LAB/$kv/lib/modules/$kv/modules.dep" ]; then
    say "$s: unpacking linux-image-$kv"
    t=$(mktemp -d); st="$LAB/.$kv.new"
    (cd "$t" && { apt-get -qq download "linux-image-$kv-unsigned" 2>/dev/null ||
                  apt-get -qq download "linux-image-$kv"; }) >/dev/null ||
      { rm -rf "$t"; echo "lab-setup: $s: not available (cannot download linux-image-$kv)"; return 1; }
    rm -rf "$st"; mkdir -p "$st"
    dpkg -x "$t"/*.deb "$st"; rm -rf "$t"
    depmod -b "$st" "$kv"
    rm -rf "${LAB:?}/$kv"; mv "$st" "$LAB/$kv"
  fi
  echo "$kv"
}

# --- arm64 ---
arm64_kvers() {  # the Debian generic arm64 kernels of series $1 in apt, newest first
  apt-cache search --names-only "^linux-headers-${1//./\\.}(\\.[0-9]+)?[-.+].*-arm64\$" 2>/dev/null |
    awk '{print $1}' | grep -v -- '-rt-\|cloud' | sed 's/^linux-headers-//' | sort -rV
}
# arm64_root: the arm64 Debian root that the arm64 guests run (read-only), remade when the
# package list or the way it is made changes. mmdebstrap's "extract" variant unpacks the packages
# (with their dependencies) and runs no maintainer script: about 30 s, where running them through
# qemu-user took minutes. What those scripts would have made and the guests use is made here
# (arm64_root_fixup); the layout stays unmerged (/bin and /usr/bin apart), which every bookworm
# package supports, and Debian's ld.so finds the multiarch libraries without an ld.so.cache.
ARM64_ROOT_ESSENTIAL="base-files base-passwd bsdutils dash debianutils diffutils gzip hostname libc-bin
      login mawk mount ncurses-base ncurses-bin netbase sysvinit-utils tar"
ARM64_ROOT_HOW=extract-3
arm64_root_fixup() {
  local r=$1 l t
  # base-passwd's postinst: the system users and groups (the scenarios drop to "nobody")
  cp "$r/usr/share/base-passwd/passwd.master" "$r/etc/passwd"
  cp "$r/usr/share/base-passwd/group.master" "$r/etc/group"
  : > "$r/etc/shadow"; chmod 640 "$r/etc/shadow"
  # libc-bin's and base-files' postinsts
  cp "$r/usr/share/libc-bin/nsswitch.conf" "$r/etc/nsswitch.conf"
  cp "$r/usr/share/base-files/profile" "$r/etc/profile"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$r/etc/hosts"
  # update-alternatives, as the postinsts of gawk, iptables and debianutils set them
  for l in usr/bin/awk:gawk usr/bin/nawk:gawk usr/bin/which:which.debianutils \
           usr/sbin/iptables:iptables-nft usr/sbin/iptables-save:iptables-nft-save \
           usr/sbin/iptables-restore:iptables-nft-restore usr/sbin/ip6tables:ip6tables-nft \
           usr/sbin/ip6tables-save:ip6tables-nft-save usr/sbin/ip6tables-restore:ip6tables-nft-restore; do
    t=${l#*:} l=${l%%:*}
    [ -e "$r/${l%/*}/$t" ] || { say "arm64 root: no ${l%/*}/$t for /$l"; return 1; }
    ln -sfn "$t" "$r/$l"
  done
  # the guest mounts the kernel's modules, its output and tmpfs on these (scripts/vmrun.sh)
  mkdir -p "$r/lib/modules" "$r/mnt" "$r/tmp" "$r/run" "$r/root" \
           "$r"/var/{tmp,log,lib,cache,spool}
}
arm64_root() {
  local stamp t
  # the initramfs's busybox (scripts/vmrun.sh): arm64's static one
  if [ ! -s "$LAB/arm64-busybox" ]; then
    need_root "unpack busybox-static:arm64"
    t=$(mktemp -d)
    (cd "$t" && apt-get -qq download busybox-static:arm64 >/dev/null 2>&1 && dpkg -x busybox-static_*.deb x) &&
      cp "$t/x/bin/busybox" "$LAB/arm64-busybox.new" && mv "$LAB/arm64-busybox.new" "$LAB/arm64-busybox"
    rm -rf "$t"
    [ -s "$LAB/arm64-busybox" ] || { say "cannot download busybox-static:arm64"; return 1; }
  fi
  stamp=$( (echo "$ARM64_ROOT_HOW"; echo $ARM64_ROOT_ESSENTIAL $ARM64_ROOT_PKGS | tr ' ' '\n' | sort) |
           sha1sum | cut -c1-12)
  [ "$(cat "$ARM64_ROOT/.vns-stamp" 2>/dev/null)" = "$stamp" ] && return 0
  need_root "make the arm64 root"
  say "arm64: mmdebstrap --variant=extract bookworm into $ARM64_ROOT"
  rm -rf "$ARM64_ROOT.new"
  mmdebstrap --quiet --architectures=arm64 --variant=extract \
    --include="$(echo $ARM64_ROOT_ESSENTIAL $ARM64_ROOT_PKGS | tr ' ' ,)" bookworm "$ARM64_ROOT.new" >&2 &&
    arm64_root_fixup "$ARM64_ROOT.new" ||
    { rm -rf "$ARM64_ROOT.new"; say "mmdebstrap failed"; return 1; }
  echo "$stamp" > "$ARM64_ROOT.new/.vns-stamp"
  rm -rf "$ARM64_ROOT"; mv "$ARM64_ROOT.new" "$ARM64_ROOT"
}
arm64_ok() {    # kernel_ok and the marker of an arm64 kernel, and its Image
  kernel_ok "$1" && [ "$(cat "$LAB/$1/arch" 2>/dev/null)" = arm64 ] && [ -s "$LAB/$1/boot/Image-$1" ]
}
# setup_arm64 SERIES (5.10 or 6.1): the newest arm64 kernel of the series that downloads, unpacked
setup_arm64() {
  local s=$1 kv t st d cands kb
  add_suites
  cands=$(arm64_kvers "$s")
  if [ -z "$cands" ]; then apt_update; cands=$(arm64_kvers "$s"); fi
  [ -n "$cands" ] || { echo "lab-setup: $s-arm64: not available (no linux-headers-$s.*-arm64 in apt)"; return 1; }
  case $s in 4.*|5.[0-9]|5.1[0-9]) kb=gcc-10-aarch64-linux-gnu
    command -v aarch64-linux-gnu-gcc-10 >/dev/null ||
      apt_install -t bullseye $kb || { echo "lab-setup: $s-arm64: not available (cannot install $kb)"; return 1; };;
  esac
  kb=/usr/lib/linux-kbuild-$s
  [ -d "$kb/scripts" ] || apt_install "linux-kbuild-$s" ||
    { echo "lab-setup: $s-arm64: not available (no linux-kbuild-$s for this machine)"; return 1; }
  for kv in $cands; do
    arm64_ok "$kv" && { echo "$kv"; return 0; }
  done
  t=$(mktemp -d)
  for kv in $cands; do
    rm -f "$t"/*.deb
    # (the mirror may list kernels that it no longer serves: try the next older one)
    (cd "$t" && { apt-get -qq download "linux-image-$kv-unsigned:arm64" 2>/dev/null ||
                  apt-get -qq download "linux-image-$kv:arm64"; } &&
       apt-get -qq download "linux-headers-$kv:arm64" "linux-headers-${kv%-arm64}-common") >/dev/null 2>&1 && break
    say "$s-arm64: $kv does not download, trying an older one"
    kv=
  done
  [ -n "$kv" ] || { rm -rf "$t"; echo "lab-setup: $s-arm64: not available (no arm64 kernel of $s downloads)"; return 1; }
  say "$s-arm64: unpacking $kv"
  need_root "unpack $kv"
  st="$LAB/.$kv.new"; rm -rf "$st"; mkdir -p "$st"
  for d in "$t"/linux-image-*.deb; do dpkg -x "$d" "$st"; done
  gzip -dc "$st/boot/vmlinuz-$kv" > "$st/boot/Image-$kv" 2>/dev/null ||
    cp "$st/boot/vmlinuz-$kv" "$st/boot/Image-$kv"      # (already uncompressed)
  depmod -b "$st" "$kv"
  echo arm64 > "$st/arch"
  # headers: unpacked beside, moved into /usr/src, kbuild links to this machine's linux-kbuild
  mkdir -p "$t/h"
  for d in "$t"/linux-headers-*.deb; do dpkg -x "$d" "$t/h"; done
  for d in "$t"/h/usr/src/linux-headers-*; do
    rm -rf "/usr/src/${d##*/}"; mv "$d" /usr/src/
  done
  for d in scripts tools; do
    [ -L "/usr/src/linux-headers-$kv/$d" ] && ln -sfn "$kb/$d" "/usr/src/linux-headers-$kv/$d"
  done
  rm -rf "$t"
  [ -f "/usr/src/linux-headers-$kv/Makefile" ] ||
    { echo "lab-setup: $s-arm64: not available (headers of $kv did not unpack)"; return 1; }
  rm -rf "${LAB:?}/$kv"; mv "$st" "$LAB/$kv"
  echo "$kv"
}

declare -A got
for s in $SERIES; do
  case $s in
    *-arm64)
      kv=$(awk -v s="$s" '$1 == s { print $2; exit }' "$LIST" 2>/dev/null || true)
      if [ -z "$kv" ] || ! arm64_ok "$kv"; then
        kv=$(setup_arm64 "${s%-arm64}") || { echo "$kv"; continue; }
      fi
      arm64_root || { echo "lab-setup: $s: not available (no arm64 root in $ARM64_ROOT)"; continue; }
      got[$s]=$kv; continue;;
  esac
  kv=$(awk -v s="$s" '$1 == s { print $2; exit }' "$LIST" 2>/dev/null || true)
  shipped=$(ls -d "$SHARED_KERNELS/$s".*/ 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$kv" ] && kernel_ok "$kv" &&
     { [ -z "$shipped" ] || [ "$(basename "$shipped")" = "$kv" ]; }; then
    got[$s]=$kv; continue                  # set up by an earlier run
  fi
  if [ -n "$shipped" ]; then
    kv=$(setup_shipped "$s" "$shipped") || { echo "$kv"; continue; }
  elif [ "$s" = 4.19 ]; then
    kv=$(local_kver "$s")
    [ -n "$kv" ] || { echo "lab-setup: $s: not available (no ../shared/kernels/4.19.* beside the repository)"; continue; }
  else
    kv=$(local_kver "$s")
    [ -n "$kv" ] || kv=$(setup_debian "$s") || { echo "$kv"; continue; }
  fi
  got[$s]=$kv
done

# kernels.list: the series just set up, plus earlier lines of other series still in place.
new=$( {
  for s in "${!got[@]}"; do echo "$s ${got[$s]}"; done
  [ -f "$LIST" ] && while read -r s kv _; do
    case " $SERIES " in *" $s "*) continue;; esac
    [ -n "${kv:-}" ] && kernel_ok "$kv" && echo "$s $kv"
  done < "$LIST"
} | sort -V -k1,1 )
if [ "$new" != "$(cat "$LIST" 2>/dev/null)" ]; then
  printf '%s\n' "$new" | sed '/^$/d' > "$LIST.$$" && mv -f "$LIST.$$" "$LIST"
fi
missing=""
for s in $SERIES; do
  if [ -n "${got[$s]:-}" ]; then echo "$s ${got[$s]}"; else missing="$missing $s"; fi
done
[ -z "$missing" ] || { echo "lab-setup: FAILED: not available:$missing" >&2; exit 1; }
exit 0
