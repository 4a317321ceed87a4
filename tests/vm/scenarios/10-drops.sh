#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vns-vm: arm64
# 10-drops: the drop collector end to end, through the text views, on real drops:
# UDP to a closed port (IPv4 and IPv6), tc netem loss on a veth, an nftables DROP rule,
# an MTU mismatch on a veth pair, and filter exactness; without kprobe argument access (a
# VNS_KPROBE_ARGS=none build), which probes are unavailable and that drops still counts.
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/vns.sh"

load_vns || exit 1
V=$VNS_DBG/drops
T=drops

# --- 1. UDP to a closed port: exactly N drops for the one flow -----------------------------
ctl enable drops proto=udp dport=9 || fail $T/enable "control write failed"
udp_send 127.0.0.1 40000 127.0.0.1 9 50
udp_send ::1 40001 ::1 9 20
expect_eq $T/udp4_count "$(view_sum $V family=ipv4 src=127.0.0.1 sport=40000 dst=127.0.0.1 dport=9)" 50
keep $V udp
# one location; stacks may differ below it (e.g. neighbour resolved or not on the way out).
# The location is the tracepoint's caller: where the compiler split kfree_skb (gcc-10 on
# Debian's arm64 5.10: stack=kfree_skb.part.0+...,kfree_skb+...,__udp4_lib_rcv+...) the
# tracepoint is in kfree_skb.part.0, the location is kfree_skb, and __udp4_lib_rcv its caller.
if view_get $V stack sport=40000 | grep -q '^kfree_skb\.part\.[0-9]*+'; then
  expect_eq $T/udp4_location "$(view_get $V location sport=40000 | sed 's/+.*//' | sort -u)" kfree_skb
  expect_eq $T/udp4_location_caller \
    "$(view_get $V stack sport=40000 | awk -F, '{ sub(/[+].*/, "", $3); print $3 }' | sort -u)" __udp4_lib_rcv
else
  expect_eq $T/udp4_location "$(view_get $V location sport=40000 | sed 's/+.*//' | sort -u)" __udp4_lib_rcv
fi
expect_eq $T/udp4_stack "$(view_sum $V sport=40000 'stack~__udp4_lib_rcv')" 50
expect_eq $T/udp6_count "$(view_sum $V family=ipv6 src=::1 sport=40001 dst=::1 dport=9)" 20
expect_eq $T/udp6_stack "$(view_sum $V sport=40001 'stack~__udp6_lib_rcv')" 20
expect_eq $T/udp_dev "$(view_get $V dev sport=40000 | sort -u)" lo
if has_reasons; then
  expect_eq $T/udp4_reason "$(view_get $V reason sport=40000 | sort -u)" NO_SOCKET
  expect_eq $T/udp6_reason "$(view_get $V reason sport=40001 | sort -u)" NO_SOCKET
else
  expect_eq $T/udp4_no_reason "$(view_get $V reason sport=40000 | sort -u)" -
fi
expect_eq $T/udp_only_matching "$(view_count $V)" "$(view_count $V proto=udp dport=9)"
expect_eq $T/udp_seen_total "$(status_get seen)" $(( 70 + $(status_get filtered) ))
expect_eq $T/udp_lost "$(status_get lost)" 0

# --- 2a. tc netem loss on a veth: every loss counted, at the qdisc -------------------------
# Every datagram that did not arrive was dropped somewhere on the flow's path and is counted
# (exact).  netem's losses are the ones on va, at __dev_queue_xmit.  The receiver's socket
# holds the whole burst (4 MiB) so that it drops none; any drop after va (vb's backlog, the
# socket) still counts in the total and is printed.
netns_pair vns_a vns_b va vb 10.10.0.1/24 10.10.0.2/24 || fail $T/netns "netns_pair"
ip netns exec vns_a ping -c 1 -W 5 10.10.0.2 >/dev/null || fail $T/netem_arp "no neighbour"
ip netns exec vns_a tc qdisc add dev va root netem loss 30%
ctl enable drops proto=udp dport=5001
coproc RECV { ip netns exec vns_b "$VNS_TESTBIN/udpsend" --recv 10.10.0.2 5001 3 --rcvbuf 4194304; }
read -r ready <&"${RECV[0]}"
ip netns exec vns_a "$VNS_TESTBIN/udpsend" 10.10.0.1 41000 10.10.0.2 5001 1000 >/dev/null
read -r arrived <&"${RECV[0]}"
all=$(view_sum $V sport=41000 dport=5001)
got=$(view_sum $V dev=va sport=41000 dport=5001)
expect_eq $T/netem_sent_minus_arrived "$all" $(( 1000 - arrived ))
[ "$got" = "$all" ] || { echo "INFO netem: $(( all - got )) of $all lost after va:"; grep -v 'dev=va ' "$V" | grep 'sport=41000'; }
keep $V netem
expect_range $T/netem_rate "$got" 230 370
expect_eq $T/netem_at_qdisc "$(view_sum $V dev=va sport=41000 'stack~__dev_queue_xmit')" "$got"

