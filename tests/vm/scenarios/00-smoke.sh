#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 00-smoke: the harness itself, without loading the module — the VM, its mounts, network
# namespaces, and a module built for the kernel that is running.
. "$(dirname "$0")/../lib.sh"

expect_eq smoke/kernel "$(uname -r)" "$VNS_KVER"
check smoke/out_writable sh -c 'echo ok > "$VNS_OUT/.smoke" && rm "$VNS_OUT/.smoke"'
check smoke/debugfs grep -qw debugfs /proc/mounts
check smoke/tracefs test -e /sys/kernel/tracing/trace
virtio_nic() {         # a virtio PCI device of class "Ethernet controller" (driver not loaded)
  local d v c
  for d in /sys/bus/pci/devices/*; do
    read -r v < "$d/vendor"; read -r c < "$d/class"
    [ "$v" = 0x1af4 ] && case $c in 0x0200*) return 0;; esac
  done
  return 1
}
check smoke/virtio_nic virtio_nic
check smoke/modules_dir test -f "/lib/modules/$(uname -r)/modules.dep"

# Two namespaces over a veth pair: exactly 3 echo replies.
if netns_pair vns_a vns_b vns_va vns_vb 10.199.0.1/24 10.199.0.2/24; then
  pass smoke/netns_pair
  if have ping; then ping=(ping); else ping=(busybox ping); fi
  replies=$(ip netns exec vns_a "${ping[@]}" -c 3 -W 5 10.199.0.2 2>&1 | grep -c 'bytes from')
  expect_eq smoke/ping_replies "$replies" 3
  # And nothing leaks into the initial namespace (not `ip link show`: an unknown name makes the
  # kernel try modprobe netdev-<name>).
  if [ -e /sys/class/net/vns_va ]; then fail smoke/netns_isolated "vns_va is in init_net"
  else pass smoke/netns_isolated; fi
else
  fail smoke/netns_pair "could not build the namespaces"
fi
cleanup_netns
expect_eq smoke/netns_cleanup "$(ip netns list | grep -c '^vns_')" 0

# The module was built for this very kernel.
if [ -f "${VNS_KO:-}" ]; then
  pass smoke/ko_exists
  # (from the .modinfo section where the guest has no modinfo)
  if command -v modinfo >/dev/null; then vermagic=$(modinfo -F vermagic "$VNS_KO" 2>&1)
  else vermagic=$(tr '\0' '\n' < "$VNS_KO" | sed -n 's/^vermagic=//p' | head -n 1); fi
  expect_eq smoke/ko_vermagic "${vermagic%% *}" "$(uname -r)"
else
  fail smoke/ko_exists "no module at '${VNS_KO:-}'"
fi

dmesg_clean smoke/dmesg_clean
