#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/demo-guest.sh — the guest half of `make demo` (scripts/demo.sh boots the VM).
#
# Runs as root inside the demo VM: loads the module, turns the drops collector on without a
# filter, makes four kinds of real drops, then prints what vnetscope reports about them:
#   1. 50 UDP datagrams from one socket to a closed port, 127.0.0.1:9
#   2. 1000 UDP datagrams over a veth between two netns, with tc netem loss 30% on it
#   3. 40 UDP datagrams dropped by an nftables rule in the receiving netns
#   4. 10 UDP datagrams of 2000 bytes from a 3000-MTU veth to its 1500-MTU peer
# Everything between the lines VNS-DEMO-BEGIN and VNS-DEMO-END is the demo's output; the
# host prints only that. Copies of the text views before the flood go to /mnt/{status,probes,
# drops}.txt (build/demo/ on the host). Environment: VNS_KO (the module), VNS_CLI
# (cli/vnetscope), VNS_TESTBIN (build/tests, for udpsend). Exit status: 0 if every step worked,
# else 1.
set -u
KO=${VNS_KO:?demo-guest: VNS_KO not set}
CLI=${VNS_CLI:?demo-guest: VNS_CLI not set}
UDPSEND=${VNS_TESTBIN:?demo-guest: VNS_TESTBIN not set}/udpsend
failed=0

# The CLI is called by its name, as the demo shows it
PATH=$(cd "$(dirname "$CLI")" && pwd):$PATH
[ -x "$(command -v vnetscope)" ] || { echo "demo-guest: no vnetscope at $CLI"; exit 1; }

header() {
  printf '\n%s\n $ %s\n%s\n' "$(printf '=%.0s' {1..78})" "$*" "$(printf '=%.0s' {1..78})"
}
# show CMD: a header, then the command's output (stderr too); a failure is noted
show() {
  header "$1"
  bash -c "$1" 2>&1 || { echo "demo: '$1' failed (status $?)"; failed=1; }
}
step() { printf '  %s\n' "$*"; }
bad() { echo "demo: $*"; failed=1; }
netns_pair() {   # NS1 NS2 VETH1 VETH2 IP1/24 IP2/24
  ip netns add "$1" && ip netns add "$2" &&
    ip -n "$1" link set lo up && ip -n "$2" link set lo up &&
    ip link add "$3" netns "$1" type veth peer name "$4" netns "$2" &&
    ip -n "$1" addr add "$5" dev "$3" && ip -n "$2" addr add "$6" dev "$4" &&
    ip -n "$1" link set "$3" up && ip -n "$2" link set "$4" up
}

echo VNS-DEMO-BEGIN
echo "vnetscope demo on Linux $(uname -r) (qemu VM, $(nproc) CPUs)"

header "insmod vnetscope.ko && vnetscope enable drops"
if ! insmod "$KO"; then
  echo "demo: insmod $KO failed:"; dmesg | tail -n 5
  echo VNS-DEMO-END; exit 1
fi
vnetscope enable drops || { echo VNS-DEMO-END; exit 1; }
step "module loaded; drops collector on, no filter: every drop in the VM is recorded"

header "making drops"
# The first packet to a new neighbour leaves by another path than the rest: another stack, so
# another entry. Resolve 127.0.0.1 first so that the 50 datagrams share one entry.
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1
# 1. a closed port: the kernel finds no socket and frees each datagram
step "[1/4] 50 UDP datagrams 127.0.0.1:40000 -> 127.0.0.1:9 (no socket listens on port 9)"
"$UDPSEND" 127.0.0.1 40000 127.0.0.1 9 50 >/dev/null || bad "udpsend to 127.0.0.1:9 failed"

# 2. tc netem loss on a veth between two namespaces; a receiver counts what arrives
step "[2/4] 1000 UDP datagrams 10.10.0.1 -> 10.10.0.2:5001 over veth va, tc netem loss 30% on va"
if netns_pair vns_a vns_b va vb 10.10.0.1/24 10.10.0.2/24 &&
   ip netns exec vns_a ping -c 1 -W 5 10.10.0.2 >/dev/null &&
   ip netns exec vns_a tc qdisc add dev va root netem loss 30%; then
  coproc RECV { ip netns exec vns_b "$UDPSEND" --recv 10.10.0.2 5001 2; }
  read -r _ <&"${RECV[0]}"                      # "ready"
  ip netns exec vns_a "$UDPSEND" 10.10.0.1 41000 10.10.0.2 5001 1000 >/dev/null ||
    bad "udpsend over va failed"
  read -r arrived <&"${RECV[0]}"
  wait "$RECV_PID" 2>/dev/null
  step "      the receiver got $arrived: $((1000 - arrived)) lost to netem"
  ip netns exec vns_a tc qdisc del dev va root
else
  bad "could not set up the netem link"
fi

# 3. an nftables rule in the receiving namespace
step "[3/4] 40 UDP datagrams 10.10.0.1 -> 10.10.0.2:5002, dropped by an nftables rule in vns_b"
if ip netns exec vns_b nft -f - <<'NFT'
table ip demo {
	chain input {
		type filter hook input priority 0;
		udp dport 5002 drop
	}
}
NFT
then
  ip netns exec vns_a "$UDPSEND" 10.10.0.1 41001 10.10.0.2 5002 40 >/dev/null ||
    bad "udpsend to port 5002 failed"
else
  bad "nft could not add the rule"
fi

# 4. an MTU mismatch: vc takes 3000-byte frames, its peer vd only 1500
step "[4/4] 10 UDP datagrams of 2000 bytes 10.11.0.1 -> 10.11.0.2:5003, veth vc MTU 3000, peer vd MTU 1500"
if netns_pair vns_c vns_d vc vd 10.11.0.1/24 10.11.0.2/24 &&
   ip -n vns_c link set vc mtu 3000 &&
   ip netns exec vns_c ping -c 1 -W 5 10.11.0.2 >/dev/null; then
  ip netns exec vns_c "$UDPSEND" 10.11.0.1 41002 10.11.0.2 5003 10 2000 >/dev/null ||
    bad "udpsend over vc failed"
else
  bad "could not set up the MTU mismatch"
fi

show "vnetscope status"
show "vnetscope drops --top 6"
show "vnetscope drops --json --top 2"
show "cat /proc/vnetscope/drops | head -3"
# the whole table, for a closer look on the host
for v in status probes drops; do cat /proc/vnetscope/$v > "/mnt/$v.txt" 2>/dev/null; done

# Reports every second of what grew since the previous one, while a 3 s flood runs
header "vnetscope drops --interval 1 --count 2    (during a 3 s UDP flood to 127.0.0.1:9)"
"$UDPSEND" 127.0.0.1 40300 127.0.0.1 9 0 16 --seconds 3 > /tmp/flood.out 2>&1 &
flood=$!
vnetscope drops --interval 1 --count 2 2>&1 || { echo "demo: drops --interval failed"; failed=1; }
wait $flood || bad "the flood failed: $(cat /tmp/flood.out)"
step "(the flood sent $(cat /tmp/flood.out) datagrams in 3 s)"

for ns in vns_a vns_b vns_c vns_d; do ip netns del "$ns" 2>/dev/null; done
rmmod vnetscope || bad "rmmod vnetscope failed"
echo
if [ "$failed" = 0 ]; then echo "demo: done"; else echo "demo: some steps failed (see above)"; fi
echo VNS-DEMO-END
[ "$failed" = 0 ]