# --- 2b. an nftables DROP rule: drops attributed to netfilter --------------------------------
ip netns exec vns_a tc qdisc del dev va root
ip netns exec vns_b nft -f - <<'NFT'
table ip vns {
	chain input {
		type filter hook input priority 0;
		udp dport 5002 drop
	}
}
NFT
ctl enable drops proto=udp dport=5002
ip netns exec vns_a "$VNS_TESTBIN/udpsend" 10.10.0.1 41001 10.10.0.2 5002 40 >/dev/null
keep $V nft
expect_eq $T/nft_count "$(view_sum $V src=10.10.0.1 dst=10.10.0.2 sport=41001 dport=5002)" 40
expect_eq $T/nft_in_netfilter "$(view_sum $V sport=41001 'stack~nf_hook_slow')" 40
expect_eq $T/nft_dev "$(view_get $V dev sport=41001 | sort -u)" vb
if has_reasons; then
  expect_eq $T/nft_reason "$(view_get $V reason sport=41001 | sort -u)" NETFILTER_DROP
fi

# --- 2c. MTU mismatch on a veth pair: oversized frames dropped at the device ----------------
netns_pair vns_c vns_d vc vd 10.11.0.1/24 10.11.0.2/24 || fail $T/netns2 "netns_pair"
ip -n vns_c link set vc mtu 3000
ip netns exec vns_c ping -c 1 -W 5 10.11.0.2 >/dev/null || fail $T/mtu_arp "no neighbour"
ctl enable drops proto=udp dport=5003
ip netns exec vns_c "$VNS_TESTBIN/udpsend" 10.11.0.1 41002 10.11.0.2 5003 10 2000 >/dev/null
keep $V mtu
expect_eq $T/mtu_count "$(view_sum $V sport=41002 dport=5003)" 10
expect_eq $T/mtu_dev "$(view_get $V dev sport=41002 | sort -u)" vc
expect_eq $T/mtu_at_veth "$(view_sum $V sport=41002 'stack~veth_xmit')" 10

# --- 3. filter exactness: non-matching drops are counted as filtered, never entries -------
ctl enable drops src=127.0.0.0/8 proto=udp dport=9
VNS_STATUS=$VNS_OUT/status.txt
cat $VNS_PROC/status > $VNS_STATUS; f0=$(status_get filtered) s0=$(status_get seen)
udp_send 127.0.0.1 40010 127.0.0.1 10 30      # other port
udp_send ::1 40011 ::1 9 10                     # other family
udp_send 127.0.0.1 40012 127.0.0.1 9 20        # matches
keep $V filter
keep $VNS_DBG/status filter-status
expect_eq $T/filter_matching "$(view_sum $V sport=40012 dport=9)" 20
expect_eq $T/filter_only_matching "$(view_count $V)" 1
# every drop seen is either an entry or filtered; ours are among the filtered (the kernel adds
# its own: ICMPv6 errors to ::1 are dropped in icmpv6_rcv on some kernels)
cat $VNS_PROC/status > $VNS_STATUS
df=$(( $(status_get filtered) - f0 ))
expect_eq $T/filter_accounting "$(( $(status_get seen) - s0 ))" $(( df + 20 ))
unset VNS_STATUS
expect_range $T/filter_filtered "$df" 40 60
ctl enable drops dev=lo
udp_send 127.0.0.1 40013 127.0.0.1 9 5
ip netns exec vns_a "$VNS_TESTBIN/udpsend" 10.10.0.1 41003 10.10.0.2 5009 7 >/dev/null
expect_eq $T/filter_dev "$(view_sum $V dev=lo sport=40013)" 5
expect_eq $T/filter_dev_only "$(view_count $V dev=vb)" 0

