#!/bin/bash
# 95-ovs (temporary, until the latency collector has its OVS, TUN and bridge stages): the
# topologies those stages will be tested on, checked without vnetscope.
#   a. OVS system path: internal port ip0 in netns vns_h (10.30.0.2) -> OVS bridge vs0 -> veth
#      a0/a1, a1 in netns vns_p (10.30.0.1); static neighbours, an empty datapath flow table:
#      N pings get N replies, with exactly 2 upcalls (the first request and the first reply;
#      every later packet hits the flows they installed).
#   b. A VM's TAP on OVS: tests/vm/tapguest.py holds the TAP vnet0 (guest 10.40.0.2), a port
#      of vs0; an internal port vh0 in netns vns_h2 (10.40.0.1). The guest pings the host side
#      N times and the host side pings the guest N times: N replies each way.
#   c. The same guest on a Linux bridge br0, with a veth b0/b1, b1 in netns vns_b (10.40.0.1).
# Then ovs_stop: the openvswitch module goes (rmmod must succeed).
. "$(dirname "$0")/../lib.sh"
. "$VNS_REPO/tests/vm/ovs.sh"
T=ovs
N=5
GMAC=02:00:00:40:00:02
info() { echo "INFO $*"; }
replies() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }

if ! have ovsdb-server ovs-vswitchd ovs-vsctl ovs-dpctl ovs-appctl; then
  skip $T/all "Open vSwitch is not installed (scripts/lab-setup.sh installs openvswitch-switch)"; exit 0
fi
if ! modinfo openvswitch >/dev/null 2>&1; then
  skip $T/all "this kernel has no openvswitch module"; exit 0
fi

if ! ovs_start; then
  fail $T/start "ovs_start failed"
  tail -n 20 "$(_ovs_log ovs-vswitchd)" 2>/dev/null | _vns_indent
  ovs_stop; exit 1
fi
pass $T/start
info "$(ovs-vswitchd --version | head -n 1), kernel $VNS_KVER"
ovs_bridge vs0 || { fail $T/bridge "ovs_bridge vs0"; ovs_stop; exit 1; }
ovs-appctl dpif/show-dp-features vs0 2>&1 | _vns_indent

# --- a. the system path ---------------------------------------------------------------------
if ! { ovs_veth_port vs0 a0 vns_p a1 10.30.0.1/24 02:00:00:30:00:01 &&
        ovs_internal_ns vs0 ip0 vns_h 10.30.0.2/24 02:00:00:30:00:02 &&
        ns_neigh vns_h ip0 10.30.0.1 02:00:00:30:00:01 &&
        ns_neigh vns_p a1 10.30.0.2 02:00:00:30:00:02; }; then
  fail $T/sys_topology "setting up a0/a1 and ip0"
fi
check $T/sys_del_flows ovs_del_flows
read -r h0 m0 l0 <<< "$(ovs_dp_lookups)"
ip netns exec vns_h ping -c $N -i 0.5 -W 2 10.30.0.1 > "$VNS_OUT/ovs-sys-ping.txt"
read -r h1 m1 l1 <<< "$(ovs_dp_lookups)"
info "system path: lookups hit +$((h1 - h0)) missed +$((m1 - m0)) lost +$((l1 - l0)); datapath flows:"
ovs-appctl dpctl/dump-flows 2>&1 | _vns_indent
expect_eq $T/sys_replies "$(replies "$VNS_OUT/ovs-sys-ping.txt")" $N
expect_eq $T/sys_upcalls "$((m1 - m0))" 2
expect_eq $T/sys_hits "$((h1 - h0))" $((2 * N - 2))
expect_eq $T/sys_lost "$((l1 - l0))" 0

# --- b. a VM's TAP on OVS ---------------------------------------------------------------------
ovs_internal_ns vs0 vh0 vns_h2 10.40.0.1/24 || fail $T/tap_topology "internal port vh0"
read -r h0 m0 _ <<< "$(ovs_dp_lookups)"
if tapguest_start "$VNS_OUT/ovs-tapguest.txt" --tap vnet0 --mac $GMAC --ip 10.40.0.2/24 \
     --peer 10.40.0.1 --count $N --interval-ms 200 --answer $N --timeout 60 &&
   ovs_add_port vs0 vnet0; then
  ip netns exec vns_h2 ping -c $N -i 0.2 -W 3 10.40.0.2 > "$VNS_OUT/ovs-tap-ping.txt"
  tapguest_wait
  expect_eq $T/tap_guest "$TAPGUEST_RESULT" "sent=$N received=$N answered=$N"
  expect_eq $T/tap_host_replies "$(replies "$VNS_OUT/ovs-tap-ping.txt")" $N
  read -r h1 m1 _ <<< "$(ovs_dp_lookups)"
  info "TAP on OVS: lookups hit +$((h1 - h0)) missed +$((m1 - m0))"
else
  fail $T/tap_topology "tapguest or its OVS port"
fi
# the TAP went with the guest: its port must go too, or ovs-vswitchd would take the next vnet0
ovs-vsctl --timeout=30 del-port vs0 vnet0 || fail $T/tap_del_port "ovs-vsctl del-port vs0 vnet0"

# --- c. the same guest on a Linux bridge ------------------------------------------------------
if ! { br_bridge br0 && br_veth_port br0 b0 vns_b b1 10.40.0.1/24; }; then
  fail $T/br_topology "br0 and b0/b1"
fi
if tapguest_start "$VNS_OUT/br-tapguest.txt" --tap vnet0 --mac $GMAC --ip 10.40.0.2/24 \
     --peer 10.40.0.1 --count $N --interval-ms 200 --answer $N --timeout 60 &&
   br_add_port br0 vnet0; then
  ip netns exec vns_b ping -c $N -i 0.2 -W 3 10.40.0.2 > "$VNS_OUT/br-tap-ping.txt"
  tapguest_wait
  expect_eq $T/br_guest "$TAPGUEST_RESULT" "sent=$N received=$N answered=$N"
  expect_eq $T/br_host_replies "$(replies "$VNS_OUT/br-tap-ping.txt")" $N
else
  fail $T/br_topology "tapguest or its bridge port"
fi
ip link del br0

# --- the end: everything goes, the module too ---------------------------------------------------
check $T/stop ovs_stop
expect_eq $T/module_gone "$(grep -c '^openvswitch ' /proc/modules)" 0
cleanup_netns
grep -E '\|(WARN|ERR|EMER)\|' "$(_ovs_log ovs-vswitchd)" "$(_ovs_log ovsdb-server)" 2>/dev/null | head -n 20 | _vns_indent
dmesg_clean $T/dmesg_clean
