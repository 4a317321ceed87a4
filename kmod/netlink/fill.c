// SPDX-License-Identifier: GPL-2.0
/* Netlink attribute helpers shared by the collectors' fill functions */
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/vnetscope.h>

#include "fill.h"

static int vns_nl_put_addr(struct sk_buff *skb, int type, u8 family,
			   const u8 *a)
{
	return nla_put(skb, type, family == VNS_AF_INET ? 4 : 16, a);
}

int vns_nl_put_flow(struct sk_buff *skb, int type, const struct vns_flow *f)
{
	struct nlattr *nest;

	if (!f->family)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VNS_FLOW_A_FAMILY, f->family) ||
	    nla_put_u8(skb, VNS_FLOW_A_PROTO, f->proto) ||
	    vns_nl_put_addr(skb, VNS_FLOW_A_SRC, f->family, f->src) ||
	    vns_nl_put_addr(skb, VNS_FLOW_A_DST, f->family, f->dst) ||
	    (vns_proto_has_ports(f->proto) &&
	     (nla_put_u16(skb, VNS_FLOW_A_SPORT, f->sport) ||
	      nla_put_u16(skb, VNS_FLOW_A_DPORT, f->dport))) ||
	    (vns_proto_is_icmp(f->proto) &&
	     (nla_put_u8(skb, VNS_FLOW_A_ICMP_TYPE, f->icmp_type) ||
	      nla_put_u8(skb, VNS_FLOW_A_ICMP_CODE, f->icmp_code)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int vns_nl_put_hist(struct sk_buff *skb, int type, const struct vns_hist *h)
{
	struct nlattr *nest, *b;
	unsigned int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nla_put_u64(skb, VNS_HIST_A_COUNT, h->count, VNS_HIST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_HIST_A_SUM, h->sum, VNS_HIST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_HIST_A_MAXVAL, h->max, VNS_HIST_A_PAD))
		goto cancel;
	for (i = 0; i < VNS_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		b = nla_nest_start(skb, VNS_HIST_A_BUCKET);
		if (!b || nla_put_u8(skb, VNS_BUCKET_A_INDEX, i) ||
		    vns_nla_put_u64(skb, VNS_BUCKET_A_COUNT, h->buckets[i],
				    VNS_BUCKET_A_PAD))
			goto cancel;
		nla_nest_end(skb, b);
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int vns_nl_put_sym(struct sk_buff *skb, int type, unsigned long ip,
		   bool offset)
{
	char buf[KSYM_SYMBOL_LEN + 32];

	snprintf(buf, sizeof(buf), offset ? "%pS" : "%ps", (void *)ip);
	return nla_put_string(skb, type, buf);
}

int vns_nl_put_stack(struct sk_buff *skb, int type, const unsigned long *frames,
		     unsigned int nr)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < nr; i++)
		if (vns_nl_put_sym(skb, VNS_STACK_A_FRAME, frames[i], true)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	nla_nest_end(skb, nest);
	return 0;
}

int vns_nl_put_strn(struct sk_buff *skb, int type, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	struct nlattr *a = nla_reserve(skb, type, n + 1);

	if (!a)
		return -EMSGSIZE;
	memcpy(nla_data(a), s, n);
	((char *)nla_data(a))[n] = 0;
	return 0;
}
