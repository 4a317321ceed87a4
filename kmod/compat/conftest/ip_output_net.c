// SPDX-License-Identifier: GPL-2.0
/* 4.4+: ip_output(net, sk, skb); before: ip_output(sk, skb) or (skb) */
#include <net/ip.h>
#include <net/ip6_route.h>
int vns_conftest(void);
int vns_conftest(void)
{
	int (*f)(struct net *, struct sock *, struct sk_buff *) = ip_output;

	return f != NULL;
}
