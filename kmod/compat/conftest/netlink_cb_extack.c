// SPDX-License-Identifier: GPL-2.0
/* 4.20+: netlink_callback carries the extended ack */
#include <linux/netlink.h>
int vns_conftest(struct netlink_callback *cb);
int vns_conftest(struct netlink_callback *cb) { return cb->extack != NULL; }
