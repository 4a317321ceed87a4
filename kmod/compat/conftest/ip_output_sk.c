// SPDX-License-Identifier: GPL-2.0
/* 4.1 - 4.3: ip_output(sk, skb) (3.10 has ip_output(skb)) */
#include <net/ip.h>
int vns_conftest(void);
int vns_conftest(void)
{
	int (*f)(struct sock *, struct sk_buff *) = ip_output;

	return f != NULL;
}
