#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/pkg-guest.sh VER: the installed packages used in a lab VM (tests/pkg-test.sh boots
# 6.1 with it after `dpkg -i` of vnetscope and vnetscope-dkms and a DKMS build for that kernel on
# the host; /var/lib/dkms is shared into the guest, the host root is the guest's):
#   - the module DKMS built: its version, vermagic and DKMS's signature;
#   - the systemd unit: its ExecStartPre/ExecStart/ExecStop lines run as written, `modprobe
#     vnetscope` finding the DKMS module in updates/dkms, /etc/vnetscope.conf's collectors on
#     with their filters and counting, then off;
#   - `make sign` with a generated key; the kernel with module.sig_enforce turned on refuses the
#     unsigned module ("unsigned module") and the signed ones ("module with unavailable key",
#     no MOK here) with "Key was rejected by service", and the CLI's not-loaded hint says why;
#     the same for lockdown=integrity.
# Reports PASS/FAIL lines (tests/vm/lib.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
ver=${1:?usage: pkg-guest.sh VERSION}
kver=$(uname -r)
T=pkg
cli=/usr/sbin/vnetscope
dko=/var/lib/dkms/vnetscope/$ver/$kver/$(uname -m)/module/vnetscope.ko
work=/tmp/pkg
mkdir -p "$work"
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security

# --- the packaged CLI and the DKMS-built module ---
expect_eq $T/cli_version "$($cli --version | awk '{ print $1, $2 }')" "vnetscope $ver"
if [ ! -f "$dko" ]; then
	fail $T/dkms_module "no $dko"
	exit 1
fi
expect_eq $T/dkms_version "$(modinfo -F version "$dko")" "$ver"
expect_eq $T/dkms_vermagic "$(modinfo -F vermagic "$dko" | awk '{ print $1 }')" "$kver"
# dkms 3 signs with its own key (/var/lib/dkms/mok.key) where the kernel checks signatures
expect_eq $T/dkms_signer "$(modinfo -F signer "$dko")" "DKMS module signing key"
expect_eq $T/dkms_sig_hash "$(modinfo -F sig_hashalgo "$dko")" sha256

# --- the unit, as systemd would run it ---
unit=
for d in /lib/systemd/system /usr/lib/systemd/system; do
	[ -f $d/vnetscope.service ] && unit=$d/vnetscope.service && break
done
if [ -z "$unit" ]; then
	fail $T/unit "vnetscope.service is not installed"
else
	pass $T/unit
fi
# modprobe looks in /lib/modules/KVER (the lab's tree, read-only here): in its place a tree
# with the module where DKMS installed it on the host and depmod's indexes, as after `dkms
# install` on a real host (only this module: depmod over the whole tree is minutes under TCG)
mods=$work/modules
mkdir -p "$mods/updates/dkms"
cp "/lib/modules/$kver/modules.builtin" "/lib/modules/$kver/modules.order" "$mods/"
cp "/lib/modules/$kver/modules.builtin.modinfo" "$mods/" 2>/dev/null
cp "$dko" "$mods/updates/dkms/"
mount --bind "$mods" "/lib/modules/$kver"
check $T/depmod depmod -a "$kver"
expect_eq $T/modinfo_finds_dkms "$(modinfo -n vnetscope)" "/lib/modules/$kver/updates/dkms/vnetscope.ko"

# /etc/vnetscope.conf for this test: drops of UDP to port 9 only, and softirqs
cat > "$work/vnetscope.conf" <<'CONF'
# pkg-guest.sh
drops --proto udp --dport 9