# --- reset and disable ------------------------------------------------------------------------
ctl reset drops
expect_eq $T/reset_entries "$(view_count $V)" 0
# the kernel may drop a packet of its own between the reset and the read
expect_range $T/reset_seen "$(status_get seen)" 0 2
ctl disable drops
expect_eq $T/disabled "$(status_get state)" off
expect_eq $T/probe_detached "$(view_get $VNS_PROC/probes state collector=drops probe=kfree_skb)" detached

# --- kprobe arguments: how this build reads them (status: kprobe_args=) ---------------------
# accessor or regs: every probe may attach.  none (make VNS_KPROBE_ARGS=none, as on an
# architecture without either): the probes whose handlers read arguments are unavailable,
# collectors that require one refuse to enable, and drops (a tracepoint) counts exactly.
P=$VNS_PROC/probes
NOARGS=no_argument_access_on_this_architecture
args=$(sed -n 's/^version=.* kprobe_args=\([^ ]*\).*/\1/p' $VNS_PROC/status)
case $args in
  accessor|regs|none) pass $T/kprobe_args;;
  *) fail $T/kprobe_args "status says kprobe_args='$args'";;
esac
if [ "$args" != none ]; then
  expect_eq $T/args_all_probes "$(view_count $P reason=$NOARGS)" 0
else
  # decided at load: every kprobe and kretprobe of these, no tracepoint, and not the
  # selftest probes (their handlers read no argument)
  keep $P noargs-probes
  expect_eq $T/noargs_no_tracepoint "$(view_count $P type=tracepoint reason=$NOARGS)" 0
  for c in tun latency kvm virtio; do
    n=$(( $(view_count $P collector=$c type=kprobe) + $(view_count $P collector=$c type=kretprobe) ))
    expect_eq $T/noargs_${c}_all "$(view_count $P collector=$c reason=$NOARGS)" "$n"
  done
  expect_eq $T/noargs_selftest "$(view_count $P collector=selftest reason=$NOARGS)" 0
  ctl enable latency
  expect_eq $T/noargs_latency_on "$(view_get $VNS_PROC/status state collector=latency)" on
  n=$(( $(view_count $P collector=latency type=kprobe) + $(view_count $P collector=latency type=kretprobe) ))
  expect_eq $T/noargs_latency_kprobes "$(view_count $P collector=latency state=unavailable reason=$NOARGS)" "$n"
  expect_eq $T/noargs_latency_tracepoints "$(view_count $P collector=latency type=tracepoint state=attached)" \
    "$(view_count $P collector=latency type=tracepoint)"
  ctl disable latency
  ctl enable tun && fail $T/noargs_tun_refused "enabled"
  expect_eq $T/noargs_tun_error "$(sed -n 's/^last_error=//p' $VNS_DBG/control)" \
    "required_probe_tun_net_xmit_(kretprobe)_is_unavailable:_${NOARGS}_(-2)"
  expect_eq $T/noargs_tun_off "$(view_get $VNS_PROC/status state collector=tun)" off
  # vhost: its run kretprobes read no argument (they may attach), handle_rx does
  ctl enable vhost && fail $T/noargs_vhost_refused "enabled"
  expect_eq $T/noargs_vhost_error "$(sed -n 's/^last_error=//p' $VNS_DBG/control)" \
    "required_probe_handle_rx_(kprobe)_is_unavailable:_${NOARGS}_(-2)"
  expect_eq $T/noargs_vhost_detached "$(view_count $P collector=vhost state=attached) $(view_count $P collector=vhost state=waiting)" "0 0"
  for c in virtio kvm; do
    ctl enable $c && fail $T/noargs_${c}_refused "enabled"
    expect_eq $T/noargs_${c}_error "$(sed -n 's/^last_error=//p' $VNS_DBG/control)" \
      "none_of_its_probes_is_available_(see_probes)_(-2)"
    expect_eq $T/noargs_${c}_probes "$(view_count $P collector=$c state=unavailable reason=$NOARGS)" \
      "$(view_count $P collector=$c)"
  done
  ctl enable drops proto=udp dport=9
  udp_send 127.0.0.1 40020 127.0.0.1 9 30
  expect_eq $T/noargs_drops_count "$(view_sum $V sport=40020 dport=9)" 30
  ctl disable drops
fi

cleanup_netns
dmesg_clean $T/dmesg_clean
