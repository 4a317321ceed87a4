// SPDX-License-Identifier: GPL-2.0
/*
 * 4.3+ (7f8a436eaa2c "openvswitch: Add conntrack action"; CentOS 7.8 has it):
 * the OVS_KEY_ATTR_CT_* keys; with them ovs_flow_key_extract_userspace()
 * gained its struct net *, to verify CT keys (ovs_ct_verify(net, attr)).
 * Its prototype is in net/openvswitch/flow.h, which no headers package
 * ships: this uapi enum stands for it.
 */
#include <linux/openvswitch.h>
int vns_conftest(void);
int vns_conftest(void)
{
	return OVS_KEY_ATTR_CT_STATE;
}