softirqs
CONF
mount --bind "$work/vnetscope.conf" /etc/vnetscope.conf
unitcmds() {	# the unit's command lines for KEY (ExecStartPre, ExecStart, ExecStop), in order
	sed -n "s/^$1=[-@:+!]*//p" "$unit"
}
run_unit() {	# KEY: run its lines as the unit says; FAIL with the line that failed
	local line out rc=0
	while read -r line; do
		[ -n "$line" ] || continue
		out=$(eval "$line" 2>&1) || { rc=$?; fail "$T/unit_$1" "'$line' exited $rc"; printf '%s\n' "$out" | _vns_indent; return 1; }
		[ -z "$out" ] || printf '%s\n' "$out" | _vns_indent
	done <<< "$(unitcmds "$1")"	# no /dev/fd in the guest for <(...)
	pass "$T/unit_$1"
}
if [ -n "$unit" ]; then
	expect_eq $T/unit_execstartpre "$(unitcmds ExecStartPre)" "/sbin/modprobe vnetscope"
	run_unit ExecStartPre
	run_unit ExecStart
	expect_eq $T/loaded_version "$(cat /sys/module/vnetscope/version 2>&1)" "$ver"
	st=$($cli status --json)
	expect_eq $T/configured_on "$(printf '%s' "$st" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = lambda c: c.get("filter") or {}
print([(c["name"], f(c).get("proto"), f(c).get("dport")) for c in d["collectors"] if c["state"] == "on"])')" \
		"[('drops', 'udp', 9), ('softirqs', None, None)]"
	# 7 datagrams to the closed port 9 and 3 to port 10: the filter keeps the 7
	for i in 1 2 3 4 5 6 7; do echo "x$i" > /dev/udp/127.0.0.1/9; done
	for i in 1 2 3; do echo "y$i" > /dev/udp/127.0.0.1/10; done
	sleep 1
	expect_eq $T/configured_drops "$($cli drops --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = {}
for e in d["entries"]:
	if e["flow"]["proto"] == "udp":
		n[e["flow"]["dport"]] = n.get(e["flow"]["dport"], 0) + e["count"]
print(sorted(n.items()))')" "[(9, 7)]"
	run_unit ExecStop
	expect_eq $T/stopped "$($cli status --json | python3 -c '
import json, sys
print([c["name"] for c in json.load(sys.stdin)["collectors"] if c["state"] == "on"])')" "[]"
	check $T/modprobe_r modprobe -r vnetscope
fi

# --- make sign with a key of our own ---
openssl req -new -x509 -nodes -days 36500 -subj "/CN=vnetscope test key" -newkey rsa:2048 \
	-keyout "$work/key.pem" -outform DER -out "$work/cert.der" >/dev/null 2>&1
objcopy "$dko" "$work/unsigned.ko"	# objcopy drops the appended signature
expect_eq $T/unsigned "$(modinfo -F signer "$work/unsigned.ko")" ""
cp "$work/unsigned.ko" "$work/signed.ko"
kdir=/usr/src/linux-headers-$kver	# the host's /lib/modules/KVER/build
check $T/make_sign make -s -C "$top" sign KDIR="$kdir" \
	KEY="$work/key.pem" CERT="$work/cert.der" MODULE="$work/signed.ko"
expect_eq $T/sign_signer "$(modinfo -F signer "$work/signed.ko")" "vnetscope test key"
expect_eq $T/sign_hash "$(modinfo -F sig_hashalgo "$work/signed.ko")" sha256
serial=$(openssl x509 -inform DER -in "$work/cert.der" -noout -serial | sed 's/^serial=//')
expect_eq $T/sign_key "$(modinfo -F sig_key "$work/signed.ko" | tr -d ':')" "$serial"
# the DKMS signature replaced, not stacked: the same bytes as signing the unsigned module
cp "$dko" "$work/resigned.ko"
make -s -C "$top" sign KDIR="$kdir" KEY="$work/key.pem" \
	CERT="$work/cert.der" MODULE="$work/resigned.ko" >/dev/null
