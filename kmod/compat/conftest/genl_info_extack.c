// SPDX-License-Identifier: GPL-2.0
/* 4.12+: genl_info carries the extended ack */
#include <net/genetlink.h>
int vns_conftest(struct genl_info *i);
int vns_conftest(struct genl_info *i) { return i->extack != NULL; }
