// SPDX-License-Identifier: GPL-2.0
/* 3.13+: OVS ports and internal devices carry IFF_OPENVSWITCH */
#include <linux/netdevice.h>
int vns_conftest(void);
int vns_conftest(void)
{
	return IFF_OPENVSWITCH;
}