sigs() {	# KO: the signatures appended, and whether the module under them is DKMS's
	python3 - "$1" "$dko" <<'PY'
import sys
MAGIC = b"~Module signature appended~\n"
def strip(b):
    n = 0
    while b.endswith(MAGIC):
        siglen = int.from_bytes(b[-len(MAGIC) - 4:-len(MAGIC)], "big")
        b = b[:-len(MAGIC) - 12 - siglen]
        n += 1
    return n, b
n, body = strip(open(sys.argv[1], "rb").read())
print(n, body == strip(open(sys.argv[2], "rb").read())[1])
PY
}
expect_eq $T/sign_replaces "$(sigs "$work/resigned.ko")" "1 True"
# without enforcement the kernel loads it (it cannot know our key, so it taints)
check $T/signed_loads insmod "$work/signed.ko"

# --- lockdown=integrity, as under Secure Boot (Debian's kernels have the lockdown LSM; it cannot
# be lifted): kprobes and netlink work, the read-only views too, the control file refuses
if [ -w /sys/kernel/security/lockdown ]; then
	echo integrity > /sys/kernel/security/lockdown
	expect_eq $T/lockdown "$(cat /sys/kernel/security/lockdown)" "none [integrity] confidentiality"
	check $T/lockdown_enable $cli enable drops --proto udp --dport 9
	for i in 1 2 3 4; do echo "z$i" > /dev/udp/127.0.0.1/9; done
	sleep 1
	expect_eq $T/lockdown_drops "$($cli drops --json | python3 -c '
import json, sys
print(sum(e["count"] for e in json.load(sys.stdin)["entries"] if e["flow"]["dport"] == 9))')" 4
	expect_eq $T/lockdown_view "$(grep -c 'proto=udp src=127.0.0.1 dst=127.0.0.1 .*dport=9 ' \
		/sys/kernel/debug/vnetscope/drops 2>&1)" 4	# a source port each
	out=$( (echo "disable drops" > /sys/kernel/debug/vnetscope/control) 2>&1)
	case $out in
	*"Operation not permitted"*) pass $T/lockdown_control ;;
	*) fail $T/lockdown_control "writing the control file said: '$out'" ;;
	esac
	check $T/lockdown_disable $cli disable drops
else
	fail $T/lockdown "no /sys/kernel/security/lockdown on $kver"
fi
check $T/signed_unloads rmmod vnetscope

# --- module.sig_enforce, turned on at run time (it cannot be turned off) ---
echo Y > /sys/module/module/parameters/sig_enforce
expect_eq $T/sig_enforce "$(cat /sys/module/module/parameters/sig_enforce)" Y
refused() {	# NAME KO REASON: insmod fails with EKEYREJECTED and the kernel says why
	local out
	dmesg -C
	out=$(insmod "$2" 2>&1) && { fail "$T/$1" "it loaded"; rmmod vnetscope; return 1; }
	case $out in
	*"Key was rejected by service"*) pass "$T/$1" ;;
	*) fail "$T/$1" "insmod said: $out" ;;
	esac
	expect_eq "$T/$1_reason" "$(dmesg | grep -o "Loading of .* is rejected" | tail -n 1)" \
		"Loading of $3 is rejected"
}
refused enforce_unsigned "$work/unsigned.ko" "unsigned module"
refused enforce_ours "$work/signed.ko" "module with unavailable key"
refused enforce_dkms "$dko" "module with unavailable key"
out=$(modprobe vnetscope 2>&1)
expect_eq $T/enforce_modprobe "$out" \
	"modprobe: ERROR: could not insert 'vnetscope': Key was rejected by service"
out=$($cli status 2>&1); rc=$?
expect_eq $T/hint_rc "$rc" 3
printf '%s\n' "$out" | _vns_indent
case $out in
*"sig_enforce"*"Key was rejected by service"*"Secure Boot"*) pass $T/hint_enforce ;;
*) fail $T/hint_enforce "no signature hint in: $out" ;;
esac

case $out in
*"lockdown"*"integrity"*) pass $T/hint_lockdown ;;
*) fail $T/hint_lockdown "no lockdown hint in: $out" ;;
esac
umount /etc/vnetscope.conf "/lib/modules/$kver"
