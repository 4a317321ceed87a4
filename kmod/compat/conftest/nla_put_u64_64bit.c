// SPDX-License-Identifier: GPL-2.0
/* 4.7+: 64-bit attributes are padded for alignment */
#include <net/netlink.h>
int vns_conftest(struct sk_buff *skb);
int vns_conftest(struct sk_buff *skb) { return nla_put_u64_64bit(skb, 1, 0, 2); }
