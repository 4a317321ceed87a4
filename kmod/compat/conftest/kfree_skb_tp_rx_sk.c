// SPDX-License-Identifier: GPL-2.0
/* 6.11+: trace_kfree_skb(skb, location, reason, rx_sk) */
#include <linux/skbuff.h>
#include <trace/events/skb.h>
static void probe(void *d, struct sk_buff *skb, void *loc,
		  enum skb_drop_reason r, struct sock *rx_sk) { }
int vns_conftest(void);
int vns_conftest(void) { return register_trace_kfree_skb(probe, NULL); }
