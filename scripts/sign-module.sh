#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sign-module.sh KDIR KEY CERT MODULE
#   Signs MODULE (an uncompressed .ko) for the kernel whose build tree is KDIR, with KEY (a PEM
#   private key, or a "pkcs11:" URI) and CERT (its X.509 certificate, PEM or DER), using the
#   kernel's own scripts/sign-file and its CONFIG_MODULE_SIG_HASH: what a host with Secure Boot
#   or module.sig_enforce=1 needs before `modprobe vnetscope`, once CERT is enrolled as a MOK
#   (README, "Secure Boot and module signing"). A signature already on MODULE (DKMS signs with
#   its own key) is replaced, not stacked: the kernel checks only the last one.
# `make sign KEY=... CERT=... [KDIR=...] [MODULE=...]` runs it.
set -eu
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit "${rc:-1}"; }
rc=2
[ $# -eq 4 ] || die "usage: $prog KDIR KEY CERT MODULE (make sign KEY=... CERT=...)"
kdir=$1 key=$2 cert=$3 mod=$4
[ -n "$key" ] && [ -n "$cert" ] || die "KEY and CERT are required (make sign KEY=signing_key.pem CERT=signing_cert.der)"
case $key in pkcs11:*) ;; *) [ -r "$key" ] || die "cannot read the key '$key'" ;; esac
[ -r "$cert" ] || die "cannot read the certificate '$cert'"
[ -f "$mod" ] || die "no module '$mod' (build it first: make module KDIR=$kdir)"
case $mod in *.ko) ;; *) die "'$mod' is not an uncompressed .ko: sign before compressing" ;; esac
rc=1
config=$kdir/.config
[ -r "$config" ] || config=$kdir/include/config/auto.conf
[ -r "$config" ] || die "no kernel configuration in '$kdir' (is it a kernel build tree? install the kernel's headers / kernel-devel)"
grep -q '^CONFIG_MODULE_SIG=y' "$config" ||
	die "this kernel does not check module signatures (CONFIG_MODULE_SIG is not set in $config): the module loads unsigned"
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$config")
[ -n "$hash" ] || hash=sha256
signfile=$kdir/scripts/sign-file
[ -x "$signfile" ] || die "no $signfile (on Debian it comes with linux-kbuild, on RHEL with kernel-devel)"

# An appended signature ends with struct module_signature (12 bytes, its last 4 the signature's
# length, big-endian) and the 28-byte marker "~Module signature appended~\n".
magic='~Module signature appended~'
size=$(stat -c %s "$mod")
if [ "$size" -gt 40 ] && [ "$(tail -c 28 "$mod" | tr '\0' '?')" = "$magic" ]; then
	siglen=$(tail -c 32 "$mod" | head -c 4 | od -An -tu1 |
		awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	keep=$((size - 28 - 12 - siglen))
	[ "$keep" -gt 0 ] || die "'$mod' has a damaged signature trailer"
	truncate -s "$keep" "$mod"
	echo "$prog: replaced the signature already on $mod"
fi
"$signfile" "$hash" "$key" "$cert" "$mod"
echo "$prog: signed $mod ($hash) with $cert"
if command -v modinfo >/dev/null; then
	modinfo -F signer "$mod" | sed 's/^/  signer: /'
	modinfo -F sig_hashalgo "$mod" | sed 's/^/  hash:   /'
fi
