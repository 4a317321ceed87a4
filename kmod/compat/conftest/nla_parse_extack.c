// SPDX-License-Identifier: GPL-2.0
/* 4.12+: nla_parse() takes an extended ack */
#include <net/netlink.h>
int vns_conftest(void);
int vns_conftest(void) { struct nlattr *tb[2]; return nla_parse(tb, 1, NULL, 0, NULL, NULL); }
