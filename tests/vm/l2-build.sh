#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/vm/l2-build.sh [OUTDIR]      (tests/vm/run.sh runs it on the host for the nested scenarios)
#
# Builds what the nested (L2) guest of tests/vm/l2.sh boots, on the host, into OUTDIR (default
# build/l2): the L2 kernel is Debian's 6.1 ($VNS_L2_KVER, default the "6.1" of
# $VNS_LAB/kernels.list) for every test-VM kernel.
#   vmlinuz      the L2 kernel's image (the test VM has a tmpfs over /var/cache: it cannot
#                read the lab's copy)
#   initrd.gz    busybox, the virtio-net modules with their dependencies, the vnetscope test
#                build for the L2 kernel (scripts/build-kmod.sh with VNS_SELFTEST=1) at
#                /vns/vnetscope.ko, tests/vm/udpsend.c linked statically at /bin/udpsend, and
#                the init of tests/vm/l2.sh (the command loop on the virtio console hvc0)
#   kver         the L2 kernel's release
# Prints OUTDIR. Exit status 0, or 1 with the reason on stderr.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
LAB=${VNS_LAB:-/var/cache/vns-lab}
OUT=${1:-$REPO/build/l2}
KV=${VNS_L2_KVER:-$(awk '$1 == "6.1" { print $2; exit }' "$LAB/kernels.list" 2>/dev/null)}
die() { echo "l2-build: $*" >&2; exit 1; }
[ -n "$KV" ] || die "no 6.1 kernel in $LAB/kernels.list (scripts/lab-setup.sh 6.1)"
IMG=$LAB/$KV/boot/vmlinuz-$KV M=$LAB/$KV/lib/modules/$KV
[ -e "$IMG" ] && [ -f "$M/modules.dep" ] || die "no $IMG or $M (scripts/lab-setup.sh 6.1)"
BUSYBOX=$(command -v busybox) || die "busybox missing (scripts/lab-setup.sh)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || die "$BUSYBOX is not static"

# the module for the L2 kernel: the same test build tests/vm/run.sh makes for that kernel
mkdir -p "$REPO/build/vm"
ko=$(VNS_SELFTEST=1 flock "$REPO/build/vm/$KV.build-lock" nice -n 10 \
       "$REPO/scripts/build-kmod.sh" "$KV" | grep -m1 '/vnetscope\.ko$') ||
  die "scripts/build-kmod.sh $KV failed"

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w"/bin "$w"/proc "$w"/sys "$w"/dev "$w"/tmp "$w"/vns "$w/lib/modules/$KV"
cp "$BUSYBOX" "$w"/bin/busybox
${CC:-cc} -std=gnu11 -O2 -Wall -static -o "$w"/bin/udpsend "$REPO"/tests/vm/udpsend.c ||
  die "cannot link tests/vm/udpsend.c statically (libc6-dev)"
strip --strip-debug -o "$w"/vns/vnetscope.ko "$ko"

# the drivers and what they need, decompressed (busybox's modprobe would not)
need="" todo="virtio_pci virtio_net virtio_console"
while [ -n "$todo" ]; do
  # shellcheck disable=SC2086  # a word list
  set -- $todo; m=$1; shift; todo="$*"
  line=$(grep -E "(^|/)${m}\.ko(\.[a-z]+)?:" "$M/modules.dep") || continue    # built in
  f=${line%%:*}; case " $need " in *" $f "*) continue;; esac
  need="$need $f"
  for d in ${line#*:}; do b=${d##*/}; todo="$todo ${b%%.ko*}"; done
done
for f in $need; do
  mkdir -p "$w/lib/modules/$KV/${f%/*}"
  case $f in
    *.ko.xz)  xz -dc "$M/$f" > "$w/lib/modules/$KV/${f%.xz}";;
    *.ko.zst) zstd -qdc "$M/$f" > "$w/lib/modules/$KV/${f%.zst}";;
    *.ko.gz)  gzip -dc "$M/$f" > "$w/lib/modules/$KV/${f%.gz}";;
    *)        cp "$M/$f" "$w/lib/modules/$KV/$f";;
  esac
done
for f in $need; do grep -E "^${f//./\\.}:" "$M/modules.dep"; done |
  sed -E 's/\.ko\.(xz|zst|gz)/.ko/g' > "$w/lib/modules/$KV/modules.dep"

# init: the devices, eth0, static neighbours (no ARP on the wire: the TAP's counters are the
# test's packets only), then the command loop of tests/vm/l2.sh on the virtio console hvc0
# (the serial console keeps the kernel's messages; a 16550 emulated under nested TCG repeated
# pieces of lines on a loaded host, and is slow):
#   "C <base64>"        a chunk of a command
#   "R <seq> <base64>"  its last chunk: run it with sh, stdin /dev/null, output on the console,
#                       then print "@@L2END <seq> <status>"
# Each command runs in its own sh: no state is kept from one to the next (but what it starts
# in the background runs on).
cat > "$w"/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs none /tmp
mount -t debugfs none /sys/kernel/debug; mount -t tracefs none /sys/kernel/tracing 2>/dev/null
echo 5 > /proc/sys/kernel/printk
modprobe virtio_pci; modprobe virtio_net; modprobe virtio_console
for _ in $(seq 100); do [ -e /sys/class/net/eth0 ] && [ -e /dev/hvc0 ] && break; sleep 0.1; done
ip link set lo up; ip addr add 10.0.9.2/24 dev eth0; ip link set eth0 up
arp -s 10.0.9.1 02:00:00:09:00:01; arp -s 10.0.9.3 02:00:00:09:00:03
echo "L2-UP $(cut -d' ' -f1 /proc/uptime)"
exec </dev/hvc0 >/dev/hvc0 2>&1
# (after the open: hvc resets its termios at the last close)
stty -echo
echo "L2-UP $(cut -d' ' -f1 /proc/uptime)"
while read -r op a b; do
  case $op in
    C) echo "$a" >> /tmp/.l2cmd.b64;;
    R) echo "$b" >> /tmp/.l2cmd.b64
       base64 -d /tmp/.l2cmd.b64 > /tmp/.l2cmd; rm -f /tmp/.l2cmd.b64
       sh /tmp/.l2cmd </dev/null 2>&1
       echo "@@L2END $a $?";;
  esac
done
poweroff -f
INIT
chmod +x "$w"/init

mkdir -p "$OUT"
(cd "$w" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$OUT/initrd.gz.$$") &&
  mv -f "$OUT/initrd.gz.$$" "$OUT/initrd.gz" || die "cannot write $OUT/initrd.gz"
cp "$IMG" "$OUT/vmlinuz.$$" && mv -f "$OUT/vmlinuz.$$" "$OUT/vmlinuz"
echo "$KV" > "$OUT/kver"
echo "$OUT"
