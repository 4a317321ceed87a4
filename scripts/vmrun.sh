#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vmrun.sh [-o OUTDIR] KVER GUEST_CMD [TIMEOUT_S]
#
# Boots kernel KVER under qemu (TCG; VNS_VM_SMP vCPUs, default 2; VNS_VM_MEM MiB, default 2048)
# with the host's root filesystem shared read-only over 9p and the kernel's own module tree at
# /lib/modules, runs GUEST_CMD (a bash command line) inside with Debian's userland from the host,
# and exits with its status. The guest sees:
#   /            the host root, read-only (only what the host has installed exists in the guest)
#   /lib/modules KVER's module tree (modprobe and module autoloading work; there is no udev)
#   /mnt         OUTDIR, read-write (default: a fresh mktemp dir, printed on stderr)
#   tmpfs on /tmp /run /var/{tmp,log,lib,cache,spool} /root; debugfs, tracefs, bpffs mounted
#   a virtio-net NIC (qemu user networking; its driver is not loaded: `modprobe virtio_net`)
#   with VNS_VM_HUB=1, two more NICs joined on a qemu hub (nothing else on it): an e1000 with
#   MAC 52:54:00:e1:00:01 and a virtio-net with MAC 52:54:00:f2:00:02, so that a guest can send
#   from one real device to another (each in its own netns); find them by MAC, their names
#   depend on driver load order (4.19 has both drivers built in, the others as modules)
# Host directories listed in VNS_VM_SHARE (space-separated) are also mounted read-only at the
# same paths, so that they stay visible when they live under a guest tmpfs (e.g. a clone in
# /root). OUTDIR/console.log keeps the whole serial console, which is also copied to stdout.
#
# Exit status: the guest command's; 97 when the console shows a kernel splat (a line
# "vmrun: kernel splat in guest log: ..." is printed), 98 when the guest never reported its exit
# (timeout, panic, crash, or a console silent for VNS_VM_SILENCE s: a hung guest), 3 when the
# kernel is not installed.
#
# Environment: VNS_LAB (default /var/cache/vns-lab: images, module trees, initrd cache),
# VNS_APPEND (replaces the debug boot options "oops=panic panic_on_warn=1 slub_debug=FZPU",
# e.g. VNS_APPEND= for timing runs), VNS_VM_HUB (1: the two hub NICs above), VNS_QEMU_OPTS (extra qemu options, e.g. '-cpu max' to give
# the guest AMD SVM for a nested VM), VNS_VM_MEM (MiB), VNS_KVM=1 (use /dev/kvm when usable),
# VNS_TCG_THREAD (single or multi: TCG's thread=; default qemu's, multi), VNS_VM_SILENCE
# (seconds without a byte on the console after which the guest counts as hung and is stopped;
# default 300, 0 turns it off; a long quiet GUEST_CMD should print a heartbeat).
# Several runs may go in parallel, each with its own OUTDIR.
#
# arm64 kernels (scripts/lab-setup.sh's series N-arm64: $VNS_LAB/KVER/arch says "arm64") boot
# under qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on (TCG: pointer authentication stays
# on, with QEMU's implementation-defined algorithm instead of QARMA5, whose emulation made every
# kernel function's PACIASP/AUTIASP slow: Debian's 6.1 reached init in 3-6 s instead of 18-22 s,
# and ran 300000 dd syscalls 1.5-3 times faster) with their uncompressed Image, console on
# ttyAMA0, and the arm64 Debian root $VNS_LAB/arm64-root as "/" instead of the host's (x86
# programs cannot run there: the guest's CLI and test programs are cross-built); the initramfs
# takes the arm64 static busybox $VNS_LAB/arm64-busybox. The VNS_VM_SHARE paths get their mount
# points made in that root. Everything else (mounts, /mnt, exit marker, splats, hub NICs) is the
# same.
set -u
OUT=
if [ "${1:-}" = -o ]; then OUT=${2:?vmrun: -o needs a directory}; shift 2; fi
if [ $# -lt 2 ]; then
  echo "usage: vmrun.sh [-o OUTDIR] KVER GUEST_CMD [TIMEOUT_S]" >&2; exit 2
fi
KV=$1 CMD=$2 TMO=${3:-300}
LAB=${VNS_LAB:-/var/cache/vns-lab}
SPLAT_RE='BUG:|WARNING:|Oops|Call Trace|Call trace:|refcount_t|UBSAN:|KASAN:|Kernel panic'
MARK=VNS-VMRUN-EXIT

if [ -e "$LAB/$KV/boot/vmlinuz-$KV" ] && [ -d "$LAB/$KV/lib/modules/$KV" ]; then
  VMLINUZ=$LAB/$KV/boot/vmlinuz-$KV MODS=$LAB/$KV/lib/modules
elif [ -e "/boot/vmlinuz-$KV" ] && [ -d "/lib/modules/$KV/kernel" ]; then
  VMLINUZ=/boot/vmlinuz-$KV MODS=/lib/modules
else
  echo "vmrun: no kernel $KV (neither $LAB/$KV/boot/vmlinuz-$KV nor /boot/vmlinuz-$KV)" >&2
  exit 3
fi
ARCH=x86_64 ROOT=/ CONSOLE=ttyS0 QEMU=qemu-system-x86_64 MACHINE=()
if [ "$(cat "$LAB/$KV/arch" 2>/dev/null)" = arm64 ]; then
  ARCH=arm64 ROOT=$LAB/arm64-root CONSOLE=ttyAMA0 QEMU=qemu-system-aarch64 MACHINE=(-M virt -cpu max,pauth-impdef=on)
  VMLINUZ=$LAB/$KV/boot/Image-$KV
  for f in "$VMLINUZ" "$ROOT/bin/bash" "$LAB/arm64-busybox"; do
    [ -e "$f" ] || { echo "vmrun: $KV: $f missing (scripts/lab-setup.sh $KV's series)" >&2; exit 3; }
  done
fi
command -v $QEMU >/dev/null || { echo "vmrun: $QEMU missing (scripts/lab-setup.sh)" >&2; exit 3; }
if [ $ARCH = arm64 ]; then BUSYBOX=$LAB/arm64-busybox
else BUSYBOX=$(command -v busybox) || { echo "vmrun: busybox missing (scripts/lab-setup.sh)" >&2; exit 3; }; fi

if [ -z "$OUT" ]; then
  OUT=$(mktemp -d "${TMPDIR:-/tmp}/vmrun.XXXXXX") || exit 2
  echo "vmrun: output in $OUT" >&2
fi
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 2

# --- initramfs: busybox + the modules needed to mount 9p, cached per kernel and init version ---
INIT=$(cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in virtio_pci 9pnet_virtio 9p; do modprobe $m 2>/dev/null; done
o=trans=virtio,version=9p2000.L,msize=512000
ro=$o,ro,cache=loose      # read-only inputs: let the guest cache them
mount -t 9p -o $ro hostroot /newroot || { echo VNS-VMRUN-EXIT=99; poweroff -f; }
mount -t 9p -o $ro kmods /newroot/lib/modules
mount -t 9p -o $o out /newroot/mnt 2>/dev/null || mount -t tmpfs none /newroot/mnt
for d in tmp run var/tmp var/log var/lib var/cache var/spool root; do
  [ -L /newroot/$d ] || mount -t tmpfs none /newroot/$d 2>/dev/null
done
mount --move /proc /newroot/proc; mount --move /sys /newroot/sys; mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash /mnt/.vmrun-stage2.sh
INIT
)
dep=$MODS/$KV/modules.dep
need=""; todo="virtio_pci 9pnet_virtio 9p"
while [ -n "$todo" ]; do
  # shellcheck disable=SC2086  # a word list
  set -- $todo; m=$1; shift; todo="$*"
  line=$(grep -E "(^|/)${m}\.ko(\.[a-z]+)?:" "$dep") || continue    # built in
  f=${line%%:*}; case " $need " in *" $f "*) continue;; esac
  need="$need $f"
  for d in ${line#*:}; do b=${d##*/}; todo="$todo ${b%%.ko*}"; done
done
key=$( { cat "$0"; printf '%s\n' "$need"; stat -c %Y "$dep" "$BUSYBOX"; } | sha1sum | cut -c1-12)
IRDIR=$LAB/$KV
mkdir -p "$IRDIR" 2>/dev/null && [ -w "$IRDIR" ] || IRDIR=$OUT
IR=$IRDIR/vns-initrd-$key.gz
if [ ! -s "$IR" ]; then
  w=$(mktemp -d)
  mkdir -p "$w"/bin "$w"/proc "$w"/sys "$w"/dev "$w"/newroot "$w/lib/modules/$KV"
  cp "$BUSYBOX" "$w"/bin/busybox
  # Compressed modules are stored decompressed: busybox's modprobe would hand them to the kernel
  # as they are first ("Invalid ELF header magic" on the console).
  for f in $need; do
    mkdir -p "$w/lib/modules/$KV/${f%/*}"
    case $f in
      *.ko.xz)  xz -dc "$MODS/$KV/$f" > "$w/lib/modules/$KV/${f%.xz}";;
      *.ko.zst) zstd -qdc "$MODS/$KV/$f" > "$w/lib/modules/$KV/${f%.zst}";;
      *.ko.gz)  gzip -dc "$MODS/$KV/$f" > "$w/lib/modules/$KV/${f%.gz}";;
      *)        cp "$MODS/$KV/$f" "$w/lib/modules/$KV/$f";;
    esac
  done
  for f in $need; do grep -E "^${f//./\\.}:" "$dep"; done |
    sed -E 's/\.ko\.(xz|zst|gz)/.ko/g' > "$w/lib/modules/$KV/modules.dep"
  printf '%s\n' "$INIT" > "$w"/init; chmod +x "$w"/init
  (cd "$w" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$IR.$$") && mv -f "$IR.$$" "$IR"
  rm -rf "$w" "$IR.$$"
  [ -s "$IR" ] || { echo "vmrun: cannot build the initramfs $IR" >&2; exit 3; }
  # initramfs of earlier versions of this script (not the ones a run may be starting with)
  find "$IRDIR" -maxdepth 1 -name 'vns-initrd-*.gz' ! -name "${IR##*/}" -mmin +60 -delete 2>/dev/null
fi

# --- what the guest runs after switch_root ---
printf '%s\n' "$CMD" > "$OUT/.vmrun-cmd.sh"
share_mounts=""; share_opts=()
i=0
for p in ${VNS_VM_SHARE:-}; do
  [ -d "$p" ] || continue
  p=$(cd "$p" && pwd)
  # (the arm64 root has no such directory: its mount point is made there)
  [ "$ROOT" = / ] || [ -d "$ROOT$p" ] || mkdir -p "$ROOT$p" ||
    { echo "vmrun: cannot make the mount point $ROOT$p" >&2; exit 3; }
  share_opts+=(-virtfs "local,path=${p//,/,,},mount_tag=vns_share$i,security_model=none,readonly=on,multidevs=remap")
  share_mounts+="mkdir -p $(printf %q "$p") 2>/dev/null; mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro,cache=loose vns_share$i $(printf %q "$p")"$'\n'
  i=$((i + 1))
done
cat > "$OUT/.vmrun-stage2.sh" <<S2
mount -t debugfs none /sys/kernel/debug 2>/dev/null
mount -t tracefs none /sys/kernel/tracing 2>/dev/null
mount -t bpf none /sys/fs/bpf 2>/dev/null
mkdir -p /dev/pts /dev/shm; mount -t devpts none /dev/pts; mount -t tmpfs none /dev/shm
$share_mounts
# 'quiet' keeps the boot silent; show warnings and worse from now on, so splats reach the console
echo 5 > /proc/sys/kernel/printk
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
hostname vmguest; ip link set lo up
cd /tmp
bash /mnt/.vmrun-cmd.sh </dev/null; rc=\$?
# one compound command, read whole before it runs: bash reads this script from 9p as it goes,
# and a read (or a sleep) that fails once the power-off tore 9p down would end PID 1 (a panic)
{
  echo "$MARK=\$rc"
  sync; echo o > /proc/sysrq-trigger
  while :; do sleep 1 2>/dev/null; done
}
S2

accel=tcg${VNS_TCG_THREAD:+,thread=$VNS_TCG_THREAD}
if [ "${VNS_KVM:-0}" = 1 ] && [ $ARCH = x86_64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; fi
APPEND="console=$CONSOLE quiet panic=-1 ${VNS_APPEND-oops=panic panic_on_warn=1 slub_debug=FZPU}"
q() { printf '%s' "${1//,/,,}"; }    # qemu option values double their commas
hub=()
if [ "${VNS_VM_HUB:-0}" = 1 ]; then
  hub=(-netdev hubport,id=h1,hubid=1 -device e1000,netdev=h1,mac=52:54:00:e1:00:01
       -netdev hubport,id=h2,hubid=1 -device virtio-net-pci,netdev=h2,mac=52:54:00:f2:00:02)
fi

rm -f "$OUT/.qemu.pid" "$OUT/.qemu-rc" "$OUT/.qemu-hung"
# shellcheck disable=SC2086  # VNS_QEMU_OPTS is a list of options
{
  timeout -k 10 "$TMO" $QEMU "${MACHINE[@]}" -accel $accel ${VNS_QEMU_OPTS:-} \
    -m "${VNS_VM_MEM:-2048}" -smp "${VNS_VM_SMP:-2}" -nographic -no-reboot -pidfile "$OUT/.qemu.pid" \
    -kernel "$VMLINUZ" -initrd "$IR" -append "$APPEND" \
    -virtfs "local,path=$(q "$ROOT"),mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$(q "$MODS"),mount_tag=kmods,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$(q "$OUT"),mount_tag=out,security_model=none,multidevs=remap" \
    "${share_opts[@]}" \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 "${hub[@]}" </dev/null 2>&1
  echo $? > "$OUT/.qemu-rc"
} |
  sed -u -e 's/\r//g' -e 's/\x1b[[][0-9;?]*[A-Za-z]//g' -e 's/\x1bc/\n/g' |   # firmware screen codes
  tee "$OUT/console.log" | grep --line-buffered -v "^$MARK=" &
pipe=$!

# A guest that hangs (a livelock with interrupts off, a lost IPI) cannot run its own timeouts:
# stop it when the console has been silent for VNS_VM_SILENCE seconds.
silence=${VNS_VM_SILENCE:-300}
last=-1 quiet=0
while kill -0 "$pipe" 2>/dev/null; do
  sleep 5
  [ "$silence" -gt 0 ] || continue
  size=$(stat -c %s "$OUT/console.log" 2>/dev/null || echo 0)
  if [ "$size" != "$last" ]; then last=$size quiet=0; continue; fi
  quiet=$((quiet + 5))
  if [ "$quiet" -ge "$silence" ] && [ -s "$OUT/.qemu.pid" ]; then
    echo "$quiet" > "$OUT/.qemu-hung"
    kill "$(cat "$OUT/.qemu.pid")" 2>/dev/null
    silence=0
  fi
done
wait "$pipe"
qrc=$(cat "$OUT/.qemu-rc" 2>/dev/null || echo 1)

splat=$(grep -m1 -E "$SPLAT_RE" "$OUT/console.log")
if [ -n "$splat" ]; then
  echo "vmrun: kernel splat in guest log: $splat"
  exit 97
fi
rc=$(sed -n "s/^.*$MARK=\([0-9]*\)\$/\1/p" "$OUT/console.log" | tail -1)
if [ -z "$rc" ]; then
  if [ -s "$OUT/.qemu-hung" ]; then
    echo "vmrun: no exit marker: the guest hung (console silent for $(cat "$OUT/.qemu-hung")s)"
  elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then echo "vmrun: no exit marker: timed out after ${TMO}s"
  else echo "vmrun: no exit marker: the guest died (qemu status $qrc)"; fi
  exit 98
fi
[ "$rc" = 99 ] && echo "vmrun: the guest could not mount the host root over 9p"
exit "$rc"
