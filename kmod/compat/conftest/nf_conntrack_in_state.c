// SPDX-License-Identifier: GPL-2.0
/* 4.20+ (RHEL 8.3+): nf_conntrack_in(skb, state); before: (net, pf, hook, skb) */
#include <net/netfilter/nf_conntrack_core.h>
int vns_conftest(void);
int vns_conftest(void)
{
	unsigned int (*f)(struct sk_buff *, const struct nf_hook_state *) =
		nf_conntrack_in;

	return f != NULL;
}
