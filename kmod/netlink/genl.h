/* SPDX-License-Identifier: GPL-2.0 */
/* The "vnetscope" generic netlink family (netlink/genl.c) */
#ifndef _VNS_NETLINK_GENL_H
#define _VNS_NETLINK_GENL_H

int vns_genl_init(void);
void vns_genl_exit(void);

#endif /* _VNS_NETLINK_GENL_H */
